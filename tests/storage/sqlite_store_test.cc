// SQLite-only behaviour of SqliteStore: page caps standing in for a full
// disk, the WAL and checkpoints, busy timeouts, query plans, damaged and
// read-only files. The Store contract shared with PostgreSQL is in
// store_test.cc.
#include "storage/sqlite_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/storage/test_databases.h"

namespace tributary::storage {
namespace {

using ::testing::HasSubstr;

// A fresh directory per test for file databases.
std::filesystem::path TestDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::path(::testing::TempDir()) /
             (std::string("sqlite_store_") + info->name() + "_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// 200 items of 4 KB: more than a 40-page database (max_pages) can hold.
DocumentChanges BigDocument() {
  DocumentChanges big;
  for (int i = 0; i < 200; ++i) {
    ItemRecord r = MakeItem("k" + std::to_string(i), i);
    r.content = std::string(4000, 'x');
    big.inserts.push_back(std::move(r));
  }
  return big;
}

TEST(SqliteStoreTest, BatchThatSqliteRolledBackFailsToCommit) {
  const auto path = (TestDir() / "db.sqlite").string();
  SqliteOptions options;
  options.max_pages = 40;
  auto store = std::move(SqliteStore::Open(path, options)).value();
  const FeedId feed = *store->EnsureFeed("k", "u");
  ASSERT_TRUE(store->BeginBatch());
  DocumentChanges small;
  small.inserts = {MakeItem("a", 1)};
  ASSERT_TRUE(store->CommitDocument(feed, small));
  DocumentChanges big = BigDocument();
  auto result = store->CommitDocument(feed, big);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kStorageFull);
  // A later unit of the same batch must not be stored on its own (outside
  // the batch): the caller redoes the whole batch and would count it twice.
  DocumentChanges later;
  later.inserts = {MakeItem("later", 2)};
  auto after = store->CommitDocument(feed, later);
  ASSERT_FALSE(after);
  EXPECT_THAT(after.error().message, HasSubstr("rolled back"));
  EXPECT_EQ(*store->CountItems(feed), 0);
  // SQLite ended the transaction on SQLITE_FULL: the batch, the small unit
  // included, is gone, and saying so lets the caller store it again.
  auto committed = store->CommitBatch();
  ASSERT_FALSE(committed);
  EXPECT_THAT(committed.error().message, HasSubstr("rolled back"));
  EXPECT_EQ(*store->CountItems(feed), 0);
  ASSERT_TRUE(store->CommitDocument(feed, small));
  EXPECT_EQ(*store->CountItems(feed), 1);
}

TEST(SqliteStoreTest, NewestQueriesWalkAnIndex) {
  const auto path = (TestDir() / "db.sqlite").string();
  auto store = std::move(SqliteStore::Open(path)).value();
  SQLite::Database raw(path, SQLite::OPEN_READONLY);
  SQLite::Statement plan(raw,
                         "EXPLAIN QUERY PLAN SELECT id FROM items ORDER BY sort_time DESC, id "
                         "DESC LIMIT 500");
  std::string details;
  while (plan.executeStep()) details += plan.getColumn(3).getString() + "\n";
  EXPECT_THAT(details, HasSubstr("items_by_time"));
  EXPECT_THAT(details, ::testing::Not(HasSubstr("TEMP B-TREE")));
  SQLite::Statement per_feed(raw,
                             "EXPLAIN QUERY PLAN SELECT sort_time, id FROM items WHERE feed_id = "
                             "1 ORDER BY sort_time DESC, id DESC LIMIT 500");
  details.clear();
  while (per_feed.executeStep()) details += per_feed.getColumn(3).getString() + "\n";
  EXPECT_THAT(details, HasSubstr("COVERING INDEX items_by_feed_time"));
  EXPECT_THAT(details, ::testing::Not(HasSubstr("TEMP B-TREE")));
}

// Ingest's key load and retention's age check run for every fetched
// document; they must be answered from indexes, never from item rows that
// carry kilobytes of content each.
TEST(SqliteStoreTest, PerFeedReadsNeverTouchItemBodies) {
  const auto path = (TestDir() / "db.sqlite").string();
  auto store = std::move(SqliteStore::Open(path)).value();
  SQLite::Database raw(path, SQLite::OPEN_READONLY);
  const auto plan_of = [&raw](const std::string& sql) {
    SQLite::Statement plan(raw, "EXPLAIN QUERY PLAN " + sql);
    std::string details;
    while (plan.executeStep()) details += plan.getColumn(3).getString() + "\n";
    return details;
  };
  EXPECT_THAT(plan_of("SELECT id, item_key, guid, link, title, content_hash FROM items "
                      "WHERE feed_id = 1"),
              HasSubstr("COVERING INDEX items_identity"));
  EXPECT_THAT(plan_of("SELECT id FROM items WHERE feed_id = 1 AND first_seen < 5"),
              HasSubstr("COVERING INDEX items_by_feed_seen"));
}

TEST(SqliteStoreTest, LockedDatabaseReportsBusyWithinTimeout) {
  const auto path = (TestDir() / "db.sqlite").string();
  SqliteOptions options;
  options.busy_timeout = std::chrono::milliseconds(200);
  auto store = std::move(SqliteStore::Open(path, options)).value();
  const FeedId feed = *store->EnsureFeed("k", "u");
  SQLite::Database holder(path, SQLite::OPEN_READWRITE);
  holder.exec("BEGIN EXCLUSIVE");
  DocumentChanges c;
  c.inserts = {MakeItem("a", 1)};
  const auto start = std::chrono::steady_clock::now();
  auto result = store->CommitDocument(feed, c);
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kStorageBusy);
  EXPECT_THAT(result.error().message, HasSubstr(path));
  EXPECT_GE(waited, std::chrono::milliseconds(150));
  EXPECT_LT(waited, std::chrono::seconds(3));
  holder.exec("ROLLBACK");
  ASSERT_TRUE(store->CommitDocument(feed, c));
  EXPECT_EQ(*store->CountItems(feed), 1);
}

TEST(SqliteStoreTest, CreatesTheDatabaseDirectory) {
  const auto path = (TestDir() / "var" / "state" / "db.sqlite").string();
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store) << store.error().ToString();
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(SqliteStoreTest, DirectoryThatCannotBeCreatedIsAClearError) {
  const auto blocker = TestDir() / "file";
  std::ofstream(blocker) << "not a directory";
  const auto path = (blocker / "db.sqlite").string();
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kIo);
  EXPECT_THAT(store.error().ToString(), HasSubstr("cannot create the directory"));
}

