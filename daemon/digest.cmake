# Digests: when they are due (digest_schedule), how a run goes from planned
# to sent exactly once (digest_runner over the DigestLedger interface) and
# how a message reaches the reader (mail_delivery: maildir, SMTP, sendmail).
add_library(tributary_digest STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/digest_schedule.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/mail_delivery.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/digest_runner.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/digest_setup.cc)
target_link_libraries(tributary_digest PUBLIC tributary_mail tributary_common date::date-tz
                                              CURL::libcurl)
