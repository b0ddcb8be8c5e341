# Tests of daemon/ingest and its helpers (included from tests/daemon/CMakeLists.txt).
tributary_test(ingest_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/ingest_test.cc
               LIBS tributary_ingest)
tributary_test(url_canon_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/url_canon_test.cc
               LIBS tributary_ingest)
tributary_test(simhash_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/simhash_test.cc
               LIBS tributary_ingest)
tributary_test(collapse_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/collapse_test.cc
               LIBS tributary_ingest nlohmann_json::nlohmann_json)
