# The built-in HTTP server (Boost.Beast on the daemon's io_context). zlib
# gives the gzip encoding, which Beast does not provide.
find_package(ZLIB REQUIRED)
add_library(tributary_http STATIC ${CMAKE_CURRENT_SOURCE_DIR}/http_server.cc)
target_link_libraries(tributary_http PUBLIC tributary_common Boost::boost Threads::Threads
                      PRIVATE ZLIB::ZLIB)
