// PgStore: the Store on a PostgreSQL database (libpqxx), with the same
// semantics as SqliteStore and the same tables (storage/pg_migrations.h).
// One connection; not thread-safe (the daemon calls it from one strand).
// Every method is one transaction; inside a batch (BeginBatch) it is a
// SAVEPOINT of the batch's transaction, so a failed method undoes only
// itself. Statements are prepared once per connection.
//
// When the server goes away the failing call returns kStorageBusy naming
// the database, and the next call outside a batch connects again. A batch
// that lost its connection fails every later method and its CommitBatch, so
// the caller redoes it. Errors name the database by its URL without the
// password.
#pragma once

#include <memory>
#include <string>

#include "storage/store.h"

namespace pqxx {
class dbtransaction;
class transaction_base;
}  // namespace pqxx

namespace tributary::storage {

namespace pg {
class Session;
}  // namespace pg

class PgStore final : public Store {
 public:
  // Connects to `url` (a libpq URI, "postgresql://user@host:port/db?..."),
  // refuses a schema newer than this program and applies missing migrations.
  static Result<std::unique_ptr<PgStore>> Open(const std::string& url);
  ~PgStore() override;
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;

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

  // database_bytes is pg_database_size(); wal_bytes is 0 (the server's WAL
  // is shared by every database and not ours to manage).
  Result<StoreStats> Stats() override;
  Result<void> BeginBatch() override;
  Result<void> CommitBatch() override;
  void RollbackBatch() override;

  // The schema version of the database (tributary_schema).
  Result<int> SchemaVersion();
  // The database as errors and logs name it: the URL without its password.
  const std::string& name() const;
  Result<FeedClaims> ClaimFeeds(std::string_view node, const std::vector<FeedId>& due,
                                Timestamp now, Seconds lease, bool force) override;
  Result<void> RenewLeases(std::string_view node, const std::vector<FeedId>& feeds, Timestamp now,
                           Seconds lease) override;
  bool Shared() const override { return true; }
  // A session-level advisory lock on this store's connection.
  Result<bool> HoldRole(ClusterRole role) override;
  std::string Describe() const override { return "PostgreSQL database " + name(); }

 private:
  explicit PgStore(std::unique_ptr<pg::Session> session);
  // Runs `body` as one unit (see the file comment) and commits it if it
  // returns a value; maps exceptions to errors about `action`.
  template <typename Body>
  auto InUnit(std::string_view action, Body&& body);
  Result<void> Usable();
  Error Failed(const std::exception& e, std::string_view action);
  void ApplyChanges(pqxx::transaction_base& tx, FeedId feed, const DocumentChanges& changes);
  void EndBatch();

  std::unique_ptr<pg::Session> session_;
  std::unique_ptr<pqxx::dbtransaction> batch_;
  bool batch_lost_ = false;  // the batch's connection broke; it can only fail now
};

}  // namespace tributary::storage
