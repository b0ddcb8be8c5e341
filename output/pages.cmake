# The HTML pages of the built-in server: the river and the feeds' health.
add_library(tributary_pages STATIC ${CMAKE_CURRENT_SOURCE_DIR}/page_html.cc
            ${CMAKE_CURRENT_SOURCE_DIR}/river_page.cc ${CMAKE_CURRENT_SOURCE_DIR}/status_page.cc)
target_link_libraries(tributary_pages PUBLIC tributary_common)
