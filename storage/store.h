// Store: everything Tributary keeps between runs. The interface is narrow and
// named after the domain; it obeys and does not decide (dedup and retention
// policy live in daemon/ingest). Every method is one transaction, so the
// same decisions can later run against PostgreSQL. Not thread-safe: the
// daemon calls it from one strand.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace tributary::storage {

using FeedId = std::int64_t;
using ItemId = std::int64_t;

// A subscribed feed. `key` is its identity in the config (the URL as the
// admin wrote it) and never changes; `url` is where it is fetched now (it
// moves on a confirmed permanent redirect).
struct FeedRow {
  FeedId id = 0;
  std::string key;
  std::string url;
  std::string title;      // from the document
  std::string site_link;  // from the document
  std::string feed_uid;   // atom:id or equivalent, from the document
};

// Polling state of one feed. Survives restarts.
struct FeedState {
  std::string etag;
  std::string last_modified;
  std::optional<Timestamp> last_attempt;
  std::optional<Timestamp> last_success;
  std::optional<Timestamp> next_poll;
  std::string last_error;   // message, empty after a success
  std::string error_class;  // stable class, empty after a success
  int error_count = 0;      // consecutive failures
  long http_status = 0;
  std::string redirect_candidate;  // permanent redirect target seen...
  int redirect_seen = 0;           // ...this many times in a row
  bool disabled = false;           // 410 Gone
};

// A feed as the status views show it.
struct FeedOverview {
  FeedRow row;
  FeedState state;
  std::int64_t items = 0;
  std::optional<Timestamp> oldest_first_seen;  // of its stored items
  // Cluster: the node fetching it now and until when it may (a lease past
  // its end is one a node left behind). Empty with SQLite.
  std::string lease_node;
  std::optional<Timestamp> lease_until;
};

// What Store::ClaimFeeds granted.
struct FeedClaims {
  std::vector<FeedId> feeds;
  // Of `feeds`, those whose lease by another node had run out (it died or
  // lost the database while fetching them).
  std::vector<FeedId> taken_over;
};

struct EnclosureRecord {
  std::string url;
  std::string type;
  std::optional<std::int64_t> length;
};

// One stored item of one feed (a row of `items`).
struct ItemRecord {
  ItemId id = 0;  // 0 before insertion
  FeedId feed_id = 0;
  std::string item_key;  // identity within the feed: guid, else link, else hash
  std::string guid;      // as the feed gave it (may be empty)
  std::string title;
  std::string link;
  std::string canonical_url;  // for cross-feed collapse
  std::string author;
  std::string summary;
  std::string content;
  std::vector<std::string> categories;
  std::vector<EnclosureRecord> enclosures;
  std::optional<Timestamp> published;
  std::optional<Timestamp> updated;
  Timestamp first_seen{};
  Timestamp sort_time{};      // what outputs order by (ingest decides)
  std::string content_hash;   // of title + content, to detect edits
  std::uint64_t simhash = 0;  // near-duplicate fingerprint (0: none)
};

// Just enough of a stored item for ingest to decide new / edited / same.
struct StoredItemKey {
  ItemId id = 0;
  std::string item_key;
  std::string guid;
  std::string link;
  std::string title;
  std::string content_hash;
};

// What one fetched document changes, committed all or nothing.
struct DocumentChanges {
  // Feed metadata from the document (empty strings leave values as they are).
  std::string title;
  std::string site_link;
  std::string feed_uid;
  std::vector<ItemRecord> inserts;
  std::vector<ItemRecord> updates;  // id set; title/content/etc replaced, published kept
  // Items whose identity key changed (GUID churn recognised by ingest).
  std::vector<std::pair<ItemId, std::string>> rekeys;
  // Tombstoned keys the document still carries: their last_seen becomes
  // `seen_at`, so they outlive a temporarily empty or trimmed feed.
  std::vector<std::string> seen_tombstones;
  Timestamp seen_at{};
  FeedState state;
};

struct ItemQuery {
  std::vector<FeedId> feeds;  // empty: all feeds
  std::size_t limit = 100;
  std::optional<Timestamp> since;  // sort_time >= since
  std::optional<ItemId> after_id;  // id > after_id (digest cursors)
  bool oldest_first = false;       // default newest first (sort_time, id)
};

struct StoreStats {
  std::int64_t feeds = 0;
  std::int64_t items = 0;
  std::int64_t database_bytes = 0;
  std::int64_t wal_bytes = 0;  // size of the write-ahead log file, 0 if none
};

// What one node of a cluster does for all (Store::HoldRole).
enum class ClusterRole {
  kWriter = 1,   // output files, post-write commands, global retention
  kDigests = 2,  // planning and sending digest runs
};

class Store {
 public:
  virtual ~Store() = default;

