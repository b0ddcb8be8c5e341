// SqliteStore's retention: per-feed and global purges that leave
// tombstones, and the pruning and expiry of tombstones.
#include <algorithm>
#include <functional>
#include <limits>

#include "storage/sqlite_rows.h"
#include "storage/sqlite_store.h"

namespace tributary::storage {

using namespace sqlite;  // NOLINT(google-build-using-namespace): our own internal header

namespace {
constexpr std::string_view kPurgeVictims =
    "SELECT id FROM (SELECT id FROM items WHERE feed_id = ?1 "
    "ORDER BY sort_time DESC, id DESC LIMIT -1 OFFSET ?2) "
    "UNION SELECT id FROM items WHERE feed_id = ?1 AND first_seen < ?3";
}  // namespace

// Deletes the items `victims` (a SELECT of ids) names, leaving tombstones
// of their keys (last_seen: the feed's last success, else first_seen), in
// the caller's transaction.
int SqliteStore::PurgeVictims(const std::string& victims,
                              const std::function<void(SQLite::Statement&)>& bind) {
  {
    auto& s = Prepared(
        "INSERT OR REPLACE INTO tombstones (feed_id, item_key, last_seen) "
        "SELECT i.feed_id, i.item_key, COALESCE(f.last_success, i.first_seen) "
        "FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id IN (" +
        victims + ")");
    ResetOnExit reset(s);
    bind(s);
    s.exec();
  }
  auto& s = Prepared("DELETE FROM items WHERE id IN (" + victims + ")");
  ResetOnExit reset(s);
  bind(s);
  return s.exec();
}

Result<int> SqliteStore::PurgeItems(FeedId feed, std::size_t keep_newest,
                                    std::optional<Timestamp> older_than) {
  try {
    Scope tx(*db_, in_batch_);
    const int purged = PurgeVictims(std::string(kPurgeVictims), [&](SQLite::Statement& s) {
      s.bind(1, feed);
      s.bind(2, static_cast<std::int64_t>(
                    std::min<std::size_t>(keep_newest, std::numeric_limits<std::int64_t>::max())));
      s.bind(3, older_than ? static_cast<std::int64_t>(ToUnix(*older_than))
                           : std::numeric_limits<std::int64_t>::min());
    });
    tx.commit();
    return purged;
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot purge the items of feed " + std::to_string(feed));
  }
}

Result<int> SqliteStore::PurgeBeyond(std::size_t keep_total) {
  try {
    Scope tx(*db_, in_batch_);
    const int purged =
        PurgeVictims("SELECT id FROM items ORDER BY sort_time DESC, id DESC LIMIT -1 OFFSET ?1",
                     [&](SQLite::Statement& s) {
                       s.bind(1, static_cast<std::int64_t>(std::min<std::size_t>(
                                     keep_total, std::numeric_limits<std::int64_t>::max())));
                     });
    tx.commit();
    return purged;
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot purge the oldest items");
  }
}

Result<int> SqliteStore::PruneTombstones(FeedId feed,
                                         const std::vector<std::string>& still_served) {
  auto keys = LoadTombstones(feed);
  if (!keys) return keys.error();
  try {
    std::vector<std::string> served = still_served;
    std::sort(served.begin(), served.end());
    Scope tx(*db_, in_batch_);
    int pruned = 0;
    for (const std::string& key : *keys) {
      if (std::binary_search(served.begin(), served.end(), key)) continue;
      auto& s = Prepared("DELETE FROM tombstones WHERE feed_id = ?1 AND item_key = ?2");
      ResetOnExit reset(s);
      s.bind(1, feed);
      s.bindNoCopy(2, key);
      pruned += s.exec();
    }
    tx.commit();
    return pruned;
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot prune the tombstones of feed " + std::to_string(feed));
  }
}

Result<int> SqliteStore::ExpireTombstones(FeedId feed, Timestamp unseen_before) {
  try {
    Scope tx(*db_, in_batch_);
    auto& s = Prepared("DELETE FROM tombstones WHERE feed_id = ?1 AND last_seen < ?2");
    ResetOnExit reset(s);
    s.bind(1, feed);
    s.bind(2, static_cast<std::int64_t>(ToUnix(unseen_before)));
    const int expired = s.exec();
    tx.commit();
    return expired;
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot expire the tombstones of feed " + std::to_string(feed));
  }
}

}  // namespace tributary::storage
