// Publisher: regenerates every configured output from storage queries:
// merged feeds (Atom, RSS, JSON Feed) written to files and published on the
// HTTP server, Markdown posts for static blogs, and the river page. It
// selects, collapses cross-feed duplicates and maps records to the plain
// structs of output/; the renderers do the rest. Not thread-safe: call it on
// the io_context thread (it uses the store).
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/time.h"
#include "config/config.h"
#include "daemon/polling/metrics.h"
#include "daemon/polling/poller.h"
#include "output/entry.h"
#include "output/status_page.h"
#include "storage/store.h"

namespace tributary::daemon {

class HttpServer;

// How many of the configured feeds have answered since they were added.
struct PollProgress {
  std::size_t answered = 0;
  std::size_t total = 0;
};

class Publisher {
 public:
  Publisher(storage::Store& store, const Clock& clock);

  void Configure(const config::Config& config, const std::vector<FeedSpec>& feeds);

  // Regenerates everything; publishes to `server` when not null. Returns
  // how many outputs failed (each failure is logged with the output's
  // path; the previous file stays).
  int Regenerate(HttpServer* server);

  // Serves /metrics from `metrics` (not owned); `in_flight` reports the
  // poller's transfers in progress.
  void SetMetrics(Metrics* metrics, std::function<std::size_t()> in_flight) {
    metrics_ = metrics;
    in_flight_ = std::move(in_flight);
  }

  // The river says how far the first round has come while `progress`
  // reports feeds still unanswered.
  void SetPollProgress(std::function<PollProgress()> progress) { progress_ = std::move(progress); }
  // The /status page's host table: each host's budget as it stands.
  void SetHostHealth(std::function<std::vector<output::HostHealth>()> hosts) {
    hosts_ = std::move(hosts);
  }

  // The entries an output selects, newest first (also used by digests and
  // the river page).
  Result<std::vector<output::OutputEntry>> SelectEntries(const config::OutputConfig& output);

  // Digests: the items with ids in (after_id, up_to_id] (up_to_id 0: no
  // bound) of the feeds `categories`/`feeds` select that pass the keyword
  // filters, ascending by id, each with its store id. No collapsing: every
  // item is accounted for by the digest's exactly-once ledger.
  struct IdentifiedEntry {
    storage::ItemId id = 0;
    output::OutputEntry entry;
  };
  Result<std::vector<IdentifiedEntry>> SelectNewEntries(const std::vector<std::string>& categories,
                                                        const std::vector<std::string>& feeds,
                                                        const std::vector<std::string>& include,
                                                        const std::vector<std::string>& exclude,
                                                        storage::ItemId after_id,
                                                        storage::ItemId up_to_id);

 private:
  std::vector<storage::FeedId> FeedsFor(const std::vector<std::string>& categories,
                                        const std::vector<std::string>& feeds) const;
  output::SourceRef SourceFor(storage::FeedId id) const;
  output::OutputEntry ToEntry(const storage::ItemRecord& item) const;
  bool WriteFeedOutput(const config::OutputConfig& output, HttpServer* server);
  bool WriteMarkdownOutput(const config::OutputConfig& output);
  void RunCommand(const config::OutputConfig& output);
  // The river page (/), the status page (/status) and /healthz.
  void PublishPages(HttpServer* server);
  output::StatusPage BuildStatusPage();

  storage::Store& store_;
  const Clock& clock_;
  config::Config config_;
  std::vector<FeedSpec> feeds_;
  std::map<storage::FeedId, storage::FeedRow> rows_;
  Timestamp started_;
  bool routes_registered_ = false;
  Metrics* metrics_ = nullptr;
  std::function<std::size_t()> in_flight_;
  std::function<PollProgress()> progress_;
  std::function<std::vector<output::HostHealth>()> hosts_;
};

}  // namespace tributary::daemon
