#include "storage/sqlite_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string_view>
#include <system_error>
#include <utility>

#include "storage/item_json.h"
#include "storage/migrations.h"
#include "storage/sqlite_rows.h"

namespace tributary::storage {
using namespace sqlite;  // NOLINT(google-build-using-namespace): our own internal header

SqliteStore::SqliteStore(std::string path, SqliteOptions options,
                         std::unique_ptr<SQLite::Database> db)
    : path_(std::move(path)), options_(options), db_(std::move(db)) {}

SqliteStore::~SqliteStore() {
  // Statements must be finalised before the connection closes.
  statements_.clear();
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  return Open(path, SqliteOptions{});
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       const SqliteOptions& options) {
  // The database's directory is the store's to create (var/ on a fresh
  // clone; under systemd StateDirectory already exists), so every command
  // that opens the store works on a fresh install.
  std::filesystem::path file(path);
  if (path != ":memory:" && file.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(file.parent_path(), error);
    if (error) {
      return MakeError(
          ErrorCode::kIo, path,
          "cannot create the directory " + file.parent_path().string() + ": " + error.message());
    }
  }
  try {
    auto db = std::make_unique<SQLite::Database>(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOFOLLOW,
        static_cast<int>(options.busy_timeout.count()));
    std::unique_ptr<SqliteStore> store(new SqliteStore(path, options, std::move(db)));
    if (auto ready = store->Initialise(); !ready) return ready.error();
    return store;
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path, "cannot open the database");
  }
}

// Checks before writing anything, so a file we refuse stays byte for byte
// as it was (hostile-inputs F6).
Result<void> SqliteStore::Initialise() {
  try {
    if (sqlite3_db_readonly(db_->getHandle(), "main") == 1) {
      return MakeError(ErrorCode::kStorage, path_,
                       "the database file is read-only; make it and its directory writable "
                       "by the daemon's user");
    }
    const int version = db_->execAndGet("PRAGMA user_version").getInt();
    const int latest = LatestSchemaVersion();
    if (version > latest) {
      return MakeError(ErrorCode::kStorage, path_,
                       "schema version " + std::to_string(version) +
                           " is newer than this Tributary supports (" + std::to_string(latest) +
                           "); refusing to open it: upgrade Tributary or use a backup");
    }
    if (version == 0) {
      // New database: 8 KiB pages hold a typical item (a few KB) without an
      // overflow chain; SQLite reads overflow pages straight from the file
      // on every query, bypassing its cache. Only effective before the first
      // table exists.
      db_->exec("PRAGMA page_size=8192");
    }
    // WAL for concurrent readers; FULL so a power loss cannot roll back
    // committed documents (hostile-inputs F2).
    db_->execAndGet("PRAGMA journal_mode=WAL");
    db_->exec("PRAGMA synchronous=FULL");
    db_->exec("PRAGMA foreign_keys=ON");
    db_->exec("PRAGMA journal_size_limit=67108864");
    // 64 MiB of page cache (an upper bound) keeps the newest items and the
    // indexes in memory, so "newest 500" reads no file pages once warm.
    db_->exec("PRAGMA cache_size=-65536");
    if (options_.max_pages > 0) {
      // A pragma cannot take a bound parameter; the value is an integer.
      db_->execAndGet("PRAGMA max_page_count=" + std::to_string(options_.max_pages));
    }
    for (const Migration& m : Migrations()) {
      if (m.version <= version) continue;
      Scope tx(*db_, in_batch_);
      db_->exec(std::string(m.sql));
      // A pragma cannot take a bound parameter; the value is our own integer.
      db_->exec("PRAGMA user_version=" + std::to_string(m.version));
      tx.commit();
    }
    return Ok();
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot open the database");
  }
}

SQLite::Statement& SqliteStore::Prepared(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    it = statements_.emplace(sql, std::make_unique<SQLite::Statement>(*db_, sql)).first;
  }
  SQLite::Statement& s = *it->second;
  s.tryReset();
  s.clearBindings();
  return s;
}

Result<FeedId> SqliteStore::EnsureFeed(std::string_view key, std::string_view url) {
  try {
    Scope tx(*db_, in_batch_);
    {
      auto& insert =
          Prepared("INSERT INTO feeds (key, url) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING");
      ResetOnExit reset(insert);
      insert.bind(1, std::string(key));
      insert.bind(2, std::string(url));
      insert.exec();
    }
    auto& select = Prepared("SELECT id FROM feeds WHERE key = ?1");
    ResetOnExit reset(select);
    select.bind(1, std::string(key));
    select.executeStep();
    const FeedId id = select.getColumn(0).getInt64();
    tx.commit();
    return id;
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot add feed " + std::string(key));
  }
}

