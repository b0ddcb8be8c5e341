// PostgreSQL-only behaviour of PgStore: migrations and the schema they
// leave (the same tables and columns as SQLite's), batches whose failed
// methods must not poison the batch's transaction, lost connections and
// reconnecting, passwords kept out of errors, and the OpenStore factory.
// The Store contract shared with SQLite is in store_test.cc.
#include "storage/pg_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <pqxx/pqxx>
#include <set>

#include "storage/migrations.h"
#include "storage/open.h"
#include "storage/pg_connection.h"
#include "storage/pg_digest_ledger.h"
#include "storage/pg_migrations.h"
#include "storage/sqlite_store.h"
#include "tests/fakes/pg_server.h"
#include "tests/storage/test_databases.h"

namespace tributary::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = testing::FreshPgDatabase();
    ASSERT_TRUE(url) << url.error().ToString();
    url_ = *url;
  }

  std::unique_ptr<PgStore> Open() {
    auto store = PgStore::Open(url_);
    if (!store) throw std::runtime_error(store.error().ToString());
    return std::move(*store);
  }

  void Exec(const std::string& sql) {
    pqxx::connection raw(url_);
    pqxx::work tx(raw);
    tx.exec(sql);
    tx.commit();
  }

  std::string url_;
};

// Table -> its column names, from PostgreSQL's catalogue.
std::map<std::string, std::set<std::string>> PgColumns(const std::string& url) {
  pqxx::connection raw(url);
  pqxx::work tx(raw);
  std::map<std::string, std::set<std::string>> tables;
  for (const auto& row :
       tx.exec("SELECT table_name, column_name FROM information_schema.columns "
               "WHERE table_schema = 'public' AND table_name <> 'tributary_schema'")) {
    tables[row[0].as<std::string>()].insert(row[1].as<std::string>());
  }
  return tables;
}

TEST_F(PgStoreTest, MigratesAnEmptyDatabaseToTheSchemaOfSqlite) {
  auto store = Open();
  EXPECT_EQ(*store->SchemaVersion(), PgLatestSchemaVersion());
  EXPECT_EQ(PgLatestSchemaVersion(), LatestSchemaVersion());
  // The `items` table is an interface (scripts, `db copy`): same tables,
  // same column names as SQLite's latest schema.
  const auto pg = PgColumns(url_);
  const std::set<std::string> expected_tables = {"feeds", "items", "tombstones", "digest_cursors",
                                                 "digest_runs"};
  std::set<std::string> tables;
  for (const auto& [table, columns] : pg) tables.insert(table);
  EXPECT_EQ(tables, expected_tables);
  const std::string dir = ::testing::TempDir() + "/pg_store_schema_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(SqliteStore::Open(dir + "/schema.db"));
  SQLite::Database sqlite(dir + "/schema.db", SQLite::OPEN_READONLY);
  for (const auto& [table, columns] : pg) {
    SCOPED_TRACE(table);
    std::set<std::string> sqlite_columns;
    SQLite::Statement info(sqlite, "SELECT name FROM pragma_table_info('" + table + "')");
    while (info.executeStep()) sqlite_columns.insert(info.getColumn(0).getString());
    EXPECT_EQ(columns, sqlite_columns);
  }
  std::filesystem::remove_all(dir);
}

