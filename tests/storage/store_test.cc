// The Store contract, run against every backend (SQLite and PostgreSQL):
// the same tests, each on a fresh database (tests/storage/test_databases.h).
// SQLite-only behaviour (page caps, WAL, file damage, busy timeouts) is in
// sqlite_store_test.cc, PostgreSQL-only behaviour in pg_store_test.cc.
#include "storage/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "tests/storage/test_databases.h"

namespace tributary::storage {
namespace {

using ::testing::HasSubstr;

Timestamp T(long long s) { return FromUnix(s); }

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { db_ = std::make_unique<TestDatabase>(GetParam()); }

  std::unique_ptr<TestDatabase> db_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

TEST_P(StoreTest, EnsureFeedIsIdempotent) {
  auto store = db_->Open(/*in_memory=*/true);
  auto a = store->EnsureFeed("https://a.example/feed", "https://a.example/feed");
  auto b = store->EnsureFeed("https://b.example/feed", "https://b.example/feed");
  auto a2 = store->EnsureFeed("https://a.example/feed", "https://other");
  ASSERT_TRUE(a && b && a2);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(*a, *a2);
  auto feeds = store->ListFeeds();
  ASSERT_TRUE(feeds);
  ASSERT_EQ(feeds->size(), 2u);
  EXPECT_EQ((*feeds)[0].url, "https://a.example/feed");
  ASSERT_TRUE(store->SetFeedUrl(*a, "https://a.example/moved"));
  EXPECT_EQ(store->GetFeed(*a)->url, "https://a.example/moved");
  EXPECT_EQ(store->GetFeed(999).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, FeedStateRoundTrip) {
  auto store = db_->Open(/*in_memory=*/true);
  const FeedId feed = *store->EnsureFeed("k", "u");
  FeedState s;
  s.etag = "\"abc\"";
  s.last_modified = "Mon, 09 May 2022 02:48:24 GMT";
  s.last_attempt = T(100);
  s.last_success = T(90);
  s.next_poll = T(2000);
  s.last_error = "boom";
  s.error_class = "http_5xx";
  s.error_count = 3;
  s.http_status = 503;
  s.redirect_candidate = "https://new";
  s.redirect_seen = 2;
  s.disabled = true;
  ASSERT_TRUE(store->SaveFeedState(feed, s));
  auto loaded = store->LoadFeedState(feed);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->etag, s.etag);
  EXPECT_EQ(loaded->last_modified, s.last_modified);
  EXPECT_EQ(loaded->last_attempt, s.last_attempt);
  EXPECT_EQ(loaded->last_success, s.last_success);
  EXPECT_EQ(loaded->next_poll, s.next_poll);
  EXPECT_EQ(loaded->last_error, "boom");
  EXPECT_EQ(loaded->error_class, "http_5xx");
  EXPECT_EQ(loaded->error_count, 3);
  EXPECT_EQ(loaded->http_status, 503);
  EXPECT_EQ(loaded->redirect_candidate, "https://new");
  EXPECT_EQ(loaded->redirect_seen, 2);
  EXPECT_TRUE(loaded->disabled);
  EXPECT_EQ(store->SaveFeedState(42, s).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, CommitAndQueryRoundTripEveryField) {
  auto store = db_->Open(/*in_memory=*/true);
  const FeedId feed = *store->EnsureFeed("k", "u");
  DocumentChanges changes;
  changes.title = "Feed title";
  changes.site_link = "https://example.org/";
  changes.feed_uid = "urn:feed";
  ItemRecord item = MakeItem("a", 1000);
  item.updated = T(1500);
  ItemRecord bare = MakeItem("b", 900);
  bare.published.reset();
  bare.categories.clear();
  bare.enclosures.clear();
  changes.inserts = {item, bare};
  changes.state.etag = "e1";
  ASSERT_TRUE(store->CommitDocument(feed, changes));

  auto items = store->QueryItems(ItemQuery{});
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 2u);
  const ItemRecord& got = (*items)[0];
  EXPECT_GT(got.id, 0);
  EXPECT_EQ(got.feed_id, feed);
  EXPECT_EQ(got.item_key, "a");
  EXPECT_EQ(got.guid, "a");
  EXPECT_EQ(got.title, item.title);
  EXPECT_EQ(got.link, item.link);
  EXPECT_EQ(got.canonical_url, item.canonical_url);
  EXPECT_EQ(got.author, "Ann");
  EXPECT_EQ(got.summary, item.summary);
  EXPECT_EQ(got.content, item.content);
  EXPECT_EQ(got.categories, item.categories);
  ASSERT_EQ(got.enclosures.size(), 2u);
  EXPECT_EQ(got.enclosures[0].url, "https://example.org/a.mp3");
  EXPECT_EQ(got.enclosures[0].length, 1234);
  EXPECT_EQ(got.enclosures[1].type, "image/png");
  EXPECT_FALSE(got.enclosures[1].length);
  EXPECT_EQ(got.published, T(1000));
  EXPECT_EQ(got.updated, T(1500));
  EXPECT_EQ(got.first_seen, T(1010));
  EXPECT_EQ(got.sort_time, T(1000));
  EXPECT_EQ(got.content_hash, "hash-a");
  EXPECT_EQ(got.simhash, 0xF0000000000000A5ULL);
  EXPECT_FALSE((*items)[1].published);
  EXPECT_TRUE((*items)[1].categories.empty());

  auto row = store->GetFeed(feed);
  EXPECT_EQ(row->title, "Feed title");
  EXPECT_EQ(row->feed_uid, "urn:feed");
  EXPECT_EQ(store->LoadFeedState(feed)->etag, "e1");
  auto keys = store->LoadItemKeys(feed);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ(*store->CountItems(feed), 2);
}

TEST_P(StoreTest, UpdateKeepsPublishedAndFirstSeenAndRekeyMovesKey) {
  auto store = db_->Open(/*in_memory=*/true);
  const FeedId feed = *store->EnsureFeed("k", "u");
  DocumentChanges first;
  first.inserts = {MakeItem("a", 1000)};
  ASSERT_TRUE(store->CommitDocument(feed, first));
  const ItemId id = (*store->LoadItemKeys(feed))[0].id;

  DocumentChanges second;
  ItemRecord edit = MakeItem("ignored", 5000);  // published/first_seen must not move
  edit.id = id;
  edit.title = "Edited";
  edit.updated = T(6000);
  edit.content_hash = "new-hash";
  second.updates = {edit};
  second.rekeys = {{id, "https://example.org/a"}};
  ASSERT_TRUE(store->CommitDocument(feed, second));

  auto items = store->QueryItems(ItemQuery{});
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].title, "Edited");
  EXPECT_EQ((*items)[0].item_key, "https://example.org/a");
  EXPECT_EQ((*items)[0].published, T(1000));
  EXPECT_EQ((*items)[0].first_seen, T(1010));
  EXPECT_EQ((*items)[0].sort_time, T(1000));
  EXPECT_EQ((*items)[0].updated, T(6000));
  EXPECT_EQ((*items)[0].content_hash, "new-hash");

