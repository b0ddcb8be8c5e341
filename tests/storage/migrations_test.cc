#include "storage/migrations.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "storage/sqlite_store.h"

namespace tributary::storage {
namespace {

using ::testing::HasSubstr;

std::filesystem::path TestDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::path(::testing::TempDir()) /
             (std::string("migrations_") + info->name() + "_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Builds a database as an older Tributary left it: migrations up to
// `version`, plus one feed and one item written in that version's shape.
void BuildAtVersion(const std::string& path, int version) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode=WAL");
  for (const Migration& m : Migrations()) {
    if (m.version > version) break;
    db.exec(std::string(m.sql));
    db.exec("PRAGMA user_version=" + std::to_string(m.version));
  }
  if (version >= 1) {
    db.exec("INSERT INTO feeds (id, key, url, etag) VALUES (7, 'old-key', 'https://old', 'e')");
    db.exec(
        "INSERT INTO items (feed_id, item_key, guid, title, link, categories, enclosures, "
        "published, first_seen, sort_time, content_hash) VALUES (7, 'g1', 'g1', 'Old item', "
        "'https://old/1', '[\"A\"]', '[]', 100, 110, 100, 'h')");
  }
}

TEST(MigrationsTest, VersionsAscendFromOne) {
  int expected = 1;
  for (const Migration& m : Migrations()) {
    EXPECT_EQ(m.version, expected++);
    EXPECT_FALSE(m.sql.empty());
  }
  EXPECT_EQ(LatestSchemaVersion(), expected - 1);
}

TEST(MigrationsTest, EveryEarlierVersionOpensAndUpgrades) {
  const auto dir = TestDir();
  for (int version = 0; version < LatestSchemaVersion(); ++version) {
    SCOPED_TRACE("from version " + std::to_string(version));
    const auto path = (dir / ("v" + std::to_string(version) + ".db")).string();
    BuildAtVersion(path, version);
    auto opened = SqliteStore::Open(path);
    ASSERT_TRUE(opened) << opened.error().ToString();
    auto& store = **opened;
    EXPECT_EQ(*store.SchemaVersion(), LatestSchemaVersion());
    if (version >= 1) {
      auto items = store.QueryItems(ItemQuery{});
      ASSERT_TRUE(items);
      ASSERT_EQ(items->size(), 1u);
      EXPECT_EQ((*items)[0].title, "Old item");
      EXPECT_EQ((*items)[0].categories, std::vector<std::string>{"A"});
      EXPECT_EQ((*items)[0].canonical_url, "");
      EXPECT_EQ(store.LoadFeedState(7)->etag, "e");
    }
    // The upgraded schema takes today's writes.
    const FeedId feed = *store.EnsureFeed("new", "https://new");
    DocumentChanges c;
    ItemRecord r;
    r.item_key = "x";
    r.simhash = 42;
    c.inserts = {r};
    ASSERT_TRUE(store.CommitDocument(feed, c));
    ASSERT_TRUE(store.PurgeItems(feed, 0, std::nullopt));
    EXPECT_EQ(*store.LoadTombstones(feed), std::vector<std::string>{"x"});
  }
}

TEST(MigrationsTest, NewerSchemaIsRefusedAndFileLeftUntouched) {
  const auto path = (TestDir() / "future.db").string();
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE something_new (x)");
    db.exec("PRAGMA user_version=999");
  }
  const std::string before = ReadAll(path);
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kStorage);
  EXPECT_EQ(store.error().message,
            "schema version 999 is newer than this Tributary supports (" +
                std::to_string(LatestSchemaVersion()) +
                "); refusing to open it: upgrade Tributary or use a backup (database " + path +
                ")");
  EXPECT_EQ(ReadAll(path), before);
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

}  // namespace
}  // namespace tributary::storage
