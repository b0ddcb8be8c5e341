// Publisher: regenerates every configured output from storage queries:
// merged feeds (Atom, RSS, JSON Feed) written to files and published on the
// HTTP server, Markdown posts for static blogs, and the river, status,
// /metrics and /healthz pages (pages.cc). EntrySelector chooses the
// entries, output/ renders them, PostWriteCommands runs the outputs'
// commands without blocking. Not thread-safe: call it on the io_context
// thread (it uses the store).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/asio.h"
#include "common/time.h"
#include "config/config.h"
#include "daemon/polling/feed_specs.h"
#include "daemon/polling/metrics.h"
#include "daemon/publishing/entry_selector.h"
#include "daemon/publishing/post_commands.h"
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
  // Post-write commands run on `io`.
  Publisher(storage::Store& store, const Clock& clock, asio::io_context& io);

  void Configure(const config::Config& config, const std::vector<FeedSpec>& feeds);

  // Regenerates everything; publishes to `server` when not null. Returns
  // how many outputs failed (each failure is logged with the output's
  // path; the previous file stays). Without `write_files` (a cluster node
  // that is not the writer) only `server` gets the outputs: no file, post
  // or post-write command.
  int Regenerate(HttpServer* server, bool write_files = true);

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

  // Cluster: /status names this node and says whether it is the writer.
  void SetClusterRole(std::string node, bool writer) {
    node_ = std::move(node);
    writer_ = writer;
  }

  const PostWriteCommands& commands() const { return commands_; }

 private:
  bool WriteFeedOutput(const config::OutputConfig& output, HttpServer* server, bool write_file);
  bool WriteMarkdownOutput(const config::OutputConfig& output);
  // pages.cc: the river page (/), the status page (/status), /metrics and
  // /healthz.
  void PublishPages(HttpServer* server);
  void RegisterRoutes(HttpServer* server);
  std::string RenderMetrics(HttpServer* server);
  output::StatusPage BuildStatusPage();

  storage::Store& store_;
  const Clock& clock_;
  EntrySelector selector_;
  PostWriteCommands commands_;
  config::Config config_;
  Timestamp started_;
  bool routes_registered_ = false;
  Metrics* metrics_ = nullptr;
  std::function<std::size_t()> in_flight_;
  std::function<PollProgress()> progress_;
  std::function<std::vector<output::HostHealth>()> hosts_;
  std::string node_;
  bool writer_ = false;
};

// The Content-Type of a merged feed in `format` ("atom", "rss", "json").
std::string FeedContentType(const std::string& format);

}  // namespace tributary::daemon