  // An update without `updated` keeps the stored one.
  edit.updated.reset();
  DocumentChanges third;
  third.updates = {edit};
  ASSERT_TRUE(store->CommitDocument(feed, third));
  EXPECT_EQ((*store->QueryItems(ItemQuery{}))[0].updated, T(6000));
}

TEST_P(StoreTest, FailedCommitStoresNothing) {
  auto store = db_->Open(/*in_memory=*/true);
  const FeedId feed = *store->EnsureFeed("k", "u");
  DocumentChanges changes;
  changes.title = "Should not appear";
  changes.state.etag = "should-not-appear";
  // The third insert collides with the first: the failure happens after two
  // rows were written inside the transaction.
  changes.inserts = {MakeItem("a", 1), MakeItem("b", 2), MakeItem("a", 3)};
  auto result = store->CommitDocument(feed, changes);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kStorage);
  EXPECT_THAT(result.error().message, HasSubstr(db_->UniqueViolation()));
  EXPECT_THAT(result.error().message, HasSubstr(db_->name()));
  EXPECT_EQ(*store->CountItems(feed), 0);
  EXPECT_EQ(store->LoadFeedState(feed)->etag, "");
  EXPECT_EQ(store->GetFeed(feed)->title, "");
}

TEST_P(StoreTest, FailureInjectedAtTheLastStepRollsBackItems) {
  auto store = db_->Open();
  const FeedId feed = *store->EnsureFeed("k", "u");
  // The feed-state write is the last statement of CommitDocument.
  db_->FailEtagBoom();
  DocumentChanges changes;
  changes.inserts = {MakeItem("a", 1), MakeItem("b", 2)};
  changes.state.etag = "boom";
  auto result = store->CommitDocument(feed, changes);
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("injected failure"));
  EXPECT_THAT(result.error().message, HasSubstr(db_->name()));
  EXPECT_EQ(*store->CountItems(feed), 0);
  // The store stays usable after the failure.
  changes.state.etag = "fine";
  ASSERT_TRUE(store->CommitDocument(feed, changes));
  EXPECT_EQ(*store->CountItems(feed), 2);
}

