# Tests of digest scheduling, the exactly-once runner and mail delivery.
tributary_test(digest_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/digest_schedule_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/mail_delivery_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/digest_runner_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/digest_smtp_e2e_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/digest_setup_test.cc
  LIBS tributary_digest nlohmann_json::nlohmann_json)

# The digest service on a real SQLite database: ledger, selection, send and
# preview (daemon/digests.h, storage/sqlite_digest_ledger.h).
tributary_test(digests_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/digests_test.cc
  LIBS tributary_daemon)
