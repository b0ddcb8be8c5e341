#include "daemon/polling/ingest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "storage/sqlite_store.h"

namespace tributary::daemon {
namespace {

using ::testing::HasSubstr;

constexpr Timestamp kNow{Seconds{1700000000}};  // 2023-11-14

Timestamp Days(int n) { return kNow + Seconds{static_cast<long long>(n) * 86400}; }

feeds::ParsedItem Item(int i, std::string_view base = "http://example.org/p/") {
  feeds::ParsedItem item;
  item.id = std::string(base) + std::to_string(i);
  item.link = "https://example.org/p/" + std::to_string(i);
  item.title = "Post number " + std::to_string(i);
  item.content = "<p>Body of post " + std::to_string(i) + "</p>";
  item.published = kNow - Seconds{3600LL * (i + 1)};
  return item;
}

feeds::ParsedFeed Doc(int count, std::string_view base = "http://example.org/p/") {
  feeds::ParsedFeed doc;
  doc.feed.title = "Example";
  doc.feed.link = "https://example.org/";
  for (int i = 0; i < count; ++i) doc.items.push_back(Item(i, base));
  return doc;
}

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(storage::SqliteStore::Open(":memory:")).value();
    feed_ = *store_->EnsureFeed("https://example.org/feed", "https://example.org/feed");
  }

  IngestReport Ingest(const feeds::ParsedFeed& doc, Timestamp now = kNow) {
    storage::FeedState state;
    state.last_success = now;
    auto report = IngestDocument(*store_, feed_, doc, state, policy_, now);
    EXPECT_TRUE(report) << (report ? "" : report.error().ToString());
    return report ? *report : IngestReport{};
  }

  std::vector<storage::ItemRecord> Stored() {
    storage::ItemQuery query;
    query.limit = 100000;
    return *store_->QueryItems(query);
  }

  std::unique_ptr<storage::SqliteStore> store_;
  storage::FeedId feed_ = 0;
  IngestPolicy policy_;
};

TEST_F(IngestTest, SecondIdenticalDocumentStoresNothing) {
  const IngestReport first = Ingest(Doc(20));
  EXPECT_EQ(first.inserted, 20);
  const IngestReport second = Ingest(Doc(20), kNow + Seconds{1800});
  EXPECT_EQ(second.inserted, 0);
  EXPECT_EQ(second.updated, 0);
  EXPECT_EQ(second.unchanged, 20);
  EXPECT_EQ(Stored().size(), 20u);
  EXPECT_EQ(store_->GetFeed(feed_)->title, "Example");
  EXPECT_EQ(store_->LoadFeedState(feed_)->last_success, kNow + Seconds{1800});
}

TEST_F(IngestTest, EditedItemIsUpdatedNotDuplicated) {
  Ingest(Doc(3));
  feeds::ParsedFeed edited = Doc(3);
  edited.items[1].title = "Post number 1 (corrected)";
  edited.items[1].published = kNow;  // a feed re-dating its edit must not move it
  const IngestReport report = Ingest(edited, kNow + Seconds{600});
  EXPECT_EQ(report.inserted, 0);
  EXPECT_EQ(report.updated, 1);
  EXPECT_EQ(report.unchanged, 2);
  const auto items = Stored();
  ASSERT_EQ(items.size(), 3u);
  const auto it = std::find_if(items.begin(), items.end(),
                               [](const auto& r) { return r.guid == "http://example.org/p/1"; });
  ASSERT_NE(it, items.end());
  EXPECT_EQ(it->title, "Post number 1 (corrected)");
  EXPECT_EQ(it->published, kNow - Seconds{7200});
  EXPECT_EQ(it->first_seen, kNow);
  EXPECT_EQ(it->updated, kNow + Seconds{600});
}

