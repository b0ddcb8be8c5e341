// DigestService and SqliteDigestLedger on a real database file: every item
// goes into exactly one sent message, failures keep items queued, preview
// changes nothing. Delivery goes to a maildir (and to a refused loopback
// port for the failure case).
#include "daemon/digests/digests.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "common/time.h"
#include "daemon/digests/digest_runner.h"
#include "storage/sqlite_digest_ledger.h"
#include "storage/sqlite_store.h"

namespace tributary::daemon {
namespace {

namespace fs = std::filesystem;

class DigestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("tributary-digests-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_.storage.path = (dir_ / "t.db").string();
    config::FeedConfig feed;
    feed.url = "https://example.org/feed.xml";
    feed.name = "Example";
    feed.categories = {"新闻"};
    config_.feeds.push_back(feed);
    config::DigestConfig digest;
    digest.name = "daily";
    digest.from = "tributary@example.org";
    digest.to = {"reader@example.org"};
    digest.subject = "每日摘要 {{count}}";
    digest.delivery = "maildir:" + (dir_ / "mail").string();
    config_.digests.push_back(digest);
    auto store = storage::SqliteStore::Open(config_.storage.path);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    auto feed_id = store_->EnsureFeed(feed.url, feed.url);
    ASSERT_TRUE(feed_id);
    feed_ = *feed_id;
    clock_.Set(FromUnix(1'800'000'000));
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Insert(const std::vector<std::string>& keys) {
    storage::DocumentChanges changes;
    for (const std::string& key : keys) {
      storage::ItemRecord r;
      r.item_key = key;
      r.guid = key;
      r.title = "Item " + key;
      r.link = "https://example.org/" + key;
      r.summary = "<p>about " + key + "</p>";
      r.first_seen = clock_.Now();
      r.sort_time = clock_.Now();
      changes.inserts.push_back(r);
    }
    changes.seen_at = clock_.Now();
    ASSERT_TRUE(store_->CommitDocument(feed_, changes));
  }

  std::unique_ptr<DigestService> Service(const config::Config& config) {
    auto service = DigestService::Create(config, clock_);
    EXPECT_TRUE(service) << service.error().ToString();
    return service ? std::move(*service) : nullptr;
  }

  // The messages in the maildir, oldest first (by name: time-ordered).
  std::vector<std::string> Mail() {
    std::vector<std::string> messages;
    std::set<fs::path> names;
    if (!fs::exists(dir_ / "mail" / "new")) return messages;
    for (const auto& e : fs::directory_iterator(dir_ / "mail" / "new")) names.insert(e.path());
    for (const auto& name : names) {
      std::ifstream in(name, std::ios::binary);
      messages.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return messages;
  }

  static int Count(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
      ++n;
    }
    return n;
  }

  fs::path dir_;
  config::Config config_;
  std::unique_ptr<storage::SqliteStore> store_;
  storage::FeedId feed_ = 0;
  FakeClock clock_{FromUnix(1'800'000'000)};
};

TEST_F(DigestsTest, LedgerPlansRunAndCursorTogetherAndPersists) {
  auto ledger = storage::SqliteDigestLedger::Open(config_.storage.path);
  ASSERT_TRUE(ledger) << ledger.error().ToString();
  auto none = (*ledger)->LoadCursor("d");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  DigestRun run;
  run.digest = "d";
  run.slot = FromUnix(100);
  run.first_item_id = 5;
  run.last_item_id = 9;
  run.next_attempt = FromUnix(100);
  auto planned = (*ledger)->PlanRun(run);
  ASSERT_TRUE(planned);
  EXPECT_GT(planned->id, 0);
  planned->state = DigestRunState::kSending;
  planned->message_id = "<m@x>";
  planned->attempts = 1;
  ASSERT_TRUE((*ledger)->UpdateRun(*planned));
  ledger->reset();  // reopen: state is on disk

  auto again = storage::SqliteDigestLedger::Open(config_.storage.path);
  ASSERT_TRUE(again);
  auto cursor = (*again)->LoadCursor("d");
  ASSERT_TRUE(cursor && cursor->has_value());
  EXPECT_EQ((*cursor)->last_item_id, 9);
  EXPECT_EQ((*cursor)->last_slot, FromUnix(100));
  auto open = (*again)->LoadOpenRun("d");
  ASSERT_TRUE(open && open->has_value());
  EXPECT_EQ((*open)->state, DigestRunState::kSending);
  EXPECT_EQ((*open)->message_id, "<m@x>");
  EXPECT_EQ((*open)->first_item_id, 5);
  (*open)->state = DigestRunState::kSent;
  ASSERT_TRUE((*again)->UpdateRun(**open));
  auto closed = (*again)->LoadOpenRun("d");
  ASSERT_TRUE(closed);
  EXPECT_FALSE(closed->has_value());
  auto runs = (*again)->ListRuns("d");
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ(runs->front().attempts, 1);
  DigestRun missing;
  missing.id = 999;
  EXPECT_FALSE((*again)->UpdateRun(missing));
  EXPECT_FALSE(storage::SqliteDigestLedger::Open(":memory:"));
}

TEST_F(DigestsTest, EveryItemInExactlyOneMessage) {
  Insert({"old"});  // before the digest is first seen: not mailed
  auto service = Service(config_);
  ASSERT_TRUE(service);
  ASSERT_TRUE(service->RegisterAll());
  Insert({"a", "b", "c"});

  auto preview = service->Preview("daily", std::nullopt);
  ASSERT_TRUE(preview) << preview.error().ToString();
  EXPECT_NE(preview->find("multipart/alternative"), std::string::npos);
  EXPECT_EQ(Count(*preview, "https://example.org/b"), 2);  // text and HTML part
  EXPECT_TRUE(Mail().empty());                             // preview sends nothing

  auto sent = service->SendNow("daily");
  ASSERT_TRUE(sent) << sent.error().ToString();
  EXPECT_EQ(sent->sent, 1);
  auto mail = Mail();
  ASSERT_EQ(mail.size(), 1u);
  for (const char* key : {"a", "b", "c"}) {
    EXPECT_EQ(Count(mail[0], std::string("https://example.org/") + key), 2) << key;
  }
  EXPECT_EQ(Count(mail[0], "https://example.org/old"), 0);

  clock_.Advance(Seconds{10});
  auto nothing = service->SendNow("daily");
  ASSERT_TRUE(nothing);
  EXPECT_EQ(nothing->sent, 0);
  EXPECT_EQ(Mail().size(), 1u);

  Insert({"d"});
  clock_.Advance(Seconds{10});
  ASSERT_TRUE(service->SendNow("daily"));
  mail = Mail();
  ASSERT_EQ(mail.size(), 2u);
  EXPECT_EQ(Count(mail[1], "https://example.org/d"), 2);
  EXPECT_EQ(Count(mail[1], "https://example.org/a"), 0);

  // --since previews stored items regardless of the cursor.
  auto since = service->Preview("daily", FromUnix(0));
  ASSERT_TRUE(since);
  EXPECT_EQ(Count(*since, "https://example.org/a"), 2);
  EXPECT_FALSE(service->Preview("nope", std::nullopt));
}

TEST_F(DigestsTest, FailedDeliveryKeepsItemsQueuedForTheNextSend) {
  config::Config refused = config_;
  // Port 1 on loopback: nothing listens, the connection is refused.
  refused.digests[0].delivery = "smtp://127.0.0.1:1?starttls=no";
  {
    auto service = Service(refused);
    ASSERT_TRUE(service);
    ASSERT_TRUE(service->RegisterAll());
    Insert({"x", "y"});
    auto failed = service->SendNow("daily");
    ASSERT_TRUE(failed) << failed.error().ToString();
    EXPECT_EQ(failed->sent, 0);
    EXPECT_EQ(failed->still_queued, 1);
    EXPECT_FALSE(failed->last_error.empty());
  }
  Insert({"z"});
  clock_.Advance(Seconds{5});
  auto service = Service(config_);
  ASSERT_TRUE(service);
  auto sent = service->SendNow("daily");
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->still_queued, 0);
  // The queued run (x, y) and then the catch-up run (z): each item once.
  auto mail = Mail();
  ASSERT_EQ(sent->sent, 2);
  ASSERT_EQ(mail.size(), 2u);
  const std::string all = mail[0] + mail[1];
  for (const char* key : {"x", "y", "z"}) {
    EXPECT_EQ(Count(all, std::string("https://example.org/") + key), 2) << key;
  }
}

}  // namespace
}  // namespace tributary::daemon
