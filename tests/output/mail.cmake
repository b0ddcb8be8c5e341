# Tests of the digest e-mail renderer (output/mail.cmake).
tributary_test(mail_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/mime_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/html_to_text_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/digest_message_test.cc
  LIBS tributary_mail nlohmann_json::nlohmann_json)
