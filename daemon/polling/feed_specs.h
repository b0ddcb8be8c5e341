// Turns the configuration into what the running daemon needs: one FeedSpec
// per configured feed, registered in the store so it has a stable id.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/config.h"
#include "daemon/polling/ingest.h"
#include "daemon/polling/poll_policy.h"
#include "feeds/fetcher.h"
#include "storage/store.h"

namespace tributary::daemon {

// How hard one server may be asked: transfers at once and the pause
// between two starts. Halved and stretched while it answers 429/503.
struct HostBudget {
  int max_per_host = 2;
  std::chrono::milliseconds spacing{500};
  bool own_service = false;  // loopback, private or named so (IsOwnServiceHost)
};

// Everything the poller needs to know about one configured feed.
struct FeedSpec {
  storage::FeedId id = 0;
  std::string name;  // for logs: configured name, else URL
  config::FeedConfig config;
  feeds::FetchRequest request;  // url and options; validators are filled per fetch
  PollSettings poll;
  IngestPolicy ingest;
  // The unit of politeness ("https://host:443", HostKey; empty for file:
  // and exec:) and its budget; unset: the poller's Options. The poller
  // fills host_key from the URL when empty.
  std::string host_key;
  std::optional<HostBudget> host_budget;
};

struct UrlHost;

// Registers every feed of `config` in the store (EnsureFeed) and builds its
// spec. Fails only on a storage error or an unreadable password file.
Result<std::vector<FeedSpec>> BuildFeedSpecs(const config::Config& config, storage::Store& store);

// Transfers at once to the admin's own service (loopback, private or named
// so, see feeds::IsOwnServiceHost) unless fetch.hosts says otherwise: a
// self-hosted RSSHub serves hundreds of routes, and nobody else shares it.
inline constexpr int kOwnServiceMaxPerHost = 8;

// The budget of `host` (of a configured URL): own services get
// kOwnServiceMaxPerHost and no spacing, public hosts fetch.max_per_host and
// fetch.host_spacing; a fetch.hosts entry overrides either.
HostBudget BudgetFor(const config::FetchConfig& fetch, const UrlHost& host);

// The User-Agent sent when the config names none.
std::string DefaultUserAgent();

// Finds feeds by configured name or URL; the error names what matched nothing.
Result<std::vector<storage::FeedId>> SelectFeeds(const std::vector<FeedSpec>& specs,
                                                 const std::vector<std::string>& names);

}  // namespace tributary::daemon
