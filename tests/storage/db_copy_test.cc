// `db copy`: a SQLite database moves into an empty PostgreSQL one with its
// ids, its polling state, tombstones and digest ledger, and the copy serves
// the same queries; a target holding rows is refused and left as it was.
#include "storage/db_copy.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "storage/pg_digest_ledger.h"
#include "storage/pg_store.h"
#include "storage/sqlite_digest_ledger.h"
#include "storage/sqlite_store.h"
#include "tests/fakes/pg_server.h"

namespace tributary::storage {
namespace {

namespace fs = std::filesystem;

ItemRecord Item(const std::string& key, long long t) {
  ItemRecord r;
  r.item_key = key;
  r.guid = key;
  r.title = "标题 " + key;
  r.link = "https://example.org/" + key;
  r.categories = {"新闻", "Tech"};
  r.enclosures = {EnclosureRecord{"https://example.org/a.mp3", "audio/mpeg", 1234}};
  r.published = FromUnix(t);
  r.first_seen = FromUnix(t);
  r.sort_time = FromUnix(t);
  r.content_hash = "h" + key;
  r.simhash = 0xF0000000000000A5ULL;  // above INT64_MAX: the bit-cast must survive
  return r;
}

class DbCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tributary-dbcopy-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    source_ = (dir_ / "src.db").string();
    auto url = testing::FreshPgDatabase();
    ASSERT_TRUE(url) << url.error().ToString();
    url_ = *url;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Two feeds, three items, a purged item's tombstone, a digest with a
  // cursor and a sent run.
  void FillSource() {
    auto store = SqliteStore::Open(source_);
    ASSERT_TRUE(store);
    auto a = (*store)->EnsureFeed("https://a.example/feed", "https://a.example/feed");
    auto b = (*store)->EnsureFeed("https://b.example/feed", "https://b.example/moved");
    ASSERT_TRUE(a && b);
    DocumentChanges doc;
    doc.inserts = {Item("one", 100), Item("two", 200), Item("old", 50)};
    doc.state.etag = "\"v1\"";
    doc.state.next_poll = FromUnix(5000);
    doc.seen_at = FromUnix(300);
    ASSERT_TRUE((*store)->CommitDocument(*a, doc));
    DocumentChanges other;
    other.inserts = {Item("x", 400)};
    other.seen_at = FromUnix(400);
    ASSERT_TRUE((*store)->CommitDocument(*b, other));
    ASSERT_TRUE((*store)->PurgeItems(*a, 2, std::nullopt));  // "old" becomes a tombstone
    auto ledger = SqliteDigestLedger::Open(source_);
    ASSERT_TRUE(ledger);
    DigestRun run;
    run.digest = "daily";
    run.slot = FromUnix(1000);
    run.first_item_id = 1;
    run.last_item_id = 3;
    run.message_id = "<digest.1@example.org>";
    run.next_attempt = FromUnix(1000);
    auto planned = (*ledger)->PlanRun(run);
    ASSERT_TRUE(planned);
    planned->state = DigestRunState::kSent;
    ASSERT_TRUE((*ledger)->UpdateRun(*planned));
    feed_a_ = *a;
  }

  fs::path dir_;
  std::string source_;
  std::string url_;
  FeedId feed_a_ = 0;
};

TEST_F(DbCopyTest, CopiesEveryTableWithItsIdsAndTheCopyKeepsWorking) {
  FillSource();
  auto copied = CopySqliteToPostgres(source_, url_);
  ASSERT_TRUE(copied) << copied.error().ToString();
  std::map<std::string, std::int64_t> rows;
  for (const auto& table : *copied) rows[table.name] = table.rows;
  EXPECT_EQ(rows["feeds"], 2);
  EXPECT_EQ(rows["items"], 3);
  EXPECT_EQ(rows["tombstones"], 1);
  EXPECT_EQ(rows["digest_cursors"], 1);
  EXPECT_EQ(rows["digest_runs"], 1);

  auto sqlite = SqliteStore::Open(source_);
  auto pg = PgStore::Open(url_);
  ASSERT_TRUE(sqlite && pg);
  auto before = (*sqlite)->QueryItems({});
  auto after = (*pg)->QueryItems({});
  ASSERT_TRUE(before && after);
  ASSERT_EQ(after->size(), before->size());
  for (std::size_t i = 0; i < before->size(); ++i) {
    EXPECT_EQ((*after)[i].id, (*before)[i].id);
    EXPECT_EQ((*after)[i].title, (*before)[i].title);
    EXPECT_EQ((*after)[i].categories, (*before)[i].categories);
    EXPECT_EQ((*after)[i].simhash, (*before)[i].simhash);
    EXPECT_EQ((*after)[i].enclosures.size(), 1u);
  }
  auto state = (*pg)->LoadFeedState(feed_a_);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->etag, "\"v1\"");
  EXPECT_EQ(state->next_poll, FromUnix(5000));
  auto tombstones = (*pg)->LoadTombstones(feed_a_);
  ASSERT_TRUE(tombstones);
  EXPECT_EQ(*tombstones, std::vector<std::string>{"old"});
  auto moved = (*pg)->GetFeed(2);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->url, "https://b.example/moved");

  // New rows continue after the copied ids, and the ledger reads the runs.
  auto c = (*pg)->EnsureFeed("https://c.example/feed", "https://c.example/feed");
  ASSERT_TRUE(c);
  EXPECT_GT(*c, 2);
  auto ledger = PgDigestLedger::Open(url_);
  ASSERT_TRUE(ledger);
  auto cursor = (*ledger)->LoadCursor("daily");
  ASSERT_TRUE(cursor && cursor->has_value());
  EXPECT_EQ((*cursor)->last_item_id, 3);
  auto runs = (*ledger)->ListRuns("daily");
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ(runs->front().message_id, "<digest.1@example.org>");
  EXPECT_EQ(runs->front().state, DigestRunState::kSent);
}

TEST_F(DbCopyTest, RefusesATargetThatHoldsRowsAndLeavesItAlone) {
  FillSource();
  {
    auto pg = PgStore::Open(url_);
    ASSERT_TRUE(pg);
    ASSERT_TRUE((*pg)->EnsureFeed("https://mine.example/", "https://mine.example/"));
  }
  auto copied = CopySqliteToPostgres(source_, url_);
  ASSERT_FALSE(copied);
  EXPECT_NE(copied.error().message.find("copy into an empty database"), std::string::npos);
  auto pg = PgStore::Open(url_);
  ASSERT_TRUE(pg);
  auto feeds = (*pg)->ListFeeds();
  ASSERT_TRUE(feeds);
  EXPECT_EQ(feeds->size(), 1u);
}

}  // namespace
}  // namespace tributary::storage