// Group commit: units inside a batch are invisible to other connections
// until CommitBatch, and a failed unit undoes only itself.
TEST_P(StoreTest, BatchCommitsUnitsTogetherAndAFailedUnitUndoesOnlyItself) {
  auto store = db_->Open();
  const FeedId one = *store->EnsureFeed("one", "u1");
  const FeedId two = *store->EnsureFeed("two", "u2");
  ASSERT_TRUE(store->BeginBatch());
  EXPECT_FALSE(store->BeginBatch());  // batches do not nest
  DocumentChanges first;
  first.inserts = {MakeItem("a", 1), MakeItem("b", 2)};
  first.state.etag = "one-etag";
  ASSERT_TRUE(store->CommitDocument(one, first));
  DocumentChanges broken;
  broken.inserts = {MakeItem("c", 3), MakeItem("c", 4)};  // the second collides
  broken.state.etag = "broken-etag";
  ASSERT_FALSE(store->CommitDocument(two, broken));
  // Inside the batch, this connection sees its own committed units.
  EXPECT_EQ(*store->CountItems(one), 2);
  EXPECT_EQ(*store->CountItems(two), 0);
  EXPECT_EQ(db_->CountItemsElsewhere(), 0);
  ASSERT_TRUE(store->CommitBatch());
  EXPECT_EQ(db_->CountItemsElsewhere(), 2);
  EXPECT_EQ(store->LoadFeedState(one)->etag, "one-etag");
  EXPECT_EQ(store->LoadFeedState(two)->etag, "");
  EXPECT_FALSE(store->CommitBatch());  // no batch open any more
}

TEST_P(StoreTest, RolledBackBatchLeavesNothing) {
  auto store = db_->Open(/*in_memory=*/true);
  const FeedId feed = *store->EnsureFeed("k", "u");
  ASSERT_TRUE(store->BeginBatch());
  DocumentChanges changes;
  changes.inserts = {MakeItem("a", 1)};
  ASSERT_TRUE(store->CommitDocument(feed, changes));
  FeedState state;
  state.etag = "gone";
  ASSERT_TRUE(store->SaveFeedState(feed, state));
  store->RollbackBatch();
  EXPECT_EQ(*store->CountItems(feed), 0);
  EXPECT_EQ(store->LoadFeedState(feed)->etag, "");
  // The store works on its own again.
  ASSERT_TRUE(store->CommitDocument(feed, changes));
  EXPECT_EQ(*store->CountItems(feed), 1);
}