Result<std::vector<FeedRow>> SqliteStore::ListFeeds() {
  try {
    auto& s = Prepared("SELECT id, key, url, title, site_link, feed_uid FROM feeds ORDER BY id");
    ResetOnExit reset(s);
    std::vector<FeedRow> rows;
    while (s.executeStep()) {
      rows.push_back(FeedRow{s.getColumn(0).getInt64(), s.getColumn(1).getString(),
                             s.getColumn(2).getString(), s.getColumn(3).getString(),
                             s.getColumn(4).getString(), s.getColumn(5).getString()});
    }
    return rows;
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot list feeds");
  }
}

Result<FeedRow> SqliteStore::GetFeed(FeedId feed) {
  try {
    auto& s = Prepared("SELECT id, key, url, title, site_link, feed_uid FROM feeds WHERE id = ?1");
    ResetOnExit reset(s);
    s.bind(1, feed);
    if (!s.executeStep()) return NotFound(path_, feed);
    return FeedRow{s.getColumn(0).getInt64(),  s.getColumn(1).getString(),
                   s.getColumn(2).getString(), s.getColumn(3).getString(),
                   s.getColumn(4).getString(), s.getColumn(5).getString()};
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot read feed " + std::to_string(feed));
  }
}

Result<void> SqliteStore::SetFeedUrl(FeedId feed, std::string_view url) {
  try {
    Scope tx(*db_, in_batch_);
    auto& s = Prepared("UPDATE feeds SET url = ?2 WHERE id = ?1");
    ResetOnExit reset(s);
    s.bind(1, feed);
    s.bind(2, std::string(url));
    if (s.exec() == 0) return NotFound(path_, feed);
    tx.commit();
    return Ok();
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot set the URL of feed " + std::to_string(feed));
  }
}

Result<FeedState> SqliteStore::LoadFeedState(FeedId feed) {
  try {
    auto& s = Prepared("SELECT " + std::string(kFeedStateColumns) + " FROM feeds WHERE id = ?1");
    ResetOnExit reset(s);
    s.bind(1, feed);
    if (!s.executeStep()) return NotFound(path_, feed);
    return ReadFeedState(s, 0);
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot load the state of feed " + std::to_string(feed));
  }
}

namespace {
constexpr std::string_view kSaveState =
    "UPDATE feeds SET etag = ?1, last_modified = ?2, last_attempt = ?3, last_success = ?4, "
    "next_poll = ?5, last_error = ?6, error_class = ?7, error_count = ?8, http_status = ?9, "
    "redirect_candidate = ?10, redirect_seen = ?11, disabled = ?12 WHERE id = ?13";
}  // namespace

Result<void> SqliteStore::SaveFeedState(FeedId feed, const FeedState& state) {
  try {
    Scope tx(*db_, in_batch_);
    auto& s = Prepared(std::string(kSaveState));
    ResetOnExit reset(s);
    BindFeedState(s, state);
    s.bind(13, feed);
    if (s.exec() == 0) return NotFound(path_, feed);
    tx.commit();
    return Ok();
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot save the state of feed " + std::to_string(feed));
  }
}

Result<std::vector<StoredItemKey>> SqliteStore::LoadItemKeys(FeedId feed) {
  try {
    auto& s = Prepared(
        "SELECT id, item_key, guid, link, title, content_hash FROM items WHERE feed_id = ?1");
    ResetOnExit reset(s);
    s.bind(1, feed);
    std::vector<StoredItemKey> keys;
    while (s.executeStep()) {
      keys.push_back(StoredItemKey{s.getColumn(0).getInt64(), s.getColumn(1).getString(),
                                   s.getColumn(2).getString(), s.getColumn(3).getString(),
                                   s.getColumn(4).getString(), s.getColumn(5).getString()});
    }
    return keys;
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot load the items of feed " + std::to_string(feed));
  }
}

Result<std::vector<std::string>> SqliteStore::LoadTombstones(FeedId feed) {
  try {
    auto& s = Prepared("SELECT item_key FROM tombstones WHERE feed_id = ?1");
    ResetOnExit reset(s);
    s.bind(1, feed);
    std::vector<std::string> keys;
    while (s.executeStep()) keys.push_back(s.getColumn(0).getString());
    return keys;
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot load the tombstones of feed " + std::to_string(feed));
  }
}