TEST_F(PgStoreTest, EveryEarlierVersionUpgradesAndKeepsItsRows) {
  for (int version = 1; version < PgLatestSchemaVersion(); ++version) {
    SCOPED_TRACE("from version " + std::to_string(version));
    auto url = testing::FreshPgDatabase();
    ASSERT_TRUE(url);
    url_ = *url;
    std::string sql =
        "CREATE TABLE tributary_schema (version INTEGER NOT NULL); INSERT INTO tributary_schema "
        "VALUES (" +
        std::to_string(version) + ");";
    for (const Migration& m : PgMigrations()) {
      if (m.version <= version) sql += std::string(m.sql);
    }
    sql +=
        "INSERT INTO feeds (id, key, url, etag) VALUES (7, 'old-key', 'https://old', 'e');"
        "INSERT INTO items (feed_id, item_key, guid, title, link, categories, enclosures, "
        "published, first_seen, sort_time, content_hash) VALUES (7, 'g1', 'g1', 'Old item', "
        "'https://old/1', '[\"A\"]', '[]', 100, 110, 100, 'h');"
        "SELECT setval(pg_get_serial_sequence('feeds', 'id'), 7);";
    Exec(sql);
    auto store = Open();
    EXPECT_EQ(*store->SchemaVersion(), PgLatestSchemaVersion());
    auto items = store->QueryItems(ItemQuery{});
    ASSERT_TRUE(items) << items.error().ToString();
    ASSERT_EQ(items->size(), 1u);
    EXPECT_EQ((*items)[0].title, "Old item");
    EXPECT_EQ((*items)[0].categories, std::vector<std::string>{"A"});
    EXPECT_EQ(store->LoadFeedState(7)->etag, "e");
    const FeedId feed = *store->EnsureFeed("new", "https://new");
    DocumentChanges c;
    ItemRecord r;
    r.item_key = "x";
    r.simhash = 42;
    c.inserts = {r};
    ASSERT_TRUE(store->CommitDocument(feed, c));
    ASSERT_TRUE(store->PurgeItems(feed, 0, std::nullopt));
    EXPECT_EQ(*store->LoadTombstones(feed), std::vector<std::string>{"x"});
  }
}

TEST_F(PgStoreTest, NewerSchemaIsRefusedAndLeftUntouched) {
  Exec(
      "CREATE TABLE tributary_schema (version INTEGER NOT NULL); "
      "INSERT INTO tributary_schema VALUES (999); CREATE TABLE something_new (x INTEGER)");
  auto store = PgStore::Open(url_);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kStorage);
  EXPECT_EQ(store.error().message,
            "schema version 999 is newer than this Tributary supports (" +
                std::to_string(PgLatestSchemaVersion()) +
                "); refusing to open it: upgrade Tributary or use a backup (database " + url_ +
                ")");
  const auto tables = PgColumns(url_);
  EXPECT_EQ(tables.size(), 1u);
  EXPECT_TRUE(tables.contains("something_new"));
}

TEST_F(PgStoreTest, LedgerNeedsTheStoresSchema) {
  auto ledger = PgDigestLedger::Open(url_);
  ASSERT_FALSE(ledger);
  EXPECT_EQ(ledger.error().code, ErrorCode::kStorage);
  EXPECT_THAT(ledger.error().message, HasSubstr("no digest tables"));
  EXPECT_THAT(ledger.error().message, HasSubstr(url_));
}

// In PostgreSQL an error aborts the whole transaction; a failed method of
// a batch must roll back to its savepoint so the batch goes on.
TEST_F(PgStoreTest, FailedMethodsInABatchUndoOnlyThemselves) {
  auto store = Open();
  const FeedId feed = *store->EnsureFeed("k", "u");
  Exec(
      "CREATE FUNCTION fail_state() RETURNS trigger LANGUAGE plpgsql AS "
      "$$ BEGIN RAISE EXCEPTION 'injected failure'; END $$;"
      "CREATE TRIGGER fail_state BEFORE UPDATE OF etag ON feeds FOR EACH ROW "
      "WHEN (NEW.etag = 'boom') EXECUTE FUNCTION fail_state()");
  ASSERT_TRUE(store->BeginBatch());
  DocumentChanges first;
  first.inserts = {MakeItem("a", 1)};
  ASSERT_TRUE(store->CommitDocument(feed, first));
  DocumentChanges boom;
  boom.inserts = {MakeItem("b", 2)};
  boom.state.etag = "boom";
  auto failed = store->CommitDocument(feed, boom);
  ASSERT_FALSE(failed);
  EXPECT_THAT(failed.error().message, HasSubstr("injected failure"));
  EXPECT_FALSE(store->GetFeed(999));  // a failed read, too, undoes only itself
  FeedState state;
  state.etag = "after";
  ASSERT_TRUE(store->SaveFeedState(feed, state));
  DocumentChanges last;
  last.inserts = {MakeItem("c", 3)};
  last.state.etag = "after";
  ASSERT_TRUE(store->CommitDocument(feed, last));
  ASSERT_TRUE(store->CommitBatch());
  auto keys = store->LoadItemKeys(feed);
  ASSERT_TRUE(keys);
  std::set<std::string> stored;
  for (const auto& k : *keys) stored.insert(k.item_key);
  EXPECT_EQ(stored, (std::set<std::string>{"a", "c"}));
  EXPECT_EQ(store->LoadFeedState(feed)->etag, "after");
}

