#include "daemon/polling/poller.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include "daemon/polling/feed_specs.h"
#include "storage/sqlite_store.h"

namespace tributary::daemon {
namespace {

const char kFeed[] = R"(<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<link>https://example.org/</link><ttl>120</ttl>
<item><title>One</title><link>https://example.org/1</link><guid>1</guid></item>
<item><title>Two</title><link>https://example.org/2</link><guid>2</guid></item>
</channel></rss>)";

// Canned responses by URL; completes each fetch on the io_context after
// `delay_polls` loop turns, and records peak concurrency per host.
class FakeFetcher final : public feeds::Fetcher {
 public:
  explicit FakeFetcher(asio::io_context& io) : io_(io) {}

  void Fetch(feeds::FetchRequest request, std::function<void(feeds::FetchResult)> done) override {
    requests.push_back(request);
    std::string host = HostKey(request.url);
    int now_active = ++active[host];
    peak[host] = std::max(peak[host], now_active);
    feeds::FetchResult result =
        responses.count(request.url) != 0 ? responses[request.url] : feeds::FetchResult{};
    if (result.status == feeds::FetchResult::Status::kFailed &&
        result.error == feeds::FetchError::kNone) {
      result.error = feeds::FetchError::kHttp4xx;
      result.error_message = "HTTP 404";
      result.http_status = 404;
    }
    Complete(host, std::move(result), std::move(done), delay_polls);
  }
  void CancelAll() override {}
  std::size_t InFlight() const override { return 0; }

  std::map<std::string, feeds::FetchResult> responses;
  std::vector<feeds::FetchRequest> requests;
  std::map<std::string, int> active;
  std::map<std::string, int> peak;
  int delay_polls = 3;

