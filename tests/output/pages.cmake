# The pages are parsed back with gumbo, a real HTML5 parser, in the tests.
tributary_test(page_html_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/page_html_test.cc
               LIBS tributary_pages)
tributary_test(river_page_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/river_page_test.cc
               LIBS tributary_pages PkgConfig::GUMBO)
tributary_test(status_page_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/status_page_test.cc
               LIBS tributary_pages PkgConfig::GUMBO)
