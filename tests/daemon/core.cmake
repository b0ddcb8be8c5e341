tributary_test(daemon_core_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/poll_policy_test.cc ${CMAKE_CURRENT_LIST_DIR}/poller_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/metrics_test.cc ${CMAKE_CURRENT_LIST_DIR}/due_queue_test.cc
  LIBS tributary_daemon)
