# The fetcher part of feeds/: libcurl's multi interface driven by Asio.
add_library(tributary_fetch STATIC
  ${CMAKE_CURRENT_LIST_DIR}/address_policy.cc
  ${CMAKE_CURRENT_LIST_DIR}/command_runner.cc
  ${CMAKE_CURRENT_LIST_DIR}/curl_fetcher.cc
  ${CMAKE_CURRENT_LIST_DIR}/curl_transfer.cc
  ${CMAKE_CURRENT_LIST_DIR}/fetcher.cc
  ${CMAKE_CURRENT_LIST_DIR}/http_headers.cc)
target_link_libraries(tributary_fetch PUBLIC tributary_common CURL::libcurl Boost::boost
                      Threads::Threads)
