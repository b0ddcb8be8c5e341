# Test doubles shared by the test suites. Include this file from a suite's
# CMake part; it defines each target once.
include_guard(GLOBAL)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)

# A scriptable loopback HTTP(S) server (Boost.Beast parsing, blocking threads).
add_library(tributary_test_http_server STATIC ${CMAKE_CURRENT_LIST_DIR}/http_test_server.cc)
target_link_libraries(tributary_test_http_server PUBLIC Boost::boost OpenSSL::SSL OpenSSL::Crypto
                      ZLIB::ZLIB Threads::Threads)

# A throwaway PostgreSQL 15 server per test binary (initdb + pg_ctl).
add_library(tributary_test_pg_server STATIC ${CMAKE_CURRENT_LIST_DIR}/pg_server.cc)
target_link_libraries(tributary_test_pg_server PUBLIC tributary_common PkgConfig::PQXX)
