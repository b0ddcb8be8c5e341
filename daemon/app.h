// Daemon: owns the io_context and wires the parts together: the store, the
// fetcher, the poller, the output builder and the HTTP server. `tributary
// run` and `tributary poll` are its two modes. Signals: SIGTERM/SIGINT stop
// cleanly, SIGHUP reloads the configuration (a bad one is rejected whole).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "config/config.h"

namespace tributary::daemon {

struct RoundSummary {
  int feeds = 0;
  int failed = 0;
  int inserted = 0;
  int updated = 0;
};

class Daemon {
 public:
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Opens the database and builds the parts; `config_path` is re-read on
  // SIGHUP.
  static Result<std::unique_ptr<Daemon>> Create(config::Config config, std::string config_path,
                                                const Clock& clock);

  // Reads the whole database once (PRAGMA quick_check): the long-running
  // daemon checks at start; one-shot commands skip the cost.
  Result<void> CheckDatabase();
  // Runs until SIGTERM/SIGINT. Returns the process exit code.
  int Run();
  // Fetches the given feeds (all when empty) once, regenerates the outputs
  // and returns a summary.
  Result<RoundSummary> PollOnce(const std::vector<std::string>& only_feeds);

  struct Impl;

 private:
  explicit Daemon(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::daemon