TEST_P(StoreTest, FeedOverviewsGiveEveryFeedsStateAndCountsInOneQuery) {
  auto store = db_->Open(/*in_memory=*/true);
  const FeedId busy = *store->EnsureFeed("busy", "https://busy.example/feed");
  const FeedId empty = *store->EnsureFeed("empty", "https://empty.example/feed");
  DocumentChanges c;
  for (int i = 0; i < 3; ++i) c.inserts.push_back(MakeItem("k" + std::to_string(i), 100 + i));
  ASSERT_TRUE(store->CommitDocument(busy, c));
  FeedState failing;
  failing.error_count = 3;
  failing.error_class = "timeout";
  failing.http_status = 504;
  ASSERT_TRUE(store->SaveFeedState(empty, failing));

  auto overviews = store->ListFeedOverviews();
  ASSERT_TRUE(overviews) << overviews.error().ToString();
  ASSERT_EQ(overviews->size(), 2u);
  const FeedOverview& first = (*overviews)[0];
  EXPECT_EQ(first.row.id, busy);
  EXPECT_EQ(first.row.url, "https://busy.example/feed");
  EXPECT_EQ(first.items, 3);
  EXPECT_EQ(first.state.error_count, 0);
  auto items = store->QueryItems(ItemQuery{{busy}, 10, std::nullopt, std::nullopt, true});
  ASSERT_TRUE(items);
  Timestamp oldest = items->front().first_seen;
  for (const auto& item : *items) oldest = std::min(oldest, item.first_seen);
  EXPECT_EQ(first.oldest_first_seen, oldest);
  const FeedOverview& second = (*overviews)[1];
  EXPECT_EQ(second.row.id, empty);
  EXPECT_EQ(second.items, 0);
  EXPECT_FALSE(second.oldest_first_seen.has_value());
  EXPECT_EQ(second.state.error_count, 3);
  EXPECT_EQ(second.state.error_class, "timeout");
  EXPECT_EQ(second.state.http_status, 504);
}

TEST_P(StoreTest, QueriesNewestFirstAcrossFeedsAndFeedSets) {
  auto store = db_->Open(/*in_memory=*/true);
  const FeedId f1 = *store->EnsureFeed("1", "u1");
  const FeedId f2 = *store->EnsureFeed("2", "u2");
  const FeedId f3 = *store->EnsureFeed("3", "u3");
  for (FeedId f : {f1, f2, f3}) {
    DocumentChanges c;
    for (int i = 0; i < 10; ++i) {
      c.inserts.push_back(MakeItem("k" + std::to_string(i), f * 1000 + i * 10));
    }
    ASSERT_TRUE(store->CommitDocument(f, c));
  }
  ItemQuery all;
  all.limit = 5;
  auto newest = store->QueryItems(all);
  ASSERT_EQ(newest->size(), 5u);
  EXPECT_EQ((*newest)[0].feed_id, f3);
  EXPECT_EQ((*newest)[0].sort_time, T(f3 * 1000 + 90));
  for (std::size_t i = 1; i < newest->size(); ++i) {
    EXPECT_GE((*newest)[i - 1].sort_time, (*newest)[i].sort_time);
  }

  ItemQuery folder;
  folder.feeds = {f1, f2};
  folder.limit = 12;
  auto some = store->QueryItems(folder);
  ASSERT_EQ(some->size(), 12u);
  EXPECT_EQ((*some)[0].sort_time, T(f2 * 1000 + 90));
  EXPECT_EQ((*some)[10].feed_id, f1);
  for (std::size_t i = 1; i < some->size(); ++i) {
    EXPECT_GE((*some)[i - 1].sort_time, (*some)[i].sort_time);
  }

  ItemQuery since;
  since.feeds = {f1};
  since.since = T(f1 * 1000 + 50);
  since.oldest_first = true;
  auto recent = store->QueryItems(since);
  ASSERT_EQ(recent->size(), 5u);
  EXPECT_EQ((*recent)[0].sort_time, T(f1 * 1000 + 50));

  ItemQuery cursor;
  cursor.after_id = (*newest)[1].id;
  cursor.limit = 1000;
  auto after = store->QueryItems(cursor);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->size(), 1u);  // ids 1..30; newest[1] is 29
  for (const auto& item : *after) EXPECT_GT(item.id, (*newest)[1].id);
}