TEST_F(IngestTest, GuidChurnIsARekeyNotNewItems) {
  Ingest(Doc(20, "http://example.org/p/"));
  // Every GUID moves http -> https (hostile-inputs D3); links and titles stay.
  const IngestReport report = Ingest(Doc(20, "https://example.org/p/"));
  EXPECT_EQ(report.inserted, 0);
  EXPECT_EQ(report.rekeyed, 20);
  EXPECT_THAT(report.warnings.back(), HasSubstr("guid_churn"));
  const auto items = Stored();
  ASSERT_EQ(items.size(), 20u);
  for (const auto& r : items) EXPECT_EQ(r.item_key.rfind("https://example.org/p/", 0), 0u);
  // The mapping sticks: the next identical fetch is quiet.
  EXPECT_EQ(Ingest(Doc(20, "https://example.org/p/")).unchanged, 20);
}

TEST_F(IngestTest, SingleChangedGuidWithSameLinkAndTitleIsNotNew) {
  Ingest(Doc(5));
  feeds::ParsedFeed doc = Doc(5);
  doc.items[2].id = "http://example.org/p/2?utm_source=rss";
  const IngestReport report = Ingest(doc);
  EXPECT_EQ(report.inserted, 0);
  EXPECT_EQ(report.rekeyed, 1);
  EXPECT_EQ(Stored().size(), 5u);
}

TEST_F(IngestTest, HostMoveOfEveryGuidAndLinkDoesNotFlood) {
  Ingest(Doc(12));
  feeds::ParsedFeed moved = Doc(12, "https://blog.example.net/p/");
  for (auto& item : moved.items) item.link.replace(0, 19, "https://blog.example.net");
  const IngestReport report = Ingest(moved);
  EXPECT_EQ(report.inserted, 0);
  EXPECT_EQ(report.rekeyed, 12);
  EXPECT_EQ(Stored().size(), 12u);
}

TEST_F(IngestTest, DistinctItemsSharingAGuidAreAllKept) {
  feeds::ParsedFeed doc = Doc(10);
  for (auto& item : doc.items) item.id = "same-guid";
  const IngestReport first = Ingest(doc);
  EXPECT_EQ(first.inserted, 10);
  ASSERT_FALSE(first.warnings.empty());
  EXPECT_THAT(first.warnings[0], HasSubstr("duplicate_guid: 10 items share the key same-guid"));
  EXPECT_EQ(Ingest(doc).inserted, 0);
}

TEST_F(IngestTest, DistinctItemsSharingGuidAndLinkAreAllKept) {
  feeds::ParsedFeed doc = Doc(10);
  for (auto& item : doc.items) {
    item.id = "same-guid";
    item.link = "https://example.org/same";
  }
  EXPECT_EQ(Ingest(doc).inserted, 10);
  EXPECT_EQ(Ingest(doc).inserted, 0);
  EXPECT_EQ(Stored().size(), 10u);
}

TEST_F(IngestTest, IdenticalDuplicatesKeepOne) {
  feeds::ParsedFeed doc = Doc(1);
  doc.items.push_back(doc.items[0]);
  doc.items.push_back(doc.items[0]);
  const IngestReport report = Ingest(doc);
  EXPECT_EQ(report.inserted, 1);
  EXPECT_EQ(report.skipped, 2);
  EXPECT_EQ(Stored().size(), 1u);
}

TEST_F(IngestTest, StoredItemLaterDuplicatedIsRekeyedNotDoubled) {
  Ingest(Doc(1));
  feeds::ParsedFeed doc = Doc(1);
  feeds::ParsedItem twin = Item(7);
  twin.id = doc.items[0].id;  // a second item appears under the same GUID
  doc.items.push_back(twin);
  const IngestReport report = Ingest(doc);
  EXPECT_EQ(report.inserted, 1);
  EXPECT_EQ(report.rekeyed, 1);
  EXPECT_EQ(Stored().size(), 2u);
}

TEST_F(IngestTest, EmptyFeedThenFullAgainAddsNothing) {
  Ingest(Doc(20));
  EXPECT_EQ(Ingest(Doc(0), kNow + Seconds{60}).inserted, 0);
  EXPECT_EQ(Stored().size(), 20u);  // missing items are never deleted (D5)
  const IngestReport again = Ingest(Doc(20), kNow + Seconds{120});
  EXPECT_EQ(again.inserted, 0);
  EXPECT_EQ(again.unchanged, 20);
}