// The daemon ensures every configured feed at each start; that must not
// use up an identity value per feed and start.
TEST_F(PgStoreTest, EnsuringAnExistingFeedTakesNoNewId) {
  auto store = Open();
  const FeedId a = *store->EnsureFeed("a", "u");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(*store->EnsureFeed("a", "other"), a);
  EXPECT_EQ(*store->EnsureFeed("b", "u"), a + 1);
  EXPECT_EQ(store->GetFeed(a)->url, "u");
}

// Long keys, titles and links must not hit PostgreSQL's B-tree entry limit
// (about 2.7 KB): ingest caps keys at 2 KiB and titles at 1 KiB, links not.
TEST_F(PgStoreTest, LongKeysTitlesAndLinksAreStored) {
  auto store = Open();
  const FeedId feed = *store->EnsureFeed("k", "u");
  ItemRecord r = MakeItem(std::string(2048, 'k'), 1);
  r.title = std::string(1024, 't');
  r.link = "https://example.org/" + std::string(6000, 'l');
  r.guid = std::string(3000, 'g');
  DocumentChanges c;
  c.inserts = {r};
  auto committed = store->CommitDocument(feed, c);
  ASSERT_TRUE(committed) << committed.error().ToString();
  EXPECT_EQ((*store->LoadItemKeys(feed))[0].link, r.link);
}

// The server goes away: the call fails, naming the database and saying
// to retry; once the server is back the next call reconnects by itself.
TEST_F(PgStoreTest, ReconnectsOnTheNextCallAfterTheServerRestarts) {
  auto store = Open();
  const FeedId feed = *store->EnsureFeed("k", "u");
  auto server = testing::PgServer::Shared();
  ASSERT_TRUE(server);
  ASSERT_TRUE((*server)->Stop());
  auto down = store->CountItems(feed);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, ErrorCode::kStorageBusy);
  EXPECT_THAT(down.error().message, HasSubstr("PostgreSQL server"));
  EXPECT_THAT(down.error().message, HasSubstr(url_));
  EXPECT_FALSE(store->EnsureFeed("k2", "u2"));  // still down: fails again, quickly
  ASSERT_TRUE((*server)->Start());
  DocumentChanges c;
  c.inserts = {MakeItem("a", 1)};
  auto stored = store->CommitDocument(feed, c);
  ASSERT_TRUE(stored) << stored.error().ToString();
  EXPECT_EQ(*store->CountItems(feed), 1);
}

// A batch whose connection broke cannot be finished on a new connection:
// its methods and its commit fail, the caller redoes it, and the store
// works again afterwards.
TEST_F(PgStoreTest, ABatchLostWithItsConnectionFailsAsAWhole) {
  auto store = Open();
  const FeedId feed = *store->EnsureFeed("k", "u");
  ASSERT_TRUE(store->BeginBatch());
  DocumentChanges c;
  c.inserts = {MakeItem("a", 1)};
  ASSERT_TRUE(store->CommitDocument(feed, c));
  auto server = testing::PgServer::Shared();
  ASSERT_TRUE(server);
  ASSERT_TRUE((*server)->Stop());
  ASSERT_TRUE((*server)->Start());
  DocumentChanges later;
  later.inserts = {MakeItem("b", 2)};
  EXPECT_FALSE(store->CommitDocument(feed, later));
  EXPECT_FALSE(store->CommitDocument(feed, later));  // not stored on its own either
  auto committed = store->CommitBatch();
  ASSERT_FALSE(committed);
  EXPECT_THAT(committed.error().message, HasSubstr(url_));
  EXPECT_EQ(*store->CountItems(feed), 0);
  ASSERT_TRUE(store->CommitDocument(feed, c));
  EXPECT_EQ(*store->CountItems(feed), 1);
}

