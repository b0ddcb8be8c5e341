// PgStore's part in a cluster: claiming due feeds by lease, renewing the
// leases of transfers in flight, and the roles held by advisory lock.
#include <string>

#include "storage/pg_connection.h"
#include "storage/pg_rows.h"
#include "storage/pg_store.h"
#include "storage/pg_unit.h"

namespace tributary::storage {
namespace {

using pg::Exec;
using pg::IdArray;
using pg::Params;

// One statement claims a batch: rows another node is claiming right now are
// skipped, not waited for. Saving a feed's state clears its lease, so a
// lease of another node found here is one that ran out: a takeover.
constexpr std::string_view kClaimFeeds =
    "WITH due AS (SELECT id, lease_node FROM feeds WHERE id = ANY($3::bigint[]) "
    "AND (lease_until IS NULL OR lease_until < $4 OR lease_node = $1) "
    "AND ($5::boolean OR next_poll IS NULL OR next_poll <= $4) "
    "FOR UPDATE SKIP LOCKED) "
    "UPDATE feeds SET lease_node = $1, lease_until = $2 FROM due WHERE feeds.id = due.id "
    "RETURNING feeds.id, COALESCE(due.lease_node <> $1, false)";

// A role: a session advisory lock on (0x74726962 "trib", role), kept while
// this connection lives. Asking again while holding it must not stack a
// second hold, so pg_locks is asked first (CASE evaluates lazily).
constexpr std::string_view kHoldRole =
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND pid = pg_backend_pid() AND classid = 1953655138 AND objid = ($1::integer)::oid AND "
    "objsubid = 2) "
    "THEN true ELSE pg_try_advisory_lock(1953655138, $1::integer) END";

// A role's holder that vanishes without closing its connection (power
// loss, a partition) must not keep the role for the hours of the default
// TCP keepalive: the server probes this connection after 10 s idle and
// drops it after 3 unanswered probes 5 s apart, or 30 s of unacknowledged
// data. (On a Unix socket there is no TCP and these are ignored.)
constexpr std::string_view kRoleKeepalive =
    "SELECT set_config('tcp_keepalives_idle', '10', false), "
    "set_config('tcp_keepalives_interval', '5', false), "
    "set_config('tcp_keepalives_count', '3', false), "
    "set_config('tcp_user_timeout', '30000', false)";

constexpr std::string_view kRenewLeases =
    "UPDATE feeds SET lease_until = $2 WHERE lease_node = $1 AND id = ANY($3::bigint[])";

}  // namespace

Result<FeedClaims> PgStore::ClaimFeeds(std::string_view node, const std::vector<FeedId>& due,
                                       Timestamp now, Seconds lease, bool force) {
  if (due.empty()) return FeedClaims{};
  return InUnit("cannot claim feeds", [&](pqxx::transaction_base& tx) -> Result<FeedClaims> {
    Params p;
    p.Add(node);
    p.Add(now + lease);
    p.Add(IdArray(due));
    p.Add(now);
    p.Add(std::string_view(force ? "true" : "false"));
    FeedClaims claims;
    for (const auto& row : Exec(tx, *session_, std::string(kClaimFeeds), p)) {
      claims.feeds.push_back(pg::Int(row[0]));
      if (row[1].as<bool>()) claims.taken_over.push_back(claims.feeds.back());
    }
    return claims;
  });
}

Result<bool> PgStore::HoldRole(ClusterRole role) {
  return InUnit("cannot take a cluster role", [&](pqxx::transaction_base& tx) -> Result<bool> {
    Exec(tx, *session_, std::string(kRoleKeepalive));
    Params p;
    p.Add(static_cast<std::int64_t>(role));
    const auto rows = Exec(tx, *session_, std::string(kHoldRole), p);
    return !rows.empty() && rows[0][0].as<bool>();
  });
}

Result<void> PgStore::RenewLeases(std::string_view node, const std::vector<FeedId>& feeds,
                                  Timestamp now, Seconds lease) {
  if (feeds.empty()) return Ok();
  return InUnit("cannot renew leases", [&](pqxx::transaction_base& tx) -> Result<void> {
    Params p;
    p.Add(node);
    p.Add(now + lease);
    p.Add(IdArray(feeds));
    Exec(tx, *session_, std::string(kRenewLeases), p);
    return Ok();
  });
}

}  // namespace tributary::storage
