# The feed parser: bytes (any encoding, however sloppy) -> ParsedFeed.
# Pure code: no I/O. libcurl is linked only for its URL API.
add_library(tributary_feeds STATIC
  ${CMAKE_CURRENT_LIST_DIR}/atom_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/charset.cc
  ${CMAKE_CURRENT_LIST_DIR}/dates.cc
  ${CMAKE_CURRENT_LIST_DIR}/discover.cc
  ${CMAKE_CURRENT_LIST_DIR}/entities.cc
  ${CMAKE_CURRENT_LIST_DIR}/feed_json.cc
  ${CMAKE_CURRENT_LIST_DIR}/html_scan.cc
  ${CMAKE_CURRENT_LIST_DIR}/html_text.cc
  ${CMAKE_CURRENT_LIST_DIR}/json_feed_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/parse_context.cc
  ${CMAKE_CURRENT_LIST_DIR}/parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/rss_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/cdf_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/simd.cc
  ${CMAKE_CURRENT_LIST_DIR}/url.cc
  ${CMAKE_CURRENT_LIST_DIR}/xml_util.cc)
# Block classifiers with an AVX2 version, chosen at run time (feeds/simd.h).
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  target_sources(tributary_feeds PRIVATE ${CMAKE_CURRENT_LIST_DIR}/simd_avx2.cc)
  set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/simd_avx2.cc PROPERTIES COMPILE_OPTIONS -mavx2)
  target_compile_definitions(tributary_feeds PRIVATE TRIBUTARY_HAVE_AVX2)
endif()
target_link_libraries(tributary_feeds
  PUBLIC tributary_common
  PRIVATE pugixml::pugixml CURL::libcurl nlohmann_json::nlohmann_json PkgConfig::GUMBO)

# Fuzzing: instrument the parser for libFuzzer and build fuzz/fuzz_feed.
if(TRIBUTARY_FUZZ)
  target_compile_options(tributary_feeds PRIVATE -fsanitize=fuzzer-no-link,address,undefined
                                                 -fno-sanitize-recover=all)
  target_link_options(tributary_feeds INTERFACE -fsanitize=address,undefined)
  add_subdirectory(${PROJECT_SOURCE_DIR}/fuzz ${CMAKE_BINARY_DIR}/fuzz)
endif()