TEST_F(PgStoreTest, UnreachableServerIsAClearErrorWithoutThePassword) {
  const std::string url =
      "postgresql://tributary:s3cret@/nowhere?host=/nonexistent-dir&port=1&password=s3cret2";
  auto store = PgStore::Open(url);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kStorageBusy);
  EXPECT_THAT(store.error().ToString(), HasSubstr("postgresql://tributary@/nowhere"));
  EXPECT_THAT(store.error().ToString(), Not(HasSubstr("s3cret")));
  auto ledger = PgDigestLedger::Open(url);
  ASSERT_FALSE(ledger);
  EXPECT_THAT(ledger.error().ToString(), Not(HasSubstr("s3cret")));
}

TEST(PgUrlTest, RedactsPasswordsInUrisAndKeywordStrings) {
  EXPECT_EQ(pg::RedactUrl("postgresql://ann:pw@db.example:5432/feeds?sslmode=require"),
            "postgresql://ann@db.example:5432/feeds?sslmode=require");
  EXPECT_EQ(pg::RedactUrl("postgres://ann@db/feeds?password=pw&sslmode=require"),
            "postgres://ann@db/feeds?password=***&sslmode=require");
  EXPECT_EQ(pg::RedactUrl("postgresql:///feeds?host=/run/postgresql"),
            "postgresql:///feeds?host=/run/postgresql");
  EXPECT_EQ(pg::RedactUrl("host=db password=pw dbname=feeds"), "host=db password=*** dbname=feeds");
}

TEST(PgTextTest, InvalidUtf8AndNulBecomeReplacementCharacters) {
  EXPECT_EQ(pg::StorableText("plain ascii"), "plain ascii");
  EXPECT_EQ(pg::StorableText("新闻 café 𝄞"), "新闻 café 𝄞");
  EXPECT_EQ(pg::StorableText(std::string("a\0b", 3)), "a\uFFFDb");
  EXPECT_EQ(pg::StorableText("W/\"\xFF\xFE\""), "W/\"\uFFFD\uFFFD\"");
  EXPECT_EQ(pg::StorableText("\xE6\x96"), "\uFFFD\uFFFD");            // cut sequence
  EXPECT_EQ(pg::StorableText("\xED\xA0\x80"), "\uFFFD\uFFFD\uFFFD");  // a surrogate
  EXPECT_EQ(pg::StorableText("\xC0\xAF"), "\uFFFD\uFFFD");            // overlong
}

// SQLite stores any bytes; PostgreSQL's text refuses some. A hostile
// server's raw header bytes must not make the feed's state unstorable.
TEST_F(PgStoreTest, RawBytesInFeedStateAreStored) {
  auto store = Open();
  const FeedId feed = *store->EnsureFeed("k", "u");
  FeedState state;
  state.etag = "\"\xFF\"";
  state.last_error = std::string("bad\0byte", 8);
  auto saved = store->SaveFeedState(feed, state);
  ASSERT_TRUE(saved) << saved.error().ToString();
  EXPECT_EQ(store->LoadFeedState(feed)->etag, "\"\uFFFD\"");
  EXPECT_EQ(store->LoadFeedState(feed)->last_error, "bad\uFFFDbyte");
}

