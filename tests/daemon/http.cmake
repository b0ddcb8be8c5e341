find_package(ZLIB REQUIRED)  # the test decodes gzip responses itself
tributary_test(http_server_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/http_server_test.cc
               LIBS tributary_http ZLIB::ZLIB)
