# Tests of the feed writers, sanitiser, file writer and Markdown posts
# (output/render.cmake). Some tests run xmllint and /usr/bin/python3
# (feedparser) on the outputs.
tributary_test(output_render_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sanitizer_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/atom_writer_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/rss_writer_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/json_feed_writer_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/writer_schemes_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/file_writer_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/file_name_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/markdown_post_test.cc
  LIBS tributary_output)