namespace {
constexpr std::string_view kInsertItem =
    "INSERT INTO items (guid, title, link, canonical_url, author, summary, content, categories, "
    "enclosures, updated, content_hash, simhash, feed_id, item_key, published, first_seen, "
    "sort_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
    "?17)";
// `published`, `first_seen` and `sort_time` are kept; `updated` only moves
// when the caller gives one.
constexpr std::string_view kUpdateItem =
    "UPDATE items SET guid = ?1, title = ?2, link = ?3, canonical_url = ?4, author = ?5, "
    "summary = ?6, content = ?7, categories = ?8, enclosures = ?9, "
    "updated = COALESCE(?10, updated), content_hash = ?11, simhash = ?12 "
    "WHERE id = ?13 AND feed_id = ?14";
}  // namespace

void SqliteStore::ApplyChanges(FeedId feed, const DocumentChanges& changes) {
  for (const auto& [id, key] : changes.rekeys) {
    auto& s = Prepared("UPDATE items SET item_key = ?1 WHERE id = ?2 AND feed_id = ?3");
    ResetOnExit reset(s);
    s.bindNoCopy(1, key);
    s.bind(2, id);
    s.bind(3, feed);
    s.exec();
  }
  for (const ItemRecord& r : changes.updates) {
    auto& s = Prepared(std::string(kUpdateItem));
    ResetOnExit reset(s);
    const std::string categories = CategoriesJson(r.categories);
    const std::string enclosures = EnclosuresJson(r.enclosures);
    BindItemContent(s, r, categories, enclosures);
    s.bind(13, r.id);
    s.bind(14, feed);
    s.exec();
  }
  for (const ItemRecord& r : changes.inserts) {
    auto& s = Prepared(std::string(kInsertItem));
    ResetOnExit reset(s);
    const std::string categories = CategoriesJson(r.categories);
    const std::string enclosures = EnclosuresJson(r.enclosures);
    BindItemContent(s, r, categories, enclosures);
    s.bind(13, feed);
    s.bindNoCopy(14, r.item_key);
    BindTime(s, 15, r.published);
    s.bind(16, static_cast<std::int64_t>(ToUnix(r.first_seen)));
    s.bind(17, static_cast<std::int64_t>(ToUnix(r.sort_time)));
    s.exec();
  }
  for (const std::string& key : changes.seen_tombstones) {
    auto& s = Prepared(
        "UPDATE tombstones SET last_seen = MAX(last_seen, ?3) WHERE feed_id = ?1 AND "
        "item_key = ?2");
    ResetOnExit reset(s);
    s.bind(1, feed);
    s.bindNoCopy(2, key);
    s.bind(3, static_cast<std::int64_t>(ToUnix(changes.seen_at)));
    s.exec();
  }
  auto& meta = Prepared(
      "UPDATE feeds SET title = COALESCE(NULLIF(?1, ''), title), "
      "site_link = COALESCE(NULLIF(?2, ''), site_link), "
      "feed_uid = COALESCE(NULLIF(?3, ''), feed_uid) WHERE id = ?4");
  ResetOnExit reset_meta(meta);
  meta.bind(1, changes.title);
  meta.bind(2, changes.site_link);
  meta.bind(3, changes.feed_uid);
  meta.bind(4, feed);
  if (meta.exec() == 0) {
    throw SQLite::Exception("feed id " + std::to_string(feed) + " not found");
  }
  auto& state = Prepared(std::string(kSaveState));
  ResetOnExit reset_state(state);
  BindFeedState(state, changes.state);
  state.bind(13, feed);
  state.exec();
}

Result<void> SqliteStore::CommitDocument(FeedId feed, const DocumentChanges& changes) {
  try {
    Scope tx(*db_, in_batch_);
    ApplyChanges(feed, changes);
    tx.commit();
    return Ok();
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot store the document of feed " + std::to_string(feed));
  } catch (const nlohmann::json::exception& e) {
    return OtherError(e, path_, "cannot store the document of feed " + std::to_string(feed));
  }
}

