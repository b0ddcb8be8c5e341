// The status page served at "/status": every feed's health (last success,
// last error, HTTP status, next poll, items), failing feeds first and
// highlighted. A pure renderer; every field is escaped here, and credentials
// in feed URLs are masked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"

namespace tributary::output {

struct FeedHealth {
  std::string name;       // display name
  std::string url;        // the feed's URL (credentials are masked on the page)
  std::string site_link;  // the feed's site, may be empty
  std::optional<Timestamp> last_success;
  std::optional<Timestamp> last_attempt;
  // Empty when the last poll succeeded; otherwise the error class (e.g.
  // "timeout", "not_a_feed", "http_status") and its message.
  std::string error_class;
  std::string error_message;
  int consecutive_failures = 0;
  std::optional<int> http_status;  // of the last response, if any
  std::optional<Timestamp> next_poll;
  std::int64_t items = 0;     // stored items
  std::string fetching_node;  // cluster: the node fetching it right now
};

// One server the feeds live on, with the budget the poller gives it now.
struct HostHealth {
  std::string host;  // "https://rsshub.lan:443"
  int active = 0;    // transfers in flight
  int max_per_host = 0;
  int configured_max_per_host = 0;  // before slowing down
  std::int64_t spacing_ms = 0;
  bool own_service = false;
  int slowdown_level = 0;                  // halvings after 429/503
  std::optional<Timestamp> blocked_until;  // Retry-After
};

struct StatusPage {
  std::string title = "Tributary status";
  std::string version;               // e.g. "0.1.0", may be empty
  Timestamp generated{};             // now: ages ("3 h ago") are relative to it
  std::optional<Timestamp> started;  // daemon start, for the uptime line
  std::vector<FeedHealth> feeds;
  // Table rows at most: failing feeds first, then healthy ones; the counts
  // above the table still cover every feed (100,000 rows is no page).
  std::size_t max_rows = 1000;
  std::vector<HostHealth> hosts;  // slowed-down hosts first is the caller's choice
  std::string river_url = "/";    // empty: no link
  // Cluster: this node's name (empty when the store is not shared) and
  // whether it is the one writing the files.
  std::string node;
  bool writer = false;
};

// A complete HTML5 document (UTF-8). Feeds keep the caller's order, failing
// ones first.
std::string RenderStatusPage(const StatusPage& page);

}  // namespace tributary::output