  // Returns the feed with this config key, creating it (with `url`) if new.
  virtual Result<FeedId> EnsureFeed(std::string_view key, std::string_view url) = 0;
  virtual Result<std::vector<FeedRow>> ListFeeds() = 0;
  virtual Result<FeedRow> GetFeed(FeedId feed) = 0;
  virtual Result<void> SetFeedUrl(FeedId feed, std::string_view url) = 0;

  virtual Result<FeedState> LoadFeedState(FeedId feed) = 0;
  virtual Result<void> SaveFeedState(FeedId feed, const FeedState& state) = 0;

  virtual Result<std::vector<StoredItemKey>> LoadItemKeys(FeedId feed) = 0;
  // True if the feed once stored an item with this key and it was purged.
  virtual Result<std::vector<std::string>> LoadTombstones(FeedId feed) = 0;
  // Applies one fetched document in a single transaction.
  virtual Result<void> CommitDocument(FeedId feed, const DocumentChanges& changes) = 0;

  virtual Result<std::vector<ItemRecord>> QueryItems(const ItemQuery& query) = 0;
  virtual Result<std::int64_t> CountItems(FeedId feed) = 0;
  // Every feed with its state and item count, by id, in one query: the
  // status page and `tributary status` at 100,000 feeds.
  virtual Result<std::vector<FeedOverview>> ListFeedOverviews() = 0;
  // Retention: deletes items of `feed` beyond the newest `keep_newest` (by
  // sort_time) and those first seen before `older_than`, leaving tombstones
  // of their keys (last_seen: the feed's last success, else first_seen).
  virtual Result<int> PurgeItems(FeedId feed, std::size_t keep_newest,
                                 std::optional<Timestamp> older_than) = 0;
  // Global retention: deletes every item beyond the newest `keep_total`
  // of the whole store (by sort_time), leaving tombstones as PurgeItems.
  virtual Result<int> PurgeBeyond(std::size_t keep_total) = 0;
  // Drops tombstones of `feed` whose keys are not in `still_served`.
  virtual Result<int> PruneTombstones(FeedId feed,
                                      const std::vector<std::string>& still_served) = 0;

  // Drops tombstones of `feed` not seen (CommitDocument::seen_tombstones)
  // since `unseen_before`.
  virtual Result<int> ExpireTombstones(FeedId feed, Timestamp unseen_before) = 0;

  virtual Result<StoreStats> Stats() = 0;

  // Cluster polling: several daemons on one database split the feeds by
  // lease. Of `due`, returns the feeds `node` may fetch now and leases them
  // to it until now + lease: those nobody else holds an unexpired lease on
  // and, unless `force`, whose stored next_poll is not in the future
  // (another node polled them meanwhile). Saving a feed's state
  // (SaveFeedState, CommitDocument) releases its lease in the same
  // transaction. A store only one daemon uses (SQLite) grants every claim.
  virtual Result<FeedClaims> ClaimFeeds(std::string_view node, const std::vector<FeedId>& due,
                                        Timestamp now, Seconds lease, bool force) {
    (void)node, (void)now, (void)lease, (void)force;
    return FeedClaims{due, {}};
  }
  // Extends `node`'s leases of `feeds` (transfers still in flight) to
  // now + lease; a lease another node has taken over is left alone.
  virtual Result<void> RenewLeases(std::string_view node, const std::vector<FeedId>& feeds,
                                   Timestamp now, Seconds lease) {
    (void)node, (void)feeds, (void)now, (void)lease;
    return Ok();
  }

  // True when several daemons may share this store (PostgreSQL): each then
  // re-reads it for outputs and takes roles before writing files or mail.
  virtual bool Shared() const { return false; }
  // Cluster: whether this store's connection holds `role`, taking it when
  // no other connection holds it. A role lasts as long as the connection: a
  // node that dies or loses the server gives it up. A store only one daemon
  // uses (SQLite) always holds every role.
  virtual Result<bool> HoldRole(ClusterRole role) {
    (void)role;
    return true;
  }

  // Housekeeping the daemon asks for now and then from its loop (SQLite
  // truncates a grown write-ahead log). Nothing by default.
  virtual Result<void> Maintain() { return Ok(); }
  // A read of the stored data the daemon runs once at start (SQLite's
  // quick_check); one-shot commands skip it. Nothing by default.
  virtual Result<void> CheckIntegrity() { return Ok(); }
  // Where the data lives, for messages: a file, or a URI without password.
  virtual std::string Describe() const = 0;

  // Group commit. Between BeginBatch and CommitBatch every method above is
  // still all-or-nothing on its own (a failed one undoes only itself), but
  // they become durable together, with one sync instead of one each. If
  // CommitBatch fails, or after RollbackBatch, none of them happened and
  // the caller redoes them one by one. Batches do not nest.
  virtual Result<void> BeginBatch() = 0;
  virtual Result<void> CommitBatch() = 0;
  virtual void RollbackBatch() = 0;
};

}  // namespace tributary::storage
