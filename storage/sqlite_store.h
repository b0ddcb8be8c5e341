// SqliteStore: the Store on one SQLite database file (SQLiteCpp), the only
// code that knows SQL. One connection; not thread-safe (the daemon calls it
// from one strand). Every write runs in BEGIN IMMEDIATE (or a savepoint of a
// batch) so it waits for the lock up front instead of failing on upgrade; hot statements are
// prepared once and cached. Errors name the database file.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "storage/store.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace tributary::storage {

struct SqliteOptions {
  std::chrono::milliseconds busy_timeout{5000};
  // WAL size above which Checkpoint() truncates the log (hostile-inputs F5).
  std::int64_t checkpoint_wal_bytes = 16 * 1024 * 1024;
  // Caps the database at this many pages (PRAGMA max_page_count); writes
  // beyond it fail as kStorageFull, like a full disk. 0: no cap.
  std::int64_t max_pages = 0;
};

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database at `path`, or ":memory:".
  // Refuses a file that is not a database or has a schema newer than this
  // program without touching it, then upgrades older schemas and sets WAL,
  // synchronous=FULL, foreign keys and the busy timeout.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   const SqliteOptions& options);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Result<FeedId> EnsureFeed(std::string_view key, std::string_view url) override;
  Result<std::vector<FeedRow>> ListFeeds() override;
  Result<FeedRow> GetFeed(FeedId feed) override;
  Result<void> SetFeedUrl(FeedId feed, std::string_view url) override;

  Result<FeedState> LoadFeedState(FeedId feed) override;
  Result<void> SaveFeedState(FeedId feed, const FeedState& state) override;

  Result<std::vector<StoredItemKey>> LoadItemKeys(FeedId feed) override;
  Result<std::vector<std::string>> LoadTombstones(FeedId feed) override;
  Result<void> CommitDocument(FeedId feed, const DocumentChanges& changes) override;

  Result<std::vector<ItemRecord>> QueryItems(const ItemQuery& query) override;
  Result<std::int64_t> CountItems(FeedId feed) override;
  Result<std::vector<FeedOverview>> ListFeedOverviews() override;
  Result<int> PurgeItems(FeedId feed, std::size_t keep_newest,
                         std::optional<Timestamp> older_than) override;
  Result<int> PurgeBeyond(std::size_t keep_total) override;
  Result<int> PruneTombstones(FeedId feed, const std::vector<std::string>& still_served) override;
  Result<int> ExpireTombstones(FeedId feed, Timestamp unseen_before) override;

  Result<StoreStats> Stats() override;
  Result<void> BeginBatch() override;
  Result<void> CommitBatch() override;
  void RollbackBatch() override;

  // Truncates the WAL if it is larger than options.checkpoint_wal_bytes (or
  // always, with `force`). Call it now and then from the daemon's loop.
  Result<void> Checkpoint(bool force = false);
  // PRAGMA quick_check: reads every page (about 0.3 s per 500 MB here), so
  // the daemon runs it once at start and one-shot commands do not; they
  // report SQLITE_CORRUPT, naming the file, if they meet a damaged page.
  Result<void> CheckIntegrity() override;
  Result<void> Maintain() override { return Checkpoint(); }
  std::string Describe() const override { return "SQLite database " + path_; }
  // The schema version of the open database (PRAGMA user_version).
  Result<int> SchemaVersion();
  const std::string& path() const { return path_; }

 private:
  SqliteStore(std::string path, SqliteOptions options, std::unique_ptr<SQLite::Database> db);
  Result<void> Initialise();
  // The cached prepared statement for `sql`, reset and ready to bind.
  SQLite::Statement& Prepared(const std::string& sql);
  void ApplyChanges(FeedId feed, const DocumentChanges& changes);
  std::vector<ItemRecord> QueryFeedSet(const ItemQuery& query);
  void RollbackQuietly();
  int PurgeVictims(const std::string& victims, const std::function<void(SQLite::Statement&)>& bind);

  std::string path_;
  SqliteOptions options_;
  std::unique_ptr<SQLite::Database> db_;
  std::map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
  bool in_batch_ = false;
};

}  // namespace tributary::storage
