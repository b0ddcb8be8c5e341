#include "storage/pg_store.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "storage/pg_connection.h"
#include "storage/pg_migrations.h"
#include "storage/pg_rows.h"
#include "storage/pg_unit.h"

namespace tributary::storage {
namespace {

using pg::AddFeedState;
using pg::AddItemContent;
using pg::Exec;
using pg::IdArray;
using pg::Int;
using pg::OptionalTime;
using pg::Params;
using pg::ReadFeedRow;
using pg::ReadFeedState;
using pg::ReadItem;
using pg::Text;
using pg::TextArray;

// The columns of an ItemRecord, in the order ReadItem expects.
constexpr std::string_view kItemColumns =
    "id, feed_id, item_key, guid, title, link, canonical_url, author, summary, content, "
    "categories, enclosures, published, updated, first_seen, sort_time, content_hash, "
    "simhash";

constexpr std::string_view kFeedColumns = "id, key, url, title, site_link, feed_uid";

constexpr std::string_view kFeedStateColumns =
    "etag, last_modified, last_attempt, last_success, next_poll, last_error, error_class, "
    "error_count, http_status, redirect_candidate, redirect_seen, disabled";

std::string Sql(std::string_view a, std::string_view b = {}, std::string_view c = {}) {
  return std::string(a) + std::string(b) + std::string(c);
}

std::int64_t Clamp(std::size_t n) {
  return static_cast<std::int64_t>(
      std::min<std::size_t>(n, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
}

Error NotFound(const std::string& name, FeedId feed) {
  return Error{ErrorCode::kNotFound,
               "feed id " + std::to_string(feed) + " not found (database " + name + ")", name};
}

constexpr std::string_view kSaveState =
    "UPDATE feeds SET etag = $1, last_modified = $2, last_attempt = $3, last_success = $4, "
    "next_poll = $5, last_error = $6, error_class = $7, error_count = $8, http_status = $9, "
    "redirect_candidate = $10, redirect_seen = $11, disabled = $12, lease_node = NULL, "
    "lease_until = NULL WHERE id = $13";

constexpr std::string_view kInsertItem =
    "INSERT INTO items (guid, title, link, canonical_url, author, summary, content, categories, "
    "enclosures, updated, content_hash, simhash, feed_id, item_key, published, first_seen, "
    "sort_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
    "$17)";
// `published`, `first_seen` and `sort_time` are kept; `updated` only moves
// when the caller gives one.
constexpr std::string_view kUpdateItem =
    "UPDATE items SET guid = $1, title = $2, link = $3, canonical_url = $4, author = $5, "
    "summary = $6, content = $7, categories = $8, enclosures = $9, "
    "updated = COALESCE($10, updated), content_hash = $11, simhash = $12 "
    "WHERE id = $13 AND feed_id = $14";

}  // namespace

PgStore::PgStore(std::unique_ptr<pg::Session> session) : session_(std::move(session)) {}

PgStore::~PgStore() { RollbackBatch(); }

const std::string& PgStore::name() const { return session_->name(); }

Result<std::unique_ptr<PgStore>> PgStore::Open(const std::string& url) {
  auto session = std::make_unique<pg::Session>(url);
  try {
    session->Connection();
    if (auto migrated = ApplyPgMigrations(*session); !migrated) return migrated.error();
  } catch (const std::exception& e) {
    return pg::MapError(e, session->name(), "cannot open the database");
  }
  return std::unique_ptr<PgStore>(new PgStore(std::move(session)));
}

Result<void> PgStore::Usable() {
  if (batch_ && !batch_lost_ && session_->ClosedByServer()) batch_lost_ = true;
  if (batch_ && batch_lost_) {
    return Error{ErrorCode::kStorageBusy,
                 "the batch was lost with the connection to the server; nothing of it was "
                 "stored, redo it (database " +
                     name() + ")",
                 name()};
  }
  return Ok();
}

Error PgStore::Failed(const std::exception& e, std::string_view action) {
  if (pg::IsConnectionLoss(e) || !session_->IsOpen()) {
    // Inside a batch the batch's transaction still refers to the connection;
    // EndBatch drops it. Outside, the next call reconnects.
    if (batch_) {
      batch_lost_ = true;
    } else {
      session_->Drop();
    }
  }
  return pg::MapError(e, name(), action);
}

// Looks the key up first: an INSERT ... ON CONFLICT DO NOTHING would burn an
// identity value on every call, and the daemon ensures every configured
// feed at each start. The INSERT then covers only new keys; if another
// daemon added the key in between, the second SELECT finds it.
Result<FeedId> PgStore::EnsureFeed(std::string_view key, std::string_view url) {
  return InUnit("cannot add feed " + std::string(key),
                [&](pqxx::transaction_base& tx) -> Result<FeedId> {
                  Params select;
                  select.Add(key);
                  const std::string find = "SELECT id FROM feeds WHERE key = $1";
                  if (const auto found = Exec(tx, *session_, find, select); !found.empty()) {
                    return Int(found[0][0]);
                  }
                  Params insert;
                  insert.Add(key);
                  insert.Add(url);
                  const auto added = Exec(tx, *session_,
                                          "INSERT INTO feeds (key, url) VALUES ($1, $2) ON "
                                          "CONFLICT (key) DO NOTHING RETURNING id",
                                          insert);
                  if (!added.empty()) return Int(added[0][0]);
                  return Int(Exec(tx, *session_, find, select).at(0).at(0));
                });
}

Result<std::vector<FeedRow>> PgStore::ListFeeds() {
  return InUnit(
      "cannot list feeds", [&](pqxx::transaction_base& tx) -> Result<std::vector<FeedRow>> {
        std::vector<FeedRow> rows;
        for (const auto& row :
             Exec(tx, *session_, Sql("SELECT ", kFeedColumns, " FROM feeds ORDER BY id"))) {
          rows.push_back(ReadFeedRow(row));
        }
        return rows;
      });
}

Result<FeedRow> PgStore::GetFeed(FeedId feed) {
  return InUnit("cannot read feed " + std::to_string(feed),
                [&](pqxx::transaction_base& tx) -> Result<FeedRow> {
                  Params p;
                  p.Add(feed);
                  const auto r = Exec(tx, *session_,
                                      Sql("SELECT ", kFeedColumns, " FROM feeds WHERE id = $1"), p);
                  if (r.empty()) return NotFound(name(), feed);
                  return ReadFeedRow(r[0]);
                });
}

Result<void> PgStore::SetFeedUrl(FeedId feed, std::string_view url) {
  return InUnit(
      "cannot set the URL of feed " + std::to_string(feed),
      [&](pqxx::transaction_base& tx) -> Result<void> {
        Params p;
        p.Add(feed);
        p.Add(url);
        if (Exec(tx, *session_, "UPDATE feeds SET url = $2 WHERE id = $1", p).affected_rows() ==
            0) {
          return NotFound(name(), feed);
        }
        return Ok();
      });
}

Result<FeedState> PgStore::LoadFeedState(FeedId feed) {
  return InUnit("cannot load the state of feed " + std::to_string(feed),
                [&](pqxx::transaction_base& tx) -> Result<FeedState> {
                  Params p;
                  p.Add(feed);
                  const auto r =
                      Exec(tx, *session_,
                           Sql("SELECT ", kFeedStateColumns, " FROM feeds WHERE id = $1"), p);
                  if (r.empty()) return NotFound(name(), feed);
                  return ReadFeedState(r[0], 0);
                });
}

Result<void> PgStore::SaveFeedState(FeedId feed, const FeedState& state) {
  return InUnit("cannot save the state of feed " + std::to_string(feed),
                [&](pqxx::transaction_base& tx) -> Result<void> {
                  Params p;
                  AddFeedState(p, state);
                  p.Add(feed);
                  if (Exec(tx, *session_, std::string(kSaveState), p).affected_rows() == 0) {
                    return NotFound(name(), feed);
                  }
                  return Ok();
                });
}

Result<std::vector<StoredItemKey>> PgStore::LoadItemKeys(FeedId feed) {
  return InUnit("cannot load the items of feed " + std::to_string(feed),
                [&](pqxx::transaction_base& tx) -> Result<std::vector<StoredItemKey>> {
                  Params p;
                  p.Add(feed);
                  std::vector<StoredItemKey> keys;
                  for (const auto& row : Exec(tx, *session_,
                                              "SELECT id, item_key, guid, link, title, "
                                              "content_hash FROM items WHERE feed_id = $1",
                                              p)) {
                    keys.push_back(StoredItemKey{Int(row[0]), Text(row[1]), Text(row[2]),
                                                 Text(row[3]), Text(row[4]), Text(row[5])});
                  }
                  return keys;
                });
}

Result<std::vector<std::string>> PgStore::LoadTombstones(FeedId feed) {
  return InUnit(
      "cannot load the tombstones of feed " + std::to_string(feed),
      [&](pqxx::transaction_base& tx) -> Result<std::vector<std::string>> {
        Params p;
        p.Add(feed);
        std::vector<std::string> keys;
        for (const auto& row :
             Exec(tx, *session_, "SELECT item_key FROM tombstones WHERE feed_id = $1", p)) {
          keys.push_back(Text(row[0]));
        }
        return keys;
      });
}

void PgStore::ApplyChanges(pqxx::transaction_base& tx, FeedId feed,
                           const DocumentChanges& changes) {
  for (const auto& [id, key] : changes.rekeys) {
    Params p;
    p.Add(key);
    p.Add(id);
    p.Add(feed);
    Exec(tx, *session_, "UPDATE items SET item_key = $1 WHERE id = $2 AND feed_id = $3", p);
  }
  for (const ItemRecord& r : changes.updates) {
    Params p;
    AddItemContent(p, r);
    p.Add(r.id);
    p.Add(feed);
    Exec(tx, *session_, std::string(kUpdateItem), p);
  }
  for (const ItemRecord& r : changes.inserts) {
    Params p;
    AddItemContent(p, r);
    p.Add(feed);
    p.Add(r.item_key);
    p.Add(r.published);
    p.Add(r.first_seen);
    p.Add(r.sort_time);
    Exec(tx, *session_, std::string(kInsertItem), p);
  }
  for (const std::string& key : changes.seen_tombstones) {
    Params p;
    p.Add(feed);
    p.Add(key);
    p.Add(changes.seen_at);
    Exec(tx, *session_,
         "UPDATE tombstones SET last_seen = GREATEST(last_seen, $3) WHERE feed_id = $1 AND "
         "item_key = $2",
         p);
  }
  Params meta;
  meta.Add(changes.title);
  meta.Add(changes.site_link);
  meta.Add(changes.feed_uid);
  meta.Add(feed);
  if (Exec(tx, *session_,
           "UPDATE feeds SET title = COALESCE(NULLIF($1, ''), title), "
           "site_link = COALESCE(NULLIF($2, ''), site_link), "
           "feed_uid = COALESCE(NULLIF($3, ''), feed_uid) WHERE id = $4",
           meta)
          .affected_rows() == 0) {
    throw std::runtime_error("feed id " + std::to_string(feed) + " not found");
  }
  Params state;
  AddFeedState(state, changes.state);
  state.Add(feed);
  Exec(tx, *session_, std::string(kSaveState), state);
}

Result<void> PgStore::CommitDocument(FeedId feed, const DocumentChanges& changes) {
  return InUnit("cannot store the document of feed " + std::to_string(feed),
                [&](pqxx::transaction_base& tx) -> Result<void> {
                  ApplyChanges(tx, feed, changes);
                  return Ok();
                });
}

namespace {

std::string Order(const ItemQuery& query) {
  return query.oldest_first ? " ORDER BY sort_time ASC, id ASC"
                            : " ORDER BY sort_time DESC, id DESC";
}

// `where` extended by the filters of `query` other than the feed set.
std::string Filters(const ItemQuery& query, Params& p, std::string where) {
  auto add = [&where](const std::string& clause) {
    where += where.empty() ? " WHERE " : " AND ";
    where += clause;
  };
  if (query.since) add("sort_time >= " + p.Add(*query.since));
  if (query.after_id) add("id > " + p.Add(*query.after_id));
  return where;
}

// The statement answering `query`, its parameters added to `p`. Several
// feeds: each feed's best `limit` ids from its (feed_id, sort_time, id)
// index range, then the winning rows, in one statement (SqliteStore walks
// the same ranges with one statement per feed).
std::string ItemQuerySql(const ItemQuery& query, Params& p) {
  std::vector<FeedId> feeds = query.feeds;
  std::sort(feeds.begin(), feeds.end());
  feeds.erase(std::unique(feeds.begin(), feeds.end()), feeds.end());
  const std::string columns = "SELECT " + std::string(kItemColumns) + " FROM items";
  if (feeds.size() <= 1) {
    std::string where = feeds.empty() ? "" : " WHERE feed_id = " + p.Add(feeds[0]);
    where = Filters(query, p, where);
    return columns + where + Order(query) + " LIMIT " + p.Add(Clamp(query.limit));
  }
  const std::string set = p.Add(IdArray(feeds));
  const std::string limit = p.Add(Clamp(query.limit));
  return columns + " WHERE id IN (SELECT best.id FROM unnest(" + set +
         "::bigint[]) AS f(feed) CROSS JOIN LATERAL (SELECT id FROM items" +
         Filters(query, p, " WHERE feed_id = f.feed") + Order(query) + " LIMIT " + limit +
         ") AS best)" + Order(query) + " LIMIT " + limit;
}

}  // namespace

Result<std::vector<ItemRecord>> PgStore::QueryItems(const ItemQuery& query) {
  return InUnit("cannot query items",
                [&](pqxx::transaction_base& tx) -> Result<std::vector<ItemRecord>> {
                  Params p;
                  const std::string sql = ItemQuerySql(query, p);
                  std::vector<ItemRecord> items;
                  for (const auto& row : Exec(tx, *session_, sql, p))
                    items.push_back(ReadItem(row));
                  return items;
                });
}

Result<std::vector<FeedOverview>> PgStore::ListFeedOverviews() {
  return InUnit(
      "cannot list feeds with their state",
      [&](pqxx::transaction_base& tx) -> Result<std::vector<FeedOverview>> {
        const std::string sql =
            Sql("SELECT ", kFeedColumns, ", ") + std::string(kFeedStateColumns) +
            ", COALESCE(counts.n, 0), counts.oldest, lease_node, lease_until FROM feeds LEFT JOIN "
            "(SELECT feed_id, "
            "COUNT(*) AS n, MIN(first_seen) AS oldest FROM items GROUP BY feed_id) AS counts "
            "ON counts.feed_id = feeds.id ORDER BY id";
        std::vector<FeedOverview> feeds;
        for (const auto& row : Exec(tx, *session_, sql)) {
          FeedOverview feed;
          feed.row = ReadFeedRow(row);
          feed.state = ReadFeedState(row, 6);
          feed.items = Int(row[18]);
          feed.oldest_first_seen = OptionalTime(row[19]);
          if (!row[20].is_null()) feed.lease_node = row[20].as<std::string>();
          feed.lease_until = OptionalTime(row[21]);
          feeds.push_back(std::move(feed));
        }
        return feeds;
      });
}

Result<std::int64_t> PgStore::CountItems(FeedId feed) {
  return InUnit(
      "cannot count the items of feed " + std::to_string(feed),
      [&](pqxx::transaction_base& tx) -> Result<std::int64_t> {
        Params p;
        p.Add(feed);
        return Int(Exec(tx, *session_, "SELECT COUNT(*) FROM items WHERE feed_id = $1", p)[0][0]);
      });
}

namespace {

// Deletes the items `victims` (a SELECT of ids) names and leaves tombstones
// of their keys (last_seen: the feed's last success, else first_seen), in
// one statement, so a concurrent insert cannot slip between the two.
int PurgeVictims(pqxx::transaction_base& tx, pg::Session& session, const std::string& victims,
                 const Params& p) {
  return static_cast<int>(
      Exec(tx, session,
           "WITH gone AS (DELETE FROM items WHERE id IN (" + victims +
               ") RETURNING feed_id, item_key, first_seen) "
               "INSERT INTO tombstones (feed_id, item_key, last_seen) "
               "SELECT gone.feed_id, gone.item_key, COALESCE(feeds.last_success, gone.first_seen) "
               "FROM gone JOIN feeds ON feeds.id = gone.feed_id "
               "ON CONFLICT (feed_id, item_key) DO UPDATE SET last_seen = EXCLUDED.last_seen",
           p)
          .affected_rows());
}

}  // namespace

Result<int> PgStore::PurgeItems(FeedId feed, std::size_t keep_newest,
                                std::optional<Timestamp> older_than) {
  return InUnit("cannot purge the items of feed " + std::to_string(feed),
                [&](pqxx::transaction_base& tx) -> Result<int> {
                  Params p;
                  p.Add(feed);
                  p.Add(Clamp(keep_newest));
                  p.Add(older_than ? static_cast<std::int64_t>(ToUnix(*older_than))
                                   : std::numeric_limits<std::int64_t>::min());
                  return PurgeVictims(
                      tx, *session_,
                      "SELECT id FROM (SELECT id FROM items WHERE feed_id = $1 "
                      "ORDER BY sort_time DESC, id DESC OFFSET $2) AS beyond "
                      "UNION SELECT id FROM items WHERE feed_id = $1 AND first_seen < $3",
                      p);
                });
}

Result<int> PgStore::PurgeBeyond(std::size_t keep_total) {
  return InUnit("cannot purge the oldest items", [&](pqxx::transaction_base& tx) -> Result<int> {
    Params p;
    p.Add(Clamp(keep_total));
    return PurgeVictims(tx, *session_,
                        "SELECT id FROM items ORDER BY sort_time DESC, id DESC OFFSET $1", p);
  });
}

Result<int> PgStore::PruneTombstones(FeedId feed, const std::vector<std::string>& still_served) {
  return InUnit("cannot prune the tombstones of feed " + std::to_string(feed),
                [&](pqxx::transaction_base& tx) -> Result<int> {
                  Params p;
                  p.Add(feed);
                  p.Add(TextArray(still_served));
                  return static_cast<int>(Exec(tx, *session_,
                                               "DELETE FROM tombstones WHERE feed_id = $1 AND "
                                               "item_key <> ALL ($2::text[])",
                                               p)
                                              .affected_rows());
                });
}

Result<int> PgStore::ExpireTombstones(FeedId feed, Timestamp unseen_before) {
  return InUnit(
      "cannot expire the tombstones of feed " + std::to_string(feed),
      [&](pqxx::transaction_base& tx) -> Result<int> {
        Params p;
        p.Add(feed);
        p.Add(unseen_before);
        return static_cast<int>(
            Exec(tx, *session_, "DELETE FROM tombstones WHERE feed_id = $1 AND last_seen < $2", p)
                .affected_rows());
      });
}

Result<StoreStats> PgStore::Stats() {
  return InUnit("cannot read database statistics",
                [&](pqxx::transaction_base& tx) -> Result<StoreStats> {
                  const auto r = Exec(tx, *session_,
                                      "SELECT (SELECT COUNT(*) FROM feeds), (SELECT COUNT(*) FROM "
                                      "items), pg_database_size(current_database())");
                  StoreStats stats;
                  stats.feeds = Int(r[0][0]);
                  stats.items = Int(r[0][1]);
                  stats.database_bytes = Int(r[0][2]);
                  return stats;
                });
}

Result<int> PgStore::SchemaVersion() {
  return InUnit("cannot read the schema version",
                [&](pqxx::transaction_base& tx) -> Result<int> { return PgSchemaVersion(tx); });
}

Result<void> PgStore::BeginBatch() {
  if (batch_)
    return Error{ErrorCode::kInternal, "a batch is already open (database " + name() + ")", name()};
  try {
    batch_ = std::make_unique<pqxx::work>(session_->Connection(), "batch");
    return Ok();
  } catch (const std::exception& e) {
    return Failed(e, "cannot begin a batch");
  }
}

Result<void> PgStore::CommitBatch() {
  if (!batch_)
    return Error{ErrorCode::kInternal, "no batch is open (database " + name() + ")", name()};
  if (batch_lost_) {
    Error lost = Usable().error();
    EndBatch();
    return lost;
  }
  try {
    batch_->commit();
    EndBatch();
    return Ok();
  } catch (const std::exception& e) {
    Error error = Failed(e, "cannot commit a batch");
    EndBatch();
    return error;
  }
}

void PgStore::RollbackBatch() {
  if (!batch_) return;
  if (!batch_lost_) {
    try {
      batch_->abort();
    } catch (const std::exception& e) {
      // The connection went with it: the server rolls the batch back itself.
      batch_lost_ = true;
    }
  }
  EndBatch();
}

void PgStore::EndBatch() {
  if (batch_lost_) session_->Disconnect();
  batch_.reset();
  if (batch_lost_) session_->Drop();
  batch_lost_ = false;
}

}  // namespace tributary::storage
