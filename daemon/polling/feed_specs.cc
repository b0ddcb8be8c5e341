#include "daemon/polling/feed_specs.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/text.h"
#include "config/host_rules.h"
#include "daemon/polling/poller.h"
#include "feeds/address_policy.h"

namespace tributary::daemon {
namespace {

Result<std::string> ReadSecret(const config::FeedConfig& feed) {
  if (!feed.password_env.empty()) {
    const char* value = std::getenv(feed.password_env.c_str());
    if (value == nullptr) {
      return Error{ErrorCode::kConfig,
                   "environment variable " + feed.password_env + " (password_env) is not set",
                   config::FeedDisplayName(feed)};
    }
    return std::string(value);
  }
  if (!feed.password_file.empty()) {
    std::ifstream in(feed.password_file, std::ios::binary);
    if (!in) {
      return Error{ErrorCode::kConfig, "cannot read password_file " + feed.password_file,
                   config::FeedDisplayName(feed)};
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string secret = buffer.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    return secret;
  }
  return std::string();
}

// A host's own headers, then the feed's; the feed's win on a name both set.
std::vector<std::pair<std::string, std::string>> MergedHeaders(const config::HostOverride* rule,
                                                               const config::FeedConfig& feed) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (rule != nullptr) {
    for (const auto& header : rule->headers) {
      bool overridden = std::any_of(feed.headers.begin(), feed.headers.end(), [&](const auto& own) {
        return EqualsIgnoreCase(own.first, header.first);
      });
      if (!overridden) headers.emplace_back(header);
    }
  }
  for (const auto& [name, value] : feed.headers) headers.emplace_back(name, value);
  return headers;
}

}  // namespace

HostBudget BudgetFor(const config::FetchConfig& fetch, const UrlHost& host) {
  HostBudget budget;
  budget.own_service = feeds::IsOwnServiceHost(host.host, fetch.allow_private);
  budget.max_per_host = budget.own_service ? kOwnServiceMaxPerHost : fetch.max_per_host;
  budget.spacing = budget.own_service ? std::chrono::milliseconds{0} : fetch.host_spacing;
  if (const auto* rule = config::FindHostOverride(fetch.hosts, host.host, host.port)) {
    if (rule->max_per_host) budget.max_per_host = *rule->max_per_host;
    if (rule->host_spacing) budget.spacing = *rule->host_spacing;
  }
  return budget;
}

std::string DefaultUserAgent() {
  return std::string("Tributary/") + TRIBUTARY_VERSION + " (feed aggregator)";
}

namespace {
Result<std::vector<FeedSpec>> BuildFeedSpecsInBatch(const config::Config& config,
                                                    storage::Store& store) {
  std::vector<FeedSpec> specs;
  specs.reserve(config.feeds.size());
  for (const auto& feed : config.feeds) {
    auto id = store.EnsureFeed(feed.url, feed.url);
    if (!id) return id.error();
    auto secret = ReadSecret(feed);
    if (!secret) return secret.error();

    FeedSpec spec;
    std::optional<UrlHost> url_host = ParseUrlHost(feed.url);
    if (url_host) {
      spec.host_key = HostKey(feed.url);
      spec.host_budget = BudgetFor(config.fetch, *url_host);
    }
    spec.id = *id;
    spec.name = config::FeedDisplayName(feed);
    spec.config = feed;

    feeds::FetchRequest& request = spec.request;
    request.url = feed.url;
    // file: and exec: feeds are allowed only because the admin configured
    // them; a redirect can never lead there (the fetcher enforces that).
    request.allow_file = feed.url.rfind("file:", 0) == 0;
    request.allow_exec = feed.url.rfind("exec:", 0) == 0;
    request.allow_private_redirects = config.fetch.allow_private;
    request.limits.low_speed_bytes_per_second = config.fetch.low_speed_limit;
    request.limits.low_speed_window = config.fetch.low_speed_time;
    request.limits.max_body_bytes = config.fetch.max_body_bytes;
    const UrlHost* host = url_host ? &*url_host : nullptr;
    const config::HostOverride* rule =
        host ? config::FindHostOverride(config.fetch.hosts, host->host, host->port) : nullptr;
    request.limits.total_timeout = rule && rule->timeout ? *rule->timeout : config.fetch.timeout;
    request.limits.connect_timeout = config.fetch.connect_timeout;
    request.limits.max_redirects = config.fetch.max_redirects;
    request.user_agent = !feed.user_agent.empty()            ? feed.user_agent
                         : rule && !rule->user_agent.empty() ? rule->user_agent
                         : !config.fetch.user_agent.empty()  ? config.fetch.user_agent
                                                             : DefaultUserAgent();
    request.headers = MergedHeaders(rule, feed);
    request.ca_file = feed.ca_file;
    request.insecure_tls = feed.insecure_tls;
    request.proxy = !feed.proxy.empty() ? feed.proxy : rule ? rule->proxy : std::string();
    request.username = feed.username;
    request.password = *secret;
    request.cookie = feed.cookie;

    spec.poll.interval = feed.interval.value_or(config.fetch.interval);
    spec.poll.min_interval = config.fetch.min_interval;
    spec.poll.max_interval = config.fetch.max_interval;
    spec.poll.max_backoff = config.fetch.max_backoff;
    // An interval configured explicitly below the global floor is the
    // admin's decision (tests and local feeds use seconds).
    if (feed.interval && *feed.interval < spec.poll.min_interval) {
      spec.poll.min_interval = *feed.interval;
    }

    spec.ingest.keep_items = feed.keep_items.value_or(config.storage.keep_items);
    spec.ingest.keep_age = feed.keep_age.value_or(config.storage.keep_age);
    spec.ingest.extra_tracking_parameters = config.tracking_parameters;
    spec.ingest.default_author = feed.author;
    specs.push_back(std::move(spec));
  }
  return specs;
}
}  // namespace

Result<std::vector<FeedSpec>> BuildFeedSpecs(const config::Config& config, storage::Store& store) {
  // One batch: a config of 10,000 new feeds registers with one sync, not
  // 10,000, and a failure registers none of them.
  if (auto begun = store.BeginBatch(); !begun) return begun.error();
  auto specs = BuildFeedSpecsInBatch(config, store);
  if (!specs) {
    store.RollbackBatch();
    return specs;
  }
  if (auto committed = store.CommitBatch(); !committed) return committed.error();
  return specs;
}

Result<std::vector<storage::FeedId>> SelectFeeds(const std::vector<FeedSpec>& specs,
                                                 const std::vector<std::string>& names) {
  std::vector<storage::FeedId> ids;
  for (const auto& name : names) {
    bool found = false;
    for (const auto& spec : specs) {
      if (spec.name == name || spec.config.url == name || spec.config.name == name) {
        ids.push_back(spec.id);
        found = true;
      }
    }
    if (!found) {
      return Error{ErrorCode::kInvalidArgument,
                   "no configured feed is named '" + name + "' (use its name or URL)", ""};
    }
  }
  return ids;
}

}  // namespace tributary::daemon
