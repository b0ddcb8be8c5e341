# The daemon proper: scheduler, outputs, CLI; and the `tributary` binary.
add_library(tributary_daemon STATIC
  ${CMAKE_CURRENT_LIST_DIR}/app.cc
  ${CMAKE_CURRENT_LIST_DIR}/cli.cc
  ${CMAKE_CURRENT_LIST_DIR}/commands.cc
  ${CMAKE_CURRENT_LIST_DIR}/digests.cc
  ${CMAKE_CURRENT_LIST_DIR}/due_queue.cc
  ${CMAKE_CURRENT_LIST_DIR}/feed_specs.cc
  ${CMAKE_CURRENT_LIST_DIR}/metrics.cc
  ${CMAKE_CURRENT_LIST_DIR}/outputs.cc
  ${CMAKE_CURRENT_LIST_DIR}/poll_policy.cc
  ${CMAKE_CURRENT_LIST_DIR}/poller.cc
  ${CMAKE_CURRENT_LIST_DIR}/service_notify.cc)
target_link_libraries(tributary_daemon PUBLIC
  tributary_digest tributary_ingest tributary_http tributary_config tributary_fetch tributary_feeds
  tributary_storage tributary_output tributary_pages tributary_common
  CLI11::CLI11 nlohmann_json::nlohmann_json PkgConfig::SYSTEMD CURL::libcurl Boost::boost
  Threads::Threads)

add_executable(tributary ${CMAKE_CURRENT_LIST_DIR}/main.cc)
target_link_libraries(tributary PRIVATE tributary_daemon)
