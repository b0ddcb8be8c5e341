# Tests of the fetcher part of feeds/, against loopback servers.
include(${CMAKE_CURRENT_LIST_DIR}/../fakes/fakes.cmake)
tributary_test(curl_fetcher_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/curl_fetcher_test.cc
               LIBS tributary_fetch tributary_test_http_server)
tributary_test(address_policy_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/address_policy_test.cc
               LIBS tributary_fetch)
tributary_test(http_headers_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/http_headers_test.cc
               LIBS tributary_fetch)
tributary_test(command_runner_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/command_runner_test.cc
               LIBS tributary_fetch)
