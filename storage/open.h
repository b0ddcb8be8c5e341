// Opening the store by its configured location: the one place that knows
// which backend a location selects, so daemon/ and the commands never name
// a backend.
//   a file path, or ":memory:"          -> SQLite (SqliteStore)
//   "postgresql://..." / "postgres://"  -> PostgreSQL (PgStore), a libpq URI
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/digest_ledger.h"
#include "storage/store.h"

namespace tributary::storage {

// True if `location` is a PostgreSQL URI rather than a SQLite file.
bool IsPostgresUrl(std::string_view location);
// Opens (creating or upgrading the schema) the store at `location`.
Result<std::unique_ptr<Store>> OpenStore(const std::string& location);
// What `check-config --connect` reports: the database answers, and how its
// schema compares with this program's. Nothing is created or changed.
struct StoreProbe {
  std::string backend;     // "SQLite" or "PostgreSQL"
  std::string server;      // PostgreSQL's server version ("15.8"); empty for SQLite
  bool exists = true;      // false: a SQLite file not created yet
  int schema_version = 0;  // 0: no schema yet (created at start)
  int latest_version = 0;  // this program's
};
Result<StoreProbe> ProbeStore(const std::string& location);

// Opens the digest ledger at `location` on a connection of its own; the
// store must have been opened there first (it creates the schema).
Result<std::unique_ptr<DigestLedger>> OpenDigestLedger(const std::string& location);

}  // namespace tributary::storage