 private:
  void Complete(std::string host, feeds::FetchResult result,
                std::function<void(feeds::FetchResult)> done, int turns) {
    asio::post(io_,
               [this, host, result = std::move(result), done = std::move(done), turns]() mutable {
                 if (turns > 0) {
                   Complete(host, std::move(result), std::move(done), turns - 1);
                   return;
                 }
                 --active[host];
                 done(std::move(result));
               });
  }
  asio::io_context& io_;
};

feeds::FetchResult Ok(std::string body, std::string etag = "") {
  feeds::FetchResult result;
  result.status = feeds::FetchResult::Status::kOk;
  result.http_status = 200;
  result.body = std::move(body);
  result.etag = std::move(etag);
  return result;
}

class PollerTest : public ::testing::Test {
 protected:
  PollerTest() : clock_(FromUnix(1'780'000'000)), fetcher_(io_), pool_(1) {
    store_ = std::move(*storage::SqliteStore::Open(":memory:"));
  }
  ~PollerTest() override { pool_.join(); }

  FeedSpec Spec(const std::string& url) {
    FeedSpec spec;
    spec.id = *store_->EnsureFeed(url, url);
    spec.name = url;
    spec.config.url = url;
    spec.request.url = url;
    spec.poll.interval = Seconds{1800};
    return spec;
  }

  std::vector<FeedOutcome> Round(Poller& poller) {
    std::vector<FeedOutcome> outcomes;
    poller.RunRound({}, [&outcomes](std::vector<FeedOutcome> o) { outcomes = std::move(o); });
    io_.run();
    io_.restart();
    return outcomes;
  }

  asio::io_context io_;
  FakeClock clock_;
  FakeFetcher fetcher_;
  asio::thread_pool pool_;
  std::unique_ptr<storage::SqliteStore> store_;
};

TEST_F(PollerTest, StoresItemsThenSendsValidatorsBack) {
  Poller poller(io_, fetcher_, *store_, clock_, pool_, {});
  auto spec = Spec("https://a.example/feed");
  fetcher_.responses[spec.request.url] = Ok(kFeed, "\"v1\"");
  poller.SetFeeds({spec});
  auto outcomes = Round(poller);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(outcomes[0].ok);
  EXPECT_EQ(outcomes[0].inserted, 2);
  EXPECT_EQ(*store_->CountItems(spec.id), 2);

  auto state = *store_->LoadFeedState(spec.id);
  EXPECT_EQ(state.etag, "\"v1\"");
  ASSERT_TRUE(state.next_poll.has_value());
  // <ttl>120</ttl> (2 h) wins over the 30 min interval, +/-10% jitter.
  EXPECT_GE(*state.next_poll, clock_.Now() + Seconds{6480});

  feeds::FetchResult not_modified;
  not_modified.status = feeds::FetchResult::Status::kNotModified;
  not_modified.http_status = 304;
  fetcher_.responses[spec.request.url] = not_modified;
  outcomes = Round(poller);
  EXPECT_EQ(fetcher_.requests.back().etag, "\"v1\"");
  EXPECT_TRUE(outcomes[0].ok);
  EXPECT_EQ(outcomes[0].inserted, 0);
  EXPECT_EQ(*store_->CountItems(spec.id), 2);
}

TEST_F(PollerTest, FailuresBackOffAndTheFirstSuccessResets) {
  Poller poller(io_, fetcher_, *store_, clock_, pool_, {});
  auto spec = Spec("https://b.example/feed");
  poller.SetFeeds({spec});
  Round(poller);  // 404
  Round(poller);  // 404
  auto state = *store_->LoadFeedState(spec.id);
  EXPECT_EQ(state.error_count, 2);
  EXPECT_EQ(state.error_class, "http_4xx");
  EXPECT_GE(*state.next_poll, clock_.Now() + Seconds{3240});  // 2x interval - 10%

  fetcher_.responses[spec.request.url] = Ok("<html><body>not a feed</body></html>");
  auto outcomes = Round(poller);
  EXPECT_FALSE(outcomes[0].ok);
  EXPECT_EQ(outcomes[0].error_class, "not_a_feed");

  fetcher_.responses[spec.request.url] = Ok(kFeed);
  outcomes = Round(poller);
  EXPECT_TRUE(outcomes[0].ok);
  state = *store_->LoadFeedState(spec.id);
  EXPECT_EQ(state.error_count, 0);
  EXPECT_TRUE(state.error_class.empty());
}

TEST_F(PollerTest, GoneDisablesTheFeed) {
  Poller poller(io_, fetcher_, *store_, clock_, pool_, {});
  auto spec = Spec("https://c.example/feed");
  feeds::FetchResult gone;
  gone.http_status = 410;
  gone.error = feeds::FetchError::kHttp410;
  gone.error_message = "HTTP 410 Gone";
  fetcher_.responses[spec.request.url] = gone;
  poller.SetFeeds({spec});
  Round(poller);
  EXPECT_TRUE(store_->LoadFeedState(spec.id)->disabled);
}

TEST_F(PollerTest, RespectsThePerHostAndGlobalCaps) {
  Poller::Options options;
  options.max_per_host = 2;
  options.max_transfers = 3;
  options.host_spacing = std::chrono::milliseconds{0};
  Poller poller(io_, fetcher_, *store_, clock_, pool_, options);
  std::vector<FeedSpec> specs;
  for (int i = 0; i < 12; ++i) {
    auto spec = Spec("https://busy.example/feed" + std::to_string(i));
    fetcher_.responses[spec.request.url] = Ok(kFeed);
    specs.push_back(spec);
  }
  for (int i = 0; i < 6; ++i) {
    auto spec = Spec("https://other" + std::to_string(i) + ".example/feed");
    fetcher_.responses[spec.request.url] = Ok(kFeed);
    specs.push_back(spec);
  }
  poller.SetFeeds(specs);
  auto outcomes = Round(poller);
  EXPECT_EQ(outcomes.size(), 18u);
  EXPECT_EQ(fetcher_.peak["https://busy.example:443"], 2);
  int total_peak = 0;
  for (auto& [host, peak] : fetcher_.peak) total_peak = std::max(total_peak, peak);
  EXPECT_LE(total_peak, 2);
}

TEST_F(PollerTest, PermanentRedirectMovesTheFeedOnlyAfterTwoSightings) {
  Poller poller(io_, fetcher_, *store_, clock_, pool_, {});
  auto spec = Spec("https://old.example/feed");
  auto moved = Ok(kFeed);
  moved.permanent_redirect_url = "https://new.example/feed";
  fetcher_.responses[spec.request.url] = moved;
  fetcher_.responses["https://new.example/feed"] = Ok(kFeed);
  poller.SetFeeds({spec});
  Round(poller);
  EXPECT_EQ(store_->GetFeed(spec.id)->url, "https://old.example/feed");
  Round(poller);
  EXPECT_EQ(store_->GetFeed(spec.id)->url, "https://new.example/feed");
  Round(poller);
  EXPECT_EQ(fetcher_.requests.back().url, "https://new.example/feed");
}

// Documents that complete together are stored in one batch. A document
// that cannot be stored (the disk is full) must fail alone: SQLite then
// rolls back the whole batch, which is redone one document at a time.
TEST_F(PollerTest, OneDocumentThatCannotBeStoredDoesNotTakeItsBatchWithIt) {
  const auto dir =
      std::filesystem::path(::testing::TempDir()) / ("poller_batch_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  storage::SqliteOptions options;
  options.max_pages = 60;  // 480 KiB: room for small feeds, not for the big one
  auto store = std::move(*storage::SqliteStore::Open((dir / "db").string(), options));
  Poller poller(io_, fetcher_, *store, clock_, pool_, {});
  Metrics metrics;
  poller.SetMetrics(&metrics);
  std::vector<FeedSpec> specs;
  for (int i = 0; i < 6; ++i) {
    FeedSpec spec;
    spec.request.url = "https://h" + std::to_string(i) + ".example/feed";
    spec.id = *store->EnsureFeed(spec.request.url, spec.request.url);
    spec.name = spec.request.url;
    spec.poll.interval = Seconds{1800};
    specs.push_back(spec);
    fetcher_.responses[spec.request.url] = Ok(kFeed, "\"e\"");
  }
  std::string big = R"(<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>)";
  for (int i = 0; i < 200; ++i) {
    big += "<item><guid>b" + std::to_string(i) + "</guid><title>Big " + std::to_string(i) +
           "</title><description>" + std::string(4000, 'x') + "</description></item>";
  }
  big += "</channel></rss>";
  fetcher_.responses[specs[3].request.url] = Ok(big, "\"big\"");
  poller.SetFeeds(specs);
  auto outcomes = Round(poller);
  ASSERT_EQ(outcomes.size(), 6u);
  for (const FeedOutcome& outcome : outcomes) {
    if (outcome.id == specs[3].id) {
      EXPECT_FALSE(outcome.ok);
      EXPECT_EQ(outcome.error_class, "storage_error");
      EXPECT_EQ(*store->CountItems(outcome.id), 0);
      EXPECT_EQ(store->LoadFeedState(outcome.id)->etag, "");  // refetched in full next time
    } else {
      EXPECT_TRUE(outcome.ok) << outcome.name << ": " << outcome.error;
      EXPECT_EQ(*store->CountItems(outcome.id), 2) << outcome.name;
      EXPECT_EQ(store->LoadFeedState(outcome.id)->etag, "\"e\"");
    }
  }
  // The batch was stored twice (together, then one by one); its items count once.
  std::string text;
  metrics.AppendPrometheus({}, &text);
  EXPECT_NE(text.find("\ntributary_items_new_total 10\n"), std::string::npos) << text;
  std::filesystem::remove_all(dir);
}

TEST(HostKeyTest, CountsSchemeHostAndPort) {
  EXPECT_EQ(HostKey("https://Example.org/feed"), "https://example.org:443");
  EXPECT_EQ(HostKey("http://example.org:8080/a?b"), "http://example.org:8080");
  EXPECT_EQ(HostKey("file:///tmp/feed.xml"), "");
}

// The daemon publishes its outputs at once when the last feed that was
// never fetched has answered (issue 19); a restart with known feeds has no
// first round to wait for.
TEST_F(PollerTest, ReportsWhenEveryNewFeedHasAnsweredOnce) {
  Poller poller(io_, fetcher_, *store_, clock_, pool_, {});
  auto ok = Spec("https://a.example/feed");
  auto failing = Spec("https://b.example/feed");  // no response: 404
  fetcher_.responses[ok.request.url] = Ok(kFeed);
  int calls = 0;
  std::vector<std::size_t> unanswered_at_change;
  poller.OnAllAnswered([&calls] { ++calls; });
  poller.OnChange([&] { unanswered_at_change.push_back(poller.Unanswered()); });
  poller.SetFeeds({ok, failing});
  EXPECT_EQ(poller.Unanswered(), 2u);
  Round(poller);
  EXPECT_EQ(poller.Unanswered(), 0u);
  EXPECT_EQ(calls, 1);
  ASSERT_EQ(unanswered_at_change.size(), 1u);  // the failing feed may answer first
  EXPECT_LE(unanswered_at_change[0], 2u);

  Round(poller);  // answering again is no news
  EXPECT_EQ(calls, 1);

  Poller restarted(io_, fetcher_, *store_, clock_, pool_, {});
  restarted.SetFeeds({ok, failing});
  EXPECT_EQ(restarted.Unanswered(), 0u);
}

// Self-hosted sources (RSSHub, RSS-Bridge) serve hundreds of feeds from
// one host: the admin's own service is asked 8 at a time with no spacing,
// a public host keeps the polite defaults, and fetch.hosts overrides both.
TEST(HostBudgetTest, OwnServicesArePolledHarderThanPublicHosts) {
  config::FetchConfig fetch;  // defaults: 2 per host, 500 ms apart
  auto budget = [&fetch](const std::string& url) { return BudgetFor(fetch, *ParseUrlHost(url)); };
  HostBudget own = budget("http://127.0.0.1:1200/bilibili/user/dynamic/2267573");
  EXPECT_TRUE(own.own_service);
  EXPECT_EQ(own.max_per_host, kOwnServiceMaxPerHost);
  EXPECT_EQ(own.spacing, std::chrono::milliseconds{0});
  HostBudget docker = budget("http://rsshub:1200/zhihu/hot");
  EXPECT_TRUE(docker.own_service);
  HostBudget public_host = budget("https://feeds.example.com/rss");
  EXPECT_FALSE(public_host.own_service);
  EXPECT_EQ(public_host.max_per_host, 2);
  EXPECT_EQ(public_host.spacing, std::chrono::milliseconds{500});

  fetch.hosts.resize(2);
  fetch.hosts[0].host = "feeds.example.com";
  fetch.hosts[0].max_per_host = 6;
  fetch.hosts[1].host = "127.0.0.1:1200";
  fetch.hosts[1].host_spacing = std::chrono::milliseconds{100};
  EXPECT_EQ(budget("https://feeds.example.com/rss").max_per_host, 6);
  EXPECT_EQ(budget("https://feeds.example.com/rss").spacing, std::chrono::milliseconds{500});
  EXPECT_EQ(budget("http://127.0.0.1:1200/a").max_per_host, kOwnServiceMaxPerHost);
  EXPECT_EQ(budget("http://127.0.0.1:1200/a").spacing, std::chrono::milliseconds{100});
  EXPECT_EQ(budget("http://127.0.0.1:8080/a").spacing, std::chrono::milliseconds{0});
}

TEST_F(PollerTest, ThreeHundredFeedsOnOneOwnHostGoEightAtATime) {
  config::FetchConfig fetch;
  Poller poller(io_, fetcher_, *store_, clock_, pool_, {});  // Options: 2 per host
  std::vector<FeedSpec> specs;
  for (int i = 0; i < 300; ++i) {
    auto spec = Spec("http://127.0.0.1:1200/route/" + std::to_string(i));
    spec.host_budget = BudgetFor(fetch, *ParseUrlHost(spec.request.url));
    fetcher_.responses[spec.request.url] = Ok(kFeed);
    specs.push_back(spec);
  }
  poller.SetFeeds(specs);
  auto outcomes = Round(poller);
  EXPECT_EQ(outcomes.size(), 300u);
  EXPECT_EQ(fetcher_.peak["http://127.0.0.1:1200"], kOwnServiceMaxPerHost);
  auto hosts = poller.Hosts();
  ASSERT_EQ(hosts.size(), 1u);
  EXPECT_EQ(hosts[0].host, "http://127.0.0.1:1200");
  EXPECT_TRUE(hosts[0].own_service);
  EXPECT_EQ(hosts[0].max_per_host, kOwnServiceMaxPerHost);
  EXPECT_EQ(hosts[0].active, 0);
}

// 429 speaks for the server: the whole host's budget halves and it gets a
// spacing, not only the feed that was answered so.
TEST_F(PollerTest, TooManyRequestsSlowsTheWholeHostDown) {
  config::FetchConfig fetch;
  Poller poller(io_, fetcher_, *store_, clock_, pool_, {});
  auto limited = Spec("http://127.0.0.1:1200/limited");
  limited.host_budget = BudgetFor(fetch, *ParseUrlHost(limited.request.url));
  feeds::FetchResult too_many;
  too_many.http_status = 429;
  too_many.error = feeds::FetchError::kHttp429;
  too_many.error_message = "HTTP 429";
  fetcher_.responses[limited.request.url] = too_many;
  poller.SetFeeds({limited});
  Round(poller);
  auto hosts = poller.Hosts();
  ASSERT_EQ(hosts.size(), 1u);
  EXPECT_EQ(hosts[0].slowdown_level, 1);
  EXPECT_EQ(hosts[0].max_per_host, kOwnServiceMaxPerHost / 2);
  EXPECT_EQ(hosts[0].configured_max_per_host, kOwnServiceMaxPerHost);
  EXPECT_EQ(hosts[0].spacing, std::chrono::milliseconds{500});  // from none
  EXPECT_FALSE(hosts[0].blocked_until.has_value());             // no Retry-After given
}

TEST_F(PollerTest, HostEntriesSetTheRequestsOfTheirFeeds) {
  auto config = config::ParseConfig(
      "fetch:\n"
      "  user_agent: Global/1\n"
      "  hosts:\n"
      "    - host: rsshub.lan:1200\n"
      "      user_agent: Host/1\n"
      "      headers: {X-Access-Key: k, Accept: text/xml}\n"
      "      proxy: http://127.0.0.1:3128\n"
      "      timeout: 2m\n"
      "feeds:\n"
      "  - url: http://RSSHub.lan:1200/a\n"
      "    headers: {accept: application/rss+xml}\n"
      "  - url: http://rsshub.lan:1200/b\n"
      "    user_agent: Feed/1\n"
      "    proxy: socks5h://127.0.0.1:1080\n"
      "  - url: https://public.example/feed\n",
      "t.yaml", ".");
  ASSERT_TRUE(config) << config.error().ToString();
  auto specs = BuildFeedSpecs(*config, *store_);
  ASSERT_TRUE(specs) << specs.error().ToString();
  ASSERT_EQ(specs->size(), 3u);
  const feeds::FetchRequest& a = (*specs)[0].request;
  EXPECT_EQ(a.user_agent, "Host/1");
  EXPECT_EQ(a.proxy, "http://127.0.0.1:3128");
  EXPECT_EQ(a.limits.total_timeout, std::chrono::seconds{120});
  // The host's headers, less the one the feed sets itself (any case).
  std::vector<std::pair<std::string, std::string>> expected = {{"X-Access-Key", "k"},
                                                               {"accept", "application/rss+xml"}};
  EXPECT_EQ(a.headers, expected);
  EXPECT_EQ((*specs)[0].host_key, "http://rsshub.lan:1200");
  EXPECT_TRUE((*specs)[0].host_budget->own_service);
  const feeds::FetchRequest& b = (*specs)[1].request;
  EXPECT_EQ(b.user_agent, "Feed/1");
  EXPECT_EQ(b.proxy, "socks5h://127.0.0.1:1080");
  const feeds::FetchRequest& other = (*specs)[2].request;
  EXPECT_EQ(other.user_agent, "Global/1");
  EXPECT_TRUE(other.proxy.empty());
  EXPECT_TRUE(other.headers.empty());
  EXPECT_EQ(other.limits.total_timeout, std::chrono::seconds{60});
  EXPECT_FALSE((*specs)[2].host_budget->own_service);
}

}  // namespace
}  // namespace tributary::daemon
