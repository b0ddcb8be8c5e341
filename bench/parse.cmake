# Parser throughput benchmark (see the comment atop parse_bench.cc).
add_executable(parse_bench ${CMAKE_CURRENT_LIST_DIR}/parse_bench.cc)
target_link_libraries(parse_bench PRIVATE tributary_feeds pugixml::pugixml)
