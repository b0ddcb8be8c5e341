// The publishing layer on a real SQLite store, without the daemon: which
// entries each output selects (folders, feed names, keywords, digests'
// id ranges), what the files hold, that Markdown posts are written once and
// never over a file we did not write, and that post-write commands run off
// the loop: Regenerate returns at once, a command never runs twice at once,
// and one asked for while it runs follows it.
#include "daemon/publishing/publisher.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "daemon/polling/feed_specs.h"
#include "storage/sqlite_store.h"

namespace tributary::daemon {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

class PublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("tributary-publisher-" + std::string(info->name()) + "-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_.server.enabled = false;
    AddFeed("https://news.example.org/feed.xml", "News", "新闻");
    AddFeed("https://tech.example.org/feed.xml", "Tech", "Tech");
    auto store = storage::SqliteStore::Open((dir_ / "t.db").string());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void AddFeed(const std::string& url, const std::string& name, const std::string& folder) {
    config::FeedConfig feed;
    feed.url = url;
    feed.name = name;
    feed.categories = {folder};
    config_.feeds.push_back(feed);
  }

  // Builds the specs (registering the feeds) and a publisher on them.
  std::unique_ptr<Publisher> Make() {
    auto specs = BuildFeedSpecs(config_, *store_);
    EXPECT_TRUE(specs) << specs.error().ToString();
    specs_ = *specs;
    auto publisher = std::make_unique<Publisher>(*store_, clock_, io_);
    publisher->Configure(config_, specs_);
    return publisher;
  }

  storage::FeedId IdOf(const std::string& name) const {
    for (const auto& spec : specs_) {
      if (spec.name == name) return spec.id;
    }
    return 0;
  }

  void Insert(const std::string& feed, const std::vector<std::string>& titles) {
    storage::DocumentChanges changes;
    for (const auto& title : titles) {
      storage::ItemRecord r;
      r.item_key = feed + "/" + title;
      r.guid = "https://" + feed + ".example.org/" + title;
      r.title = title;
      r.link = r.guid;
      r.summary = "<p>about " + title + "</p>";
      r.first_seen = clock_.Now();
      r.sort_time = clock_.Now();
      r.content_hash = title;
      changes.inserts.push_back(r);
      clock_.Advance(Seconds{1});
    }
    changes.seen_at = clock_.Now();
    ASSERT_TRUE(store_->CommitDocument(IdOf(feed), changes));
  }

  config::OutputConfig FeedOutput(const std::string& name) {
    config::OutputConfig output;
    output.type = "feed";
    output.format = "atom";
    output.path = (dir_ / name).string();
    return output;
  }

  // A command that records its start in `log`, waits until `gate` exists
  // (or `seconds` have passed), then records its end.
  std::vector<std::string> GatedCommand(const fs::path& log, const fs::path& gate,
                                        int seconds = 60) {
    const std::string l = "'" + log.string() + "'";
    return {"/bin/sh", "-c",
            "echo start >> " + l + "; i=0; while [ ! -e '" + gate.string() + "' ] && [ $i -lt " +
                std::to_string(seconds * 20) + " ]; do sleep 0.05; i=$((i+1)); done; echo end >> " +
                l};
  }

  fs::path dir_;
  config::Config config_;
  std::unique_ptr<storage::SqliteStore> store_;
  std::vector<FeedSpec> specs_;
  FakeClock clock_{FromUnix(1'800'000'000)};
  asio::io_context io_;
};

TEST_F(PublisherTest, EachOutputHoldsWhatItsFoldersAndKeywordsSelect) {
  auto news = FeedOutput("news.atom");
  news.categories = {"新闻"};
  auto filtered = FeedOutput("filtered.atom");
  filtered.include = {"RUST"};
  filtered.exclude = {"beta"};
  config_.outputs = {FeedOutput("all.atom"), news, filtered};
  auto publisher = Make();
  Insert("News", {"头条 one", "second story"});
  Insert("Tech", {"Rust 2.0", "Rust beta", "Go"});

  EXPECT_EQ(publisher->Regenerate(nullptr), 0);
  std::string all = Read(dir_ / "all.atom");
  EXPECT_EQ(Count(all, "<entry>"), 5);
  std::string only_news = Read(dir_ / "news.atom");
  EXPECT_EQ(Count(only_news, "<entry>"), 2);
  EXPECT_NE(only_news.find("头条 one"), std::string::npos);
  EXPECT_EQ(only_news.find("Rust"), std::string::npos);
  std::string rust = Read(dir_ / "filtered.atom");
  EXPECT_EQ(Count(rust, "<entry>"), 1);
  EXPECT_NE(rust.find("Rust 2.0"), std::string::npos);
}

// Self and site links come from server.public_url when set, so every node
// of a cluster renders the same bytes whatever its listen address.
TEST_F(PublisherTest, SelfLinkIsBuiltOnThePublicUrl) {
  auto output = FeedOutput("all.atom");
  output.url_path = "/all.atom";
  config_.outputs = {output};
  config_.server.enabled = true;
  config_.server.listen = "127.0.0.1:18080";
  config_.server.public_url = "https://feeds.example.org";
  auto publisher = Make();
  Insert("News", {"one"});
  ASSERT_EQ(publisher->Regenerate(nullptr), 0);
  std::string body = Read(dir_ / "all.atom");
  EXPECT_NE(body.find(R"(href="https://feeds.example.org/all.atom")"), std::string::npos) << body;
  EXPECT_EQ(body.find("127.0.0.1:18080"), std::string::npos) << body;
}

TEST_F(PublisherTest, DigestSelectionIsAnIdRangeInIdOrderWithoutCollapsing) {
  Make();
  Insert("News", {"a", "b", "c"});
  Insert("Tech", {"d"});
  EntrySelector selector(*store_, clock_);
  selector.Configure(specs_);
  auto all = selector.SelectNew({});
  ASSERT_TRUE(all) << all.error().ToString();
  ASSERT_EQ(all->size(), 4u);
  for (std::size_t i = 1; i < all->size(); ++i) EXPECT_LT((*all)[i - 1].id, (*all)[i].id);

  auto middle = selector.SelectNew({{}, {}, {}, {}, (*all)[0].id, (*all)[2].id});
  ASSERT_TRUE(middle);
  ASSERT_EQ(middle->size(), 2u);
  EXPECT_EQ((*middle)[0].entry.title, "b");
  EXPECT_EQ((*middle)[1].entry.title, "c");
  EXPECT_EQ((*middle)[1].entry.sources.front().title, "News");

  auto tech = selector.SelectNew({{"Tech"}, {}, {}, {}, 0, 0});
  ASSERT_TRUE(tech);
  ASSERT_EQ(tech->size(), 1u);
  EXPECT_EQ(tech->front().entry.title, "d");
}

TEST_F(PublisherTest, MarkdownPostsAreWrittenOnceAndNeverOverAForeignFile) {
  config::OutputConfig posts;
  posts.type = "markdown";
  posts.dir = (dir_ / "posts").string();
  config_.outputs = {posts};
  auto publisher = Make();
  Insert("News", {"first"});
  ASSERT_EQ(publisher->Regenerate(nullptr), 0);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir_ / "posts")) {
    if (e.path().extension() == ".md") files.push_back(e.path());
  }
  ASSERT_EQ(files.size(), 1u);
  const auto written = fs::last_write_time(files[0]);
  EXPECT_NE(Read(files[0]).find("first"), std::string::npos);

  Insert("News", {"second"});
  ASSERT_EQ(publisher->Regenerate(nullptr), 0);
  std::size_t posts_now = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "posts")) {
    if (e.path().extension() == ".md") ++posts_now;
  }
  EXPECT_EQ(posts_now, 2u);
  EXPECT_EQ(fs::last_write_time(files[0]), written);  // unchanged: not rewritten

  fs::path second;
  for (const auto& e : fs::directory_iterator(dir_ / "posts")) {
    if (e.path().extension() == ".md" && e.path() != files[0]) second = e.path();
  }
  fs::remove(second);
  // The manifest knows the name, so a deleted post is written again...
  ASSERT_EQ(publisher->Regenerate(nullptr), 0);
  EXPECT_NE(Read(second).find("second"), std::string::npos);
  // ...but a file the manifest never listed stays the owner's.
  fs::remove(dir_ / "posts" / ".tributary-posts.json");
  { std::ofstream(second) << "mine\n"; }
  ASSERT_EQ(publisher->Regenerate(nullptr), 0);
  EXPECT_EQ(Read(second), "mine\n");
}

TEST_F(PublisherTest, CommandRunsOffTheLoopAndNeverTwiceAtOnce) {
  const fs::path log = dir_ / "command.log";
  const fs::path gate = dir_ / "gate";
  auto output = FeedOutput("all.atom");
  output.command = GatedCommand(log, gate);
  config_.outputs = {output};
  auto publisher = Make();
  Insert("News", {"one"});

  // The command cannot end before the gate opens, and the gate opens only
  // after Regenerate returned: had Regenerate waited for it, this would hang.
  ASSERT_EQ(publisher->Regenerate(nullptr), 0);
  EXPECT_EQ(publisher->commands().Running(), 1u);

  // Two more changes while it runs: one more run follows, not two at once.
  Insert("News", {"two"});
  ASSERT_EQ(publisher->Regenerate(nullptr), 0);
  Insert("News", {"three"});
  ASSERT_EQ(publisher->Regenerate(nullptr), 0);
  EXPECT_EQ(publisher->commands().Running(), 1u);
  { std::ofstream(gate) << ""; }
  io_.run();
  EXPECT_EQ(publisher->commands().Finished(), 2u);
  EXPECT_EQ(Read(log), "start\nend\nstart\nend\n");

  // No change, no run.
  ASSERT_EQ(publisher->Regenerate(nullptr), 0);
  EXPECT_EQ(publisher->commands().Running(), 0u);
}

TEST_F(PublisherTest, CommandPastItsTimeoutIsKilled) {
  const fs::path log = dir_ / "command.log";
  auto output = FeedOutput("all.atom");
  output.command = GatedCommand(log, dir_ / "never");
  output.command_timeout = Seconds{1};
  config_.outputs = {output};
  auto publisher = Make();
  Insert("News", {"one"});
  ASSERT_EQ(publisher->Regenerate(nullptr), 0);
  io_.run();  // returns once the command is gone: killed at 1 s, not after 60
  EXPECT_EQ(publisher->commands().Finished(), 1u);
  EXPECT_EQ(Read(log), "start\n");  // killed before its end
}

}  // namespace
}  // namespace tributary::daemon