TEST_P(StoreTest, PurgeLeavesTombstonesThatExpireWhenUnseen) {
  auto store = db_->Open(/*in_memory=*/true);
  const FeedId feed = *store->EnsureFeed("k", "u");
  DocumentChanges c;
  for (int i = 0; i < 6; ++i) c.inserts.push_back(MakeItem("k" + std::to_string(i), 100 * i));
  c.state.last_success = T(5000);
  ASSERT_TRUE(store->CommitDocument(feed, c));
  // Keep the newest 3; also drop anything first seen before 110 (k0).
  auto purged = store->PurgeItems(feed, 3, T(110));
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 3);
  EXPECT_EQ(*store->CountItems(feed), 3);
  auto tombstones = *store->LoadTombstones(feed);
  std::sort(tombstones.begin(), tombstones.end());
  EXPECT_EQ(tombstones, (std::vector<std::string>{"k0", "k1", "k2"}));

  // k1 is still served at 9000; the others were last seen at 5000.
  DocumentChanges seen;
  seen.seen_tombstones = {"k1"};
  seen.seen_at = T(9000);
  ASSERT_TRUE(store->CommitDocument(feed, seen));
  EXPECT_EQ(*store->ExpireTombstones(feed, T(6000)), 2);
  EXPECT_EQ(*store->LoadTombstones(feed), std::vector<std::string>{"k1"});
  EXPECT_EQ(*store->PruneTombstones(feed, {}), 1);
  EXPECT_TRUE(store->LoadTombstones(feed)->empty());
}

TEST_P(StoreTest, GlobalRetentionKeepsTheNewestAcrossFeedsAndLeavesTombstones) {
  auto store = db_->Open(/*in_memory=*/true);
  const FeedId one = *store->EnsureFeed("one", "u1");
  const FeedId two = *store->EnsureFeed("two", "u2");
  DocumentChanges first;
  first.inserts = {MakeItem("a", 10), MakeItem("b", 40)};
  ASSERT_TRUE(store->CommitDocument(one, first));
  DocumentChanges second;
  second.inserts = {MakeItem("c", 20), MakeItem("d", 30)};
  ASSERT_TRUE(store->CommitDocument(two, second));
  EXPECT_EQ(*store->PurgeBeyond(10), 0);
  EXPECT_EQ(*store->PurgeBeyond(2), 2);  // a (10) and c (20) are the oldest
  EXPECT_EQ(*store->CountItems(one), 1);
  EXPECT_EQ(*store->CountItems(two), 1);
  EXPECT_EQ(*store->LoadTombstones(one), std::vector<std::string>{"a"});
  EXPECT_EQ(*store->LoadTombstones(two), std::vector<std::string>{"c"});
  EXPECT_EQ(*store->PurgeBeyond(2), 0);
}

TEST_P(StoreTest, StatsCountFeedsItemsAndBytes) {
  auto store = db_->Open();
  const FeedId feed = *store->EnsureFeed("k", "u");
  DocumentChanges c;
  c.inserts = {MakeItem("a", 1)};
  ASSERT_TRUE(store->CommitDocument(feed, c));
  auto stats = store->Stats();
  ASSERT_TRUE(stats) << stats.error().ToString();
  EXPECT_EQ(stats->feeds, 1);
  EXPECT_EQ(stats->items, 1);
  EXPECT_GT(stats->database_bytes, 0);
}

// A feed id that does not exist is an error (or nothing) the same way on
// every backend.
TEST_P(StoreTest, NotFoundFeedsAreNotFoundEverywhere) {
  auto store = db_->Open();
  EXPECT_EQ(store->LoadFeedState(77).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store->SetFeedUrl(77, "u").error().code, ErrorCode::kNotFound);
  DocumentChanges c;
  EXPECT_FALSE(store->CommitDocument(77, c));
  EXPECT_TRUE(store->LoadItemKeys(77)->empty());
  EXPECT_EQ(*store->CountItems(77), 0);
}

}  // namespace
}  // namespace tributary::storage
