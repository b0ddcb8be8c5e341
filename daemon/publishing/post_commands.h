// PostWriteCommands: runs an output's `command` (hexo generate, rsync, a
// git push) after its files changed, without ever blocking the event loop.
// The command starts from an argv (no shell) through feeds::CommandRunner,
// which reads its output through a pipe and kills it, with its process
// group, at `command_timeout`. A command never runs twice at once: asked
// again while it runs, it runs once more after it ends, so the last change
// is always followed by a run. Not thread-safe: use it on the io_context's
// thread; results are logged there.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "common/asio.h"
#include "config/config.h"
#include "feeds/command_runner.h"

namespace tributary::daemon {

class PostWriteCommands {
 public:
  explicit PostWriteCommands(asio::io_context& io) : runner_(io) {}

  // `output` has written new files: run its command now, or after the run
  // in progress. Outputs without a command are ignored.
  void Request(const config::OutputConfig& output);
  // Commands running now.
  std::size_t Running() const { return runner_.InFlight(); }
  // Runs finished since start (succeeded or not).
  std::size_t Finished() const { return finished_; }

 private:
  struct Slot {
    std::vector<std::string> argv;
    Seconds timeout{0};
    bool running = false;
    bool again = false;
  };
  void Start(const std::string& key, Slot& slot);

  feeds::CommandRunner runner_;
  std::map<std::string, Slot> slots_;  // by the output's path or directory
  std::size_t finished_ = 0;
};

}  // namespace tributary::daemon
