#include "storage/open.h"

#include <utility>

#include "storage/pg_digest_ledger.h"
#include "storage/pg_store.h"
#include "storage/sqlite_digest_ledger.h"
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

Result<std::unique_ptr<DigestLedger>> OpenDigestLedger(const std::string& location) {
  if (IsPostgresUrl(location)) return Upcast<DigestLedger>(PgDigestLedger::Open(location));
  return Upcast<DigestLedger>(SqliteDigestLedger::Open(location));
}

}  // namespace tributary::storage
