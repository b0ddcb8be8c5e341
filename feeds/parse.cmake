# The feed parser: bytes (any encoding, however sloppy) -> ParsedFeed.
# Pure code: no I/O. libcurl is linked only for its URL API.
add_library(tributary_feeds STATIC
  ${CMAKE_CURRENT_LIST_DIR}/atom_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/charset.cc
  ${CMAKE_CURRENT_LIST_DIR}/dates.cc
  ${CMAKE_CURRENT_LIST_DIR}/discover.cc
  ${CMAKE_CURRENT_LIST_DIR}/entities.cc
  ${CMAKE_CURRENT_LIST_DIR}/feed_json.cc
  ${CMAKE_CURRENT_LIST_DIR}/html_text.cc
  ${CMAKE_CURRENT_LIST_DIR}/json_feed_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/parse_context.cc
  ${CMAKE_CURRENT_LIST_DIR}/parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/rss_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/url.cc
  ${CMAKE_CURRENT_LIST_DIR}/xml_util.cc)
target_link_libraries(tributary_feeds
  PUBLIC tributary_common
  PRIVATE pugixml::pugixml CURL::libcurl nlohmann_json::nlohmann_json PkgConfig::GUMBO)
