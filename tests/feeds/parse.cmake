# Tests of the feed parser (feeds/parse.cmake): one binary per unit, plus
# the fixture suite that runs every tests/data/feeds/<case> pair.
foreach(unit charset simd entities dates html_scan url discover feed_json parser fixture_suite)
  tributary_test(${unit}_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/${unit}_test.cc LIBS tributary_feeds)
endforeach()
# url_test checks the resolver's own shortcut against libcurl directly.
target_link_libraries(url_test PRIVATE CURL::libcurl)