TEST(PgErrorTest, ServerConditionsMapToOurCodes) {
  const std::string db = "postgresql://ann@db/feeds";
  const Error full =
      pg::MapError(pqxx::sql_error("ERROR:  could not extend file: No space left on device\n",
                                   "INSERT", "53100"),
                   db, "cannot store the document of feed 3");
  EXPECT_EQ(full.code, ErrorCode::kStorageFull);
  EXPECT_EQ(full.message,
            "cannot store the document of feed 3: ERROR:  could not extend file: No space left on "
            "device; free disk space on the database server, nothing was stored (database " +
                db + ")");
  EXPECT_EQ(full.context, db);
  EXPECT_EQ(pg::MapError(pqxx::sql_error("deadlock", "UPDATE", "40P01"), db, "x").code,
            ErrorCode::kStorageBusy);
  EXPECT_EQ(pg::MapError(pqxx::sql_error("too many", "", "53300"), db, "x").code,
            ErrorCode::kStorageBusy);
  const Error lost = pg::MapError(pqxx::broken_connection("server closed the connection"), db, "x");
  EXPECT_EQ(lost.code, ErrorCode::kStorageBusy);
  EXPECT_THAT(lost.message, HasSubstr("PostgreSQL server"));
  EXPECT_TRUE(pg::IsConnectionLoss(pqxx::sql_error("terminating", "", "57P01")));
  EXPECT_FALSE(pg::IsConnectionLoss(pqxx::sql_error("duplicate key", "", "23505")));
  EXPECT_EQ(pg::MapError(pqxx::sql_error("duplicate key", "", "23505"), db, "x").code,
            ErrorCode::kStorage);
}

TEST(OpenStoreTest, LocationSelectsTheBackend) {
  EXPECT_TRUE(IsPostgresUrl("postgresql://ann@db/feeds"));
  EXPECT_TRUE(IsPostgresUrl("postgres://db/feeds"));
  EXPECT_FALSE(IsPostgresUrl("var/tributary.db"));
  EXPECT_FALSE(IsPostgresUrl(":memory:"));
  EXPECT_FALSE(IsPostgresUrl("/var/lib/postgresql://odd-but-a-file"));
  auto sqlite = OpenStore(":memory:");
  ASSERT_TRUE(sqlite);
  EXPECT_NE(dynamic_cast<SqliteStore*>(sqlite->get()), nullptr);
  auto url = testing::FreshPgDatabase();
  ASSERT_TRUE(url) << url.error().ToString();
  auto pg = OpenStore(*url);
  ASSERT_TRUE(pg) << pg.error().ToString();
  EXPECT_NE(dynamic_cast<PgStore*>(pg->get()), nullptr);
  auto ledger = OpenDigestLedger(*url);
  ASSERT_TRUE(ledger) << ledger.error().ToString();
  EXPECT_NE(dynamic_cast<PgDigestLedger*>(ledger->get()), nullptr);
  EXPECT_FALSE(OpenDigestLedger(":memory:"));
}

}  // namespace
}  // namespace tributary::storage