TEST(SqliteStoreTest, FullDatabaseIsStorageFullAndStoresNothing) {
  const auto path = (TestDir() / "db.sqlite").string();
  SqliteOptions options;
  options.max_pages = 40;  // stands in for a full disk
  auto store = std::move(SqliteStore::Open(path, options)).value();
  const FeedId feed = *store->EnsureFeed("k", "u");
  DocumentChanges big = BigDocument();
  big.state.etag = "not-stored";
  auto result = store->CommitDocument(feed, big);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kStorageFull);
  EXPECT_THAT(result.error().message, HasSubstr("full"));
  EXPECT_THAT(result.error().message, HasSubstr(path));
  EXPECT_EQ(*store->CountItems(feed), 0);
  EXPECT_EQ(store->LoadFeedState(feed)->etag, "");
  // Space comes back (here: a smaller document fits): the next commit works.
  big.inserts.resize(2);
  ASSERT_TRUE(store->CommitDocument(feed, big));
  EXPECT_EQ(*store->CountItems(feed), 2);
}

TEST(SqliteStoreTest, ReadOnlyFileIsAClearError) {
  const auto dir = TestDir();
  const auto path = (dir / "db.sqlite").string();
  {
    auto store = std::move(SqliteStore::Open(path)).value();
    ASSERT_TRUE(store->Checkpoint(/*force=*/true));
  }
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  ASSERT_EQ(chmod(path.c_str(), 0444), 0);
  ASSERT_EQ(chmod(dir.c_str(), 0777), 0);
  // Root ignores file modes, so run the check as an unprivileged user in a child.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(2);
    auto store = SqliteStore::Open(path);
    if (store) _exit(3);
    const std::string& message = store.error().message;
    _exit(message.find("read-only") != std::string::npos && message.find(path) != std::string::npos
              ? 0
              : 4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(SqliteStoreTest, CorruptFileIsRefusedAndLeftUntouched) {
  const auto path = (TestDir() / "db.sqlite").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(8192, 'x');
  }
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kStorage);
  EXPECT_THAT(store.error().message, HasSubstr(path));
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes, std::string(8192, 'x'));
}

TEST(SqliteStoreTest, IntegrityCheckFindsADamagedPage) {
  const auto path = (TestDir() / "db.sqlite").string();
  {
    auto store = std::move(SqliteStore::Open(path)).value();
    const FeedId feed = *store->EnsureFeed("k", "u");
    DocumentChanges changes;
    for (int i = 0; i < 50; ++i) changes.inserts.push_back(MakeItem("i" + std::to_string(i), i));
    ASSERT_TRUE(store->CommitDocument(feed, changes));
    ASSERT_TRUE(store->CheckIntegrity());
    ASSERT_TRUE(store->Checkpoint(true));
  }
  {
    // Scribble over an index page in the middle of the file.
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(8192 * 4 + 100);
    file << std::string(2000, '\xA5');
  }
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store) << "opening stays cheap: " << store.error().ToString();
  auto checked = (*store)->CheckIntegrity();
  ASSERT_FALSE(checked);
  EXPECT_THAT(checked.error().message, HasSubstr("integrity check"));
  EXPECT_THAT(checked.error().message, HasSubstr(path));
}

TEST(SqliteStoreTest, UsesWalAndReportsWalSizeUntilCheckpoint) {
  const auto path = (TestDir() / "db.sqlite").string();
  auto store = std::move(SqliteStore::Open(path)).value();
  const FeedId feed = *store->EnsureFeed("k", "u");
  DocumentChanges c;
  c.inserts = {MakeItem("a", 1)};
  ASSERT_TRUE(store->CommitDocument(feed, c));
  {
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    EXPECT_EQ(raw.execAndGet("PRAGMA journal_mode").getString(), "wal");
  }
  auto stats = store->Stats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->feeds, 1);
  EXPECT_EQ(stats->items, 1);
  EXPECT_GT(stats->database_bytes, 0);
  EXPECT_GT(stats->wal_bytes, 0);
  ASSERT_TRUE(store->Checkpoint());  // under the threshold: nothing to do
  EXPECT_GT(store->Stats()->wal_bytes, 0);
  ASSERT_TRUE(store->Checkpoint(/*force=*/true));
  EXPECT_EQ(store->Stats()->wal_bytes, 0);
}

}  // namespace
}  // namespace tributary::storage