namespace {
// "WHERE ..." for the filters of `query` other than the feed set, with
// parameters numbered from `first`.
std::string Filters(const ItemQuery& query, bool by_feed) {
  std::string where;
  auto add = [&where](std::string_view clause) {
    where += where.empty() ? " WHERE " : " AND ";
    where += clause;
  };
  if (by_feed) add("feed_id = ?1");
  if (query.since) add("sort_time >= ?2");
  if (query.after_id) add("id > ?3");
  return where;
}

std::string Order(const ItemQuery& query) {
  return query.oldest_first ? " ORDER BY sort_time ASC, id ASC LIMIT ?4"
                            : " ORDER BY sort_time DESC, id DESC LIMIT ?4";
}

void BindFilters(SQLite::Statement& s, const ItemQuery& query, std::optional<FeedId> feed) {
  if (feed) s.bind(1, *feed);
  if (query.since) s.bind(2, static_cast<std::int64_t>(ToUnix(*query.since)));
  if (query.after_id) s.bind(3, *query.after_id);
  s.bind(4, static_cast<std::int64_t>(
                std::min<std::size_t>(query.limit, std::numeric_limits<std::int64_t>::max())));
}
}  // namespace

Result<std::vector<ItemRecord>> SqliteStore::QueryItems(const ItemQuery& query) {
  try {
    if (query.feeds.size() > 1) return QueryFeedSet(query);
    const bool by_feed = query.feeds.size() == 1;
    auto& s = Prepared("SELECT " + std::string(kItemColumns) + " FROM items" +
                       Filters(query, by_feed) + Order(query));
    ResetOnExit reset(s);
    BindFilters(s, query, by_feed ? std::optional<FeedId>(query.feeds[0]) : std::nullopt);
    std::vector<ItemRecord> items;
    while (s.executeStep()) items.push_back(ReadItem(s));
    return items;
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot query items");
  }
}

// Several feeds: walk each feed's (feed_id, sort_time, id) index for its
// best `limit` keys, merge, then read the winning rows by id. Each walk is
// an index range, so a small folder in a large database stays cheap.
std::vector<ItemRecord> SqliteStore::QueryFeedSet(const ItemQuery& query) {
  struct Candidate {
    std::int64_t sort_time;
    ItemId id;
  };
  // One read transaction for all the statements below: in autocommit mode
  // each would take and drop the WAL read lock, which costs more than the
  // lookup itself.
  Scope read(*db_, in_batch_, Scope::kRead);
  std::vector<Candidate> candidates;
  std::vector<FeedId> feeds = query.feeds;
  std::sort(feeds.begin(), feeds.end());
  feeds.erase(std::unique(feeds.begin(), feeds.end()), feeds.end());
  for (FeedId feed : feeds) {
    auto& s = Prepared("SELECT sort_time, id FROM items" + Filters(query, true) + Order(query));
    ResetOnExit reset(s);
    BindFilters(s, query, feed);
    while (s.executeStep()) {
      candidates.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getInt64()});
    }
  }
  auto newer = [](const Candidate& a, const Candidate& b) {
    return a.sort_time != b.sort_time ? a.sort_time > b.sort_time : a.id > b.id;
  };
  if (query.oldest_first) {
    std::sort(candidates.begin(), candidates.end(),
              [&newer](const Candidate& a, const Candidate& b) { return newer(b, a); });
  } else {
    std::sort(candidates.begin(), candidates.end(), newer);
  }
  if (candidates.size() > query.limit) candidates.resize(query.limit);
  std::vector<ItemRecord> items;
  items.reserve(candidates.size());
  for (const Candidate& c : candidates) {
    auto& s = Prepared("SELECT " + std::string(kItemColumns) + " FROM items WHERE id = ?1");
    ResetOnExit reset(s);
    s.bind(1, c.id);
    if (s.executeStep()) items.push_back(ReadItem(s));
  }
  read.commit();
  return items;
}

Result<std::vector<FeedOverview>> SqliteStore::ListFeedOverviews() {
  try {
    auto& s = Prepared("SELECT id, key, url, title, site_link, feed_uid, " +
                       std::string(kFeedStateColumns) +
                       ", (SELECT COUNT(*) FROM items WHERE items.feed_id = feeds.id), "
                       "(SELECT MIN(first_seen) FROM items WHERE items.feed_id = feeds.id) "
                       "FROM feeds ORDER BY id");
    ResetOnExit reset(s);
    std::vector<FeedOverview> feeds;
    while (s.executeStep()) {
      FeedOverview feed;
      feed.row = FeedRow{s.getColumn(0).getInt64(),  s.getColumn(1).getString(),
                         s.getColumn(2).getString(), s.getColumn(3).getString(),
                         s.getColumn(4).getString(), s.getColumn(5).getString()};
      feed.state = ReadFeedState(s, 6);
      feed.items = s.getColumn(18).getInt64();
      feed.oldest_first_seen = ColumnTime(s.getColumn(19));
      feeds.push_back(std::move(feed));
    }
    return feeds;
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot list feeds with their state");
  }
}

