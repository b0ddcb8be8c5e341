# daemon/ingest: dedup and retention policy, canonical URLs, SimHash and
# cross-feed collapse. From the parser it uses feeds/parsed_feed.h, and for
# fingerprints the HTML scanner and entity decoder (feeds/html_scan.h, entities.h).
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
add_library(tributary_ingest STATIC
            ${CMAKE_CURRENT_LIST_DIR}/ingest.cc
            ${CMAKE_CURRENT_LIST_DIR}/url_canon.cc
            ${CMAKE_CURRENT_LIST_DIR}/simhash.cc
            ${CMAKE_CURRENT_LIST_DIR}/collapse.cc)
target_link_libraries(tributary_ingest PUBLIC tributary_storage tributary_common
                      PRIVATE CURL::libcurl PkgConfig::XXHASH)
if(TARGET tributary_feeds)
  target_link_libraries(tributary_ingest PUBLIC tributary_feeds)
endif()
if(TRIBUTARY_FUZZ)
  # fuzz/fuzz_feed also feeds item content to the fingerprint's HTML reading.
  target_compile_options(tributary_ingest PRIVATE -fsanitize=fuzzer-no-link)
endif()
