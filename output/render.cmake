# Feed documents (Atom, RSS, JSON Feed), the HTML sanitiser, atomic file
# writes and Markdown posts. The shipped post templates are compiled in
# (users may point at their own file instead).
set(TRIBUTARY_POST_TEMPLATES ${CMAKE_CURRENT_SOURCE_DIR}/templates/hexo.md.mustache
                             ${CMAKE_CURRENT_SOURCE_DIR}/templates/hugo.md.mustache
                             ${CMAKE_CURRENT_SOURCE_DIR}/templates/jekyll.md.mustache)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${TRIBUTARY_POST_TEMPLATES})
file(READ ${CMAKE_CURRENT_SOURCE_DIR}/templates/hexo.md.mustache TRIBUTARY_POST_HEXO)
file(READ ${CMAKE_CURRENT_SOURCE_DIR}/templates/hugo.md.mustache TRIBUTARY_POST_HUGO)
file(READ ${CMAKE_CURRENT_SOURCE_DIR}/templates/jekyll.md.mustache TRIBUTARY_POST_JEKYLL)
file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/generated/output/post_templates.h
     CONTENT "// Generated from output/templates/ by output/render.cmake; do not edit.
#pragma once
namespace tributary::output {
inline constexpr const char kHexoPostTemplate[] = R\"tmpl_(@TRIBUTARY_POST_HEXO@)tmpl_\";
inline constexpr const char kHugoPostTemplate[] = R\"tmpl_(@TRIBUTARY_POST_HUGO@)tmpl_\";
inline constexpr const char kJekyllPostTemplate[] = R\"tmpl_(@TRIBUTARY_POST_JEKYLL@)tmpl_\";
}  // namespace tributary::output
" @ONLY)

add_library(tributary_output STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/sanitizer.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/atom_writer.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/rss_writer.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/json_feed_writer.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/file_writer.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/file_name.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/markdown_post.cc)
target_include_directories(tributary_output PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
# libcurl only for its URL parser (curl_url), to resolve relative links.
target_link_libraries(tributary_output PUBLIC tributary_common pugixml::pugixml
                      nlohmann_json::nlohmann_json PkgConfig::GUMBO CURL::libcurl)