Result<std::int64_t> SqliteStore::CountItems(FeedId feed) {
  try {
    auto& s = Prepared("SELECT COUNT(*) FROM items WHERE feed_id = ?1");
    ResetOnExit reset(s);
    s.bind(1, feed);
    s.executeStep();
    return s.getColumn(0).getInt64();
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot count the items of feed " + std::to_string(feed));
  }
}

Result<void> SqliteStore::BeginBatch() {
  if (in_batch_) return MakeError(ErrorCode::kInternal, path_, "a batch is already open");
  try {
    db_->exec("BEGIN IMMEDIATE");
    in_batch_ = true;
    return Ok();
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot begin a batch");
  }
}

Result<void> SqliteStore::CommitBatch() {
  if (!in_batch_) return MakeError(ErrorCode::kInternal, path_, "no batch is open");
  in_batch_ = false;
  // SQLite rolls a transaction back by itself on some errors (a full disk,
  // an I/O error): then nothing of the batch exists and the caller redoes it.
  if (sqlite3_get_autocommit(db_->getHandle()) != 0) {
    return MakeError(ErrorCode::kStorage, path_, "the batch was rolled back by SQLite");
  }
  try {
    db_->exec("COMMIT");
    return Ok();
  } catch (const SQLite::Exception& e) {
    RollbackQuietly();
    return StorageError(e, path_, "cannot commit a batch");
  }
}

void SqliteStore::RollbackBatch() {
  if (!in_batch_) return;
  in_batch_ = false;
  RollbackQuietly();
}

void SqliteStore::RollbackQuietly() {
  if (sqlite3_get_autocommit(db_->getHandle()) != 0) return;
  try {
    db_->exec("ROLLBACK");
  } catch (const SQLite::Exception&) {
    // Nothing more can be done; the next BEGIN will say what is wrong.
  }
}

Result<StoreStats> SqliteStore::Stats() {
  try {
    StoreStats stats;
    stats.feeds = db_->execAndGet("SELECT COUNT(*) FROM feeds").getInt64();
    stats.items = db_->execAndGet("SELECT COUNT(*) FROM items").getInt64();
    stats.database_bytes = db_->execAndGet("PRAGMA page_count").getInt64() *
                           db_->execAndGet("PRAGMA page_size").getInt64();
    std::error_code ec;
    const auto wal = std::filesystem::file_size(path_ + "-wal", ec);
    // No WAL file (":memory:", or checkpointed and removed) simply means 0.
    if (!ec) stats.wal_bytes = static_cast<std::int64_t>(wal);
    return stats;
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot read database statistics");
  }
}

Result<void> SqliteStore::Checkpoint(bool force) {
  auto stats = Stats();
  if (!stats) return stats.error();
  if (!force && stats->wal_bytes <= options_.checkpoint_wal_bytes) return Ok();
  try {
    SQLite::Statement s(*db_, "PRAGMA wal_checkpoint(TRUNCATE)");
    if (s.executeStep() && s.getColumn(0).getInt() != 0) {
      return MakeError(ErrorCode::kStorageBusy, path_,
                       "WAL checkpoint blocked by a reader or writer; retry later");
    }
    return Ok();
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot checkpoint the WAL");
  }
}

Result<void> SqliteStore::CheckIntegrity() {
  try {
    SQLite::Statement check(*db_, "PRAGMA quick_check");
    std::string problems;
    while (check.executeStep()) {
      const std::string line = check.getColumn(0).getString();
      if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
    }
    if (!problems.empty()) {
      return MakeError(ErrorCode::kStorage, path_,
                       "the database failed its integrity check (" + problems +
                           "); restore a backup or recover it into a new file with sqlite3 "
                           ".recover");
    }
    return Ok();
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot check the database");
  }
}

Result<int> SqliteStore::SchemaVersion() {
  try {
    return db_->execAndGet("PRAGMA user_version").getInt();
  } catch (const SQLite::Exception& e) {
    return StorageError(e, path_, "cannot read the schema version");
  }
}

}  // namespace tributary::storage
