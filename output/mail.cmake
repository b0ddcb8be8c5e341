# Digest e-mail messages: MIME building, HTML to text, mustache templates.
# The shipped templates are compiled in (users may override them by path).
set(TRIBUTARY_MAIL_TEMPLATES ${CMAKE_CURRENT_SOURCE_DIR}/templates/digest.html.mustache
                             ${CMAKE_CURRENT_SOURCE_DIR}/templates/digest.txt.mustache)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${TRIBUTARY_MAIL_TEMPLATES})
file(READ ${CMAKE_CURRENT_SOURCE_DIR}/templates/digest.html.mustache TRIBUTARY_DIGEST_HTML)
file(READ ${CMAKE_CURRENT_SOURCE_DIR}/templates/digest.txt.mustache TRIBUTARY_DIGEST_TEXT)
file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/generated/output/digest_templates.h
     CONTENT "// Generated from output/templates/ by output/mail.cmake; do not edit.
#pragma once
namespace tributary::output {
inline constexpr const char kDigestHtmlTemplate[] = R\"tmpl_(@TRIBUTARY_DIGEST_HTML@)tmpl_\";
inline constexpr const char kDigestTextTemplate[] = R\"tmpl_(@TRIBUTARY_DIGEST_TEXT@)tmpl_\";
}  // namespace tributary::output
" @ONLY)

add_library(tributary_mail STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/mime.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/html_to_text.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/digest_message.cc)
target_include_directories(tributary_mail PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
target_link_libraries(tributary_mail PUBLIC tributary_common PRIVATE date::date-tz PkgConfig::GUMBO)