namespace tributary::storage {
namespace {

// Two daemons on one database: a due feed goes to one of them, is not
// claimed again while leased or once polled, and returns to the pool when
// its lease runs out (a node that died) or its state is saved.
TEST_F(PgStoreTest, LeasesSplitDueFeedsBetweenNodes) {
  auto a = Open();
  auto b = Open();
  std::vector<FeedId> ids;
  for (int i = 0; i < 4; ++i) {
    auto id = a->EnsureFeed("https://f" + std::to_string(i) + ".example/",
                            "https://f" + std::to_string(i) + ".example/");
    ASSERT_TRUE(id);
    ids.push_back(*id);
  }
  const Timestamp now = FromUnix(1'800'000'000);
  const Seconds lease{120};
  auto first = a->ClaimFeeds("node-a", {ids[0], ids[1]}, now, lease, false);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->feeds.size(), 2u);
  EXPECT_TRUE(first->taken_over.empty());
  // b asks for all four: the two a holds are not its.
  auto second = b->ClaimFeeds("node-b", ids, now, lease, false);
  ASSERT_TRUE(second);
  EXPECT_EQ(std::set<FeedId>(second->feeds.begin(), second->feeds.end()),
            (std::set<FeedId>{ids[2], ids[3]}));
  // The overviews (tributary status) name the holder and the lease's end.
  auto overviews = b->ListFeedOverviews();
  ASSERT_TRUE(overviews);
  for (const FeedOverview& feed : *overviews) {
    EXPECT_EQ(feed.lease_node,
              feed.row.id == ids[0] || feed.row.id == ids[1] ? "node-a" : "node-b");
    EXPECT_EQ(feed.lease_until, now + lease);
  }
  // a renews and asks again: it still holds its own.
  ASSERT_TRUE(a->RenewLeases("node-a", {ids[0], ids[1]}, now + Seconds{60}, lease));
  auto again = a->ClaimFeeds("node-a", {ids[0]}, now + Seconds{61}, lease, false);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->feeds.size(), 1u);
  EXPECT_TRUE(again->taken_over.empty());  // its own lease

  // a polls ids[0]: saving the state releases the lease, and the stored
  // next_poll keeps b from polling it again before it is due.
  FeedState polled;
  polled.last_success = now;
  polled.next_poll = now + Seconds{1800};
  ASSERT_TRUE(a->SaveFeedState(ids[0], polled));
  auto not_due = b->ClaimFeeds("node-b", {ids[0]}, now + Seconds{62}, lease, false);
  ASSERT_TRUE(not_due);
  EXPECT_TRUE(not_due->feeds.empty());
  auto forced = b->ClaimFeeds("node-b", {ids[0]}, now + Seconds{62}, lease, true);
  ASSERT_TRUE(forced);
  EXPECT_EQ(forced->feeds.size(), 1u);
  EXPECT_TRUE(forced->taken_over.empty());  // a released lease is no takeover

  // a dies holding ids[1] (renewed to now + 60 + 120): b takes it once
  // the lease has run out, not before.
  auto held = b->ClaimFeeds("node-b", {ids[1]}, now + Seconds{179}, lease, false);
  ASSERT_TRUE(held);
  EXPECT_TRUE(held->feeds.empty());
  auto taken = b->ClaimFeeds("node-b", {ids[1]}, now + Seconds{181}, lease, false);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->feeds, std::vector<FeedId>{ids[1]});
  EXPECT_EQ(taken->taken_over, std::vector<FeedId>{ids[1]});
}

// A role belongs to one connection at a time: asking again keeps it, other
// nodes are refused, and it passes on when its holder goes away (a node
// that died or lost the server).
TEST_F(PgStoreTest, RolesGoToOneNodeAndPassOnWhenItGoes) {
  auto a = Open();
  auto b = Open();
  EXPECT_TRUE(a->Shared());
  auto took = a->HoldRole(ClusterRole::kWriter);
  ASSERT_TRUE(took) << took.error().ToString();
  EXPECT_TRUE(*took);
  for (int i = 0; i < 3; ++i) {
    auto again = a->HoldRole(ClusterRole::kWriter);
    ASSERT_TRUE(again);
    EXPECT_TRUE(*again);
  }
  auto refused = b->HoldRole(ClusterRole::kWriter);
  ASSERT_TRUE(refused) << refused.error().ToString();
  EXPECT_FALSE(*refused);
  // The roles are independent: b may run the digests.
  auto digests = b->HoldRole(ClusterRole::kDigests);
  ASSERT_TRUE(digests);
  EXPECT_TRUE(*digests);
  auto not_a = a->HoldRole(ClusterRole::kDigests);
  ASSERT_TRUE(not_a);
  EXPECT_FALSE(*not_a);
  a.reset();
  auto passed = b->HoldRole(ClusterRole::kWriter);
  ASSERT_TRUE(passed);
  EXPECT_TRUE(*passed);
}

}  // namespace
}  // namespace tributary::storage
