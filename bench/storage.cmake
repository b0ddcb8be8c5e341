# storage_bench: the real store against raw batched INSERTs, and the
# newest-500 queries (issue 5). `storage_bench [items] [feeds] [dir]`.
add_executable(storage_bench ${CMAKE_CURRENT_LIST_DIR}/storage_bench.cc)
target_link_libraries(storage_bench PRIVATE tributary_storage SQLiteCpp)
