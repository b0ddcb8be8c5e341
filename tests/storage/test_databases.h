// The databases the shared storage suites (store_test.cc,
// digest_ledger_test.cc) run against: the same tests, parameterised over
// the backend, each with a fresh database. What differs per backend (how
// errors name the database, how to look at it from another connection, how
// to inject a failure) lives here.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "storage/store.h"

namespace tributary::storage {

// An item with every field set (two enclosures, categories, a simhash with
// the top bit set), keyed `key`, sorted at `sort_time`.
ItemRecord MakeItem(std::string key, long long sort_time);

enum class Backend { kSqlite, kPostgres };

// "sqlite" / "postgres", in failure messages.
void PrintTo(Backend backend, std::ostream* os);
// "sqlite" / "postgres", for test names.
std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

class TestDatabase {
 public:
  // A fresh database; throws std::runtime_error (a test failure, not a
  // crash) if PostgreSQL cannot be started.
  explicit TestDatabase(Backend backend);
  ~TestDatabase();

  Backend backend() const { return backend_; }
  // The location OpenStore / OpenDigestLedger take: a file, or a URI.
  const std::string& location() const { return location_; }
  // Opens a store on it (throws on failure). `in_memory` opens SQLite's
  // ":memory:" instead of the file, as most SQLite tests always did.
  std::unique_ptr<Store> Open(bool in_memory = false);
  // How the errors of the last opened store name its database.
  const std::string& name() const { return name_; }
  // Items stored, counted on a connection of its own.
  std::int64_t CountItemsElsewhere() const;
  // From now on writing feeds.etag = 'boom' fails with "injected failure".
  void FailEtagBoom() const;
  // What the backend says for a UNIQUE violation.
  std::string UniqueViolation() const;

 private:
  Backend backend_;
  std::string dir_;
  std::string location_;
  std::string name_;
};

}  // namespace tributary::storage
