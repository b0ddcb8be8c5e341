// PgDigestLedger: the DigestLedger (storage/digest_ledger.h) on PostgreSQL,
// in the tables digest_cursors and digest_runs (storage/pg_migrations.h),
// with SqliteDigestLedger's semantics. It opens its own connection, so a
// digest worker thread can use it while the loop thread uses the PgStore;
// PgStore::Open must have created or upgraded the schema first. PlanRun
// inserts the run and moves the cursor in one transaction. A lost
// connection fails the call (kStorageBusy) and the next call reconnects.
// Not thread-safe: one thread per instance.
#pragma once

#include <memory>
#include <string>

#include "storage/digest_ledger.h"

namespace tributary::storage {

namespace pg {
class Session;
}  // namespace pg

class PgDigestLedger final : public DigestLedger {
 public:
  // Connects to `url` (a libpq URI); fails with kStorage if the schema
  // predates the digest tables.
  static Result<std::unique_ptr<PgDigestLedger>> Open(const std::string& url);
  ~PgDigestLedger() override;
  PgDigestLedger(const PgDigestLedger&) = delete;
  PgDigestLedger& operator=(const PgDigestLedger&) = delete;

  Result<std::optional<DigestCursor>> LoadCursor(std::string_view digest) override;
  Result<void> SaveCursor(std::string_view digest, const DigestCursor& cursor) override;
  Result<std::optional<DigestRun>> LoadOpenRun(std::string_view digest) override;
  Result<DigestRun> PlanRun(const DigestRun& run) override;
  Result<void> UpdateRun(const DigestRun& run) override;
  Result<std::vector<DigestRun>> ListRuns(std::string_view digest) override;

 private:
  explicit PgDigestLedger(std::unique_ptr<pg::Session> session);
  // Runs `body` in one transaction, committed if it returns a value.
  template <typename Body>
  auto InTransaction(std::string_view action, Body&& body);

  std::unique_ptr<pg::Session> session_;
};

}  // namespace tributary::storage
