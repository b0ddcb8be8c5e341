// SqliteDigestLedger: the DigestLedger (storage/digest_ledger.h) on the
// daemon's SQLite database, in the tables digest_cursors and digest_runs
// (migration 3, docs/schema.md). It opens its own connection to the file,
// so a digest worker thread can use it while the loop thread uses the
// SqliteStore; SqliteStore::Open must have created or upgraded the schema
// first. PlanRun inserts the run and moves the cursor in one BEGIN
// IMMEDIATE transaction. Not thread-safe: one thread per instance.
#pragma once

#include <memory>
#include <string>

#include "storage/digest_ledger.h"

namespace SQLite {
class Database;
}  // namespace SQLite

namespace tributary::storage {

class SqliteDigestLedger final : public DigestLedger {
 public:
  // Opens the database at `path` (not ":memory:": the ledger needs its own
  // connection); fails with kStorage if the schema predates the digest
  // tables.
  static Result<std::unique_ptr<SqliteDigestLedger>> Open(const std::string& path);
  ~SqliteDigestLedger() override;
  SqliteDigestLedger(const SqliteDigestLedger&) = delete;
  SqliteDigestLedger& operator=(const SqliteDigestLedger&) = delete;

  Result<std::optional<DigestCursor>> LoadCursor(std::string_view digest) override;
  Result<void> SaveCursor(std::string_view digest, const DigestCursor& cursor) override;
  Result<std::optional<DigestRun>> LoadOpenRun(std::string_view digest) override;
  Result<DigestRun> PlanRun(const DigestRun& run) override;
  Result<void> UpdateRun(const DigestRun& run) override;
  Result<std::vector<DigestRun>> ListRuns(std::string_view digest) override;

 private:
  SqliteDigestLedger(std::string path, std::unique_ptr<SQLite::Database> db);

  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace tributary::storage