TEST_F(IngestTest, PurgedItemsStillServedDoNotComeBack) {
  policy_.keep_items = 5;
  const IngestReport first = Ingest(Doc(10));
  EXPECT_EQ(first.inserted, 10);
  EXPECT_EQ(first.purged, 5);
  EXPECT_EQ(Stored().size(), 5u);
  const IngestReport second = Ingest(Doc(10), kNow + Seconds{60});
  EXPECT_EQ(second.inserted, 0);
  EXPECT_EQ(second.skipped, 5);
  // An empty fetch in between does not forget the tombstones either.
  Ingest(Doc(0), Days(30));
  EXPECT_EQ(Ingest(Doc(10), Days(31)).inserted, 0);
  // Not served for longer than the grace period: the tombstones go (the
  // ones left are the five kept items, purged by age at day 200).
  Ingest(Doc(0), Days(200));
  auto tombstones = *store_->LoadTombstones(feed_);
  std::sort(tombstones.begin(), tombstones.end());
  EXPECT_EQ(tombstones,
            (std::vector<std::string>{"http://example.org/p/0", "http://example.org/p/1",
                                      "http://example.org/p/2", "http://example.org/p/3",
                                      "http://example.org/p/4"}));
}

TEST_F(IngestTest, RetentionDropsItemsFirstSeenLongAgo) {
  policy_.keep_age = Seconds{10LL * 86400};
  Ingest(Doc(3));
  feeds::ParsedFeed later = Doc(0);
  later.items.push_back(Item(50));
  const IngestReport report = Ingest(later, Days(11));
  EXPECT_EQ(report.inserted, 1);
  EXPECT_EQ(report.purged, 3);
  const auto items = Stored();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].title, "Post number 50");
}

TEST_F(IngestTest, ZeroRetentionLimitsMeanKeepEverything) {
  policy_.keep_items = 0;
  policy_.keep_age = Seconds{0};
  Ingest(Doc(3));
  const IngestReport report = Ingest(Doc(3), Days(400));
  EXPECT_EQ(report.purged, 0);
  EXPECT_EQ(Stored().size(), 3u);
}

TEST_F(IngestTest, SuspectDatesSortByFirstSeen) {
  feeds::ParsedFeed doc = Doc(5);
  doc.items[0].published = Timestamp{Seconds{7258118400}};    // 2200-01-01
  doc.items[1].published = Timestamp{Seconds{-62135596800}};  // 0001-01-01
  doc.items[2].published = Timestamp{Seconds{473385600}};     // 1985-01-01
  doc.items[3].published = kNow + Seconds{3600};              // an hour ahead: clamped to now
  doc.items[4].published.reset();
  Ingest(doc);
  for (const auto& r : Stored()) {
    SCOPED_TRACE(r.title);
    EXPECT_EQ(r.sort_time, kNow);
    EXPECT_EQ(r.first_seen, kNow);
  }
  EXPECT_EQ(SortTime(kNow - Seconds{60}, kNow, kNow), kNow - Seconds{60});
  EXPECT_EQ(SortTime(kNow + Seconds{49 * 3600}, kNow, kNow), kNow);
}

TEST_F(IngestTest, HugeFieldsAreCutAtUtf8BoundariesAndMarked) {
  feeds::ParsedFeed doc = Doc(1);
  doc.items[0].title = std::string(3000, 'a') + "\xC3\xA9";
  std::string content;
  while (content.size() < 2 * kMaxContentBytes) content += "\xE4\xB8\xAD";  // 中
  doc.items[0].content = content;
  const IngestReport report = Ingest(doc);
  EXPECT_EQ(report.warnings.size(), 2u);
  const auto items = Stored();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].title.size(), kMaxTitleBytes);
  EXPECT_TRUE(items[0].title.ends_with(kTruncationMark));
  EXPECT_LE(items[0].content.size(), kMaxContentBytes);
  EXPECT_TRUE(items[0].content.ends_with("\xE4\xB8\xAD" + std::string(kTruncationMark)));
  std::string cut =
      "a\xE4\xB8\xAD"
      "bc";  // a中bc: the cut lands inside 中
  EXPECT_TRUE(TruncateUtf8(cut, 5));
  EXPECT_EQ(cut, "a\xE2\x80\xA6");
  EXPECT_FALSE(TruncateUtf8(cut, 4));
}

