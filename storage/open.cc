#include "storage/open.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <pqxx/pqxx>
#include <utility>

#include "storage/migrations.h"
#include "storage/pg_connection.h"
#include "storage/pg_digest_ledger.h"
#include "storage/pg_migrations.h"
#include "storage/pg_store.h"
#include "storage/sqlite_digest_ledger.h"
#include "storage/sqlite_rows.h"
#include "storage/sqlite_store.h"

namespace tributary::storage {
namespace {

// Result<unique_ptr<Derived>> -> Result<unique_ptr<Base>>.
template <typename Base, typename Derived>
Result<std::unique_ptr<Base>> Upcast(Result<std::unique_ptr<Derived>> opened) {
  if (!opened) return opened.error();
  return std::unique_ptr<Base>(std::move(*opened));
}

}  // namespace

bool IsPostgresUrl(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& location) {
  if (IsPostgresUrl(location)) return Upcast<Store>(PgStore::Open(location));
  return Upcast<Store>(SqliteStore::Open(location));
}

Result<StoreProbe> ProbeStore(const std::string& location) {
  StoreProbe probe;
  if (IsPostgresUrl(location)) {
    probe.backend = "PostgreSQL";
    probe.latest_version = PgLatestSchemaVersion();
    pg::Session session(location);
    try {
      pqxx::connection& connection = session.Connection();
      const int server = connection.server_version();  // 150008 for 15.8
      probe.server = std::to_string(server / 10000) + "." + std::to_string(server % 10000);
      pqxx::read_transaction tx(connection);
      probe.schema_version = PgSchemaVersion(tx);
    } catch (const std::exception& e) {
      return pg::MapError(e, session.name(), "cannot connect");
    }
    return probe;
  }
  probe.backend = "SQLite";
  probe.latest_version = LatestSchemaVersion();
  std::error_code missing;
  if (location == ":memory:" || !std::filesystem::exists(location, missing)) {
    probe.exists = false;
    return probe;
  }
  try {
    SQLite::Database db(location, SQLite::OPEN_READONLY);
    probe.schema_version = db.execAndGet("PRAGMA user_version").getInt();
  } catch (const std::exception& e) {
    return sqlite::MakeError(ErrorCode::kStorage, location,
                             std::string("cannot read it: ") + e.what());
  }
  return probe;
}

Result<std::unique_ptr<DigestLedger>> OpenDigestLedger(const std::string& location) {
  if (IsPostgresUrl(location)) return Upcast<DigestLedger>(PgDigestLedger::Open(location));
  return Upcast<DigestLedger>(SqliteDigestLedger::Open(location));
}

}  // namespace tributary::storage
