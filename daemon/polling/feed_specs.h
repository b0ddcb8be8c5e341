// Turns the configuration into what the running daemon needs: one FeedSpec
// per configured feed, registered in the store so it has a stable id.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "config/config.h"
#include "daemon/polling/poller.h"
#include "storage/store.h"

namespace tributary::daemon {

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