TEST_F(IngestTest, OnlyTheFirstThousandItemsOfAHugeDocument) {
  const IngestReport report = Ingest(Doc(1200));
  EXPECT_EQ(report.inserted, 1000);
  EXPECT_THAT(report.warnings[0], HasSubstr("only the first 1000"));
}

TEST_F(IngestTest, KeysFallBackFromGuidToLinkToHash) {
  feeds::ParsedItem item = Item(1);
  item.id = "  Case-Kept-GUID \n";
  EXPECT_EQ(ItemKey(item), "Case-Kept-GUID");
  item.id = "   ";
  EXPECT_EQ(ItemKey(item), "https://example.org/p/1");
  item.link.clear();
  const std::string hashed = ItemKey(item);
  EXPECT_EQ(hashed.rfind("hash:", 0), 0u);
  item.title = "  Post   number 1 ";  // whitespace does not change identity
  EXPECT_EQ(ItemKey(item), hashed);
  item.content = "<p>other</p>";
  EXPECT_NE(ItemKey(item), hashed);
}

TEST_F(IngestTest, FillsAuthorCanonicalUrlAndFingerprint) {
  policy_.default_author = "Example Org";
  feeds::ParsedFeed doc = Doc(1);
  doc.items[0].link = "https://Example.org/p/1?utm_source=rss#top";
  doc.items[0].content =
      "<p>A long enough body of text so that the similarity fingerprint has more than "
      "enough shingles to be computed for this item.</p>";
  Ingest(doc);
  const auto items = Stored();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].author, "Example Org");
  EXPECT_EQ(items[0].canonical_url, "https://example.org/p/1");
  EXPECT_NE(items[0].simhash, 0u);
  EXPECT_EQ(items[0].content_hash.size(), 32u);
}

// The poller prepares records on the parse pool and skips fingerprinting
// items whose content it stored last time; whatever is written still gets
// its fingerprint, and a redone batch can store the same preparation again.
TEST_F(IngestTest, PreparedRecordsAreFingerprintedWhenWrittenAndSurviveARedo) {
  feeds::ParsedFeed doc = Doc(4);
  for (auto& item : doc.items) {
    item.content = "<p>" + item.title +
                   " tells a long enough story, with many words of its own, for a "
                   "near-duplicate fingerprint to be more than zero.</p>";
  }
  PreparedDocument cold = PrepareDocument(doc, policy_, kNow, nullptr);
  EXPECT_TRUE(cold.unfingerprinted.empty());
  ContentHashSet known = ContentHashesOf(cold);
  EXPECT_EQ(known.size(), 4u);
  EXPECT_TRUE(std::is_sorted(known.begin(), known.end()));

  // Known content (as after a restart that kept the hashes, or items the
  // retention purged): not fingerprinted while preparing...
  PreparedDocument warm = PrepareDocument(doc, policy_, kNow, &known);
  EXPECT_EQ(warm.unfingerprinted.size(), 4u);
  for (const auto& r : warm.records) EXPECT_EQ(r.simhash, 0u);
  for (const auto& r : cold.records) EXPECT_NE(r.simhash, 0u);
  // ...but inserted here (the store is empty), so fingerprinted now, the
  // same as the cold preparation.
  storage::FeedState state;
  ASSERT_TRUE(store_->BeginBatch());
  ASSERT_TRUE(IngestPrepared(*store_, feed_, doc, warm, state, policy_, kNow));
  store_->RollbackBatch();  // the batch failed: redo with the same preparation
  EXPECT_TRUE(Stored().empty());
  auto report = IngestPrepared(*store_, feed_, doc, warm, state, policy_, kNow);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->inserted, 4);
  auto stored = Stored();
  ASSERT_EQ(stored.size(), 4u);
  for (const auto& r : stored) {
    auto same = std::find_if(cold.records.begin(), cold.records.end(),
                             [&r](const auto& c) { return c.item_key == r.item_key; });
    ASSERT_NE(same, cold.records.end());
    EXPECT_NE(r.simhash, 0u);
    EXPECT_EQ(r.simhash, same->simhash) << r.item_key;
  }
}

}  // namespace
}  // namespace tributary::daemon
