// CommandRunner: fetches `exec:` feeds, whose body is what a local command
// writes to stdout (like newsboat's exec: and sfeed's fetch hooks). The
// command is started with posix_spawn from an argv array, never through a
// shell; its stdout is read through an Asio pipe, under the same body cap and
// total timeout as HTTP fetches. A command that runs too long is killed with
// its whole process group. Used by CurlFetcher for "exec:" URLs.
//
// Not thread-safe: use on the io_context's thread. `done` runs there, never
// from inside Run().
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/asio.h"
#include "common/result.h"
#include "feeds/fetcher.h"

namespace tributary::feeds {

// "exec:/usr/bin/tool --flag 'two words'" -> {"/usr/bin/tool", "--flag",
// "two words"}. Words split on spaces and tabs; a quote (' or ") starts or
// ends a group and the two kinds are interchangeable (Boost's
// escaped_list_separator), so write a literal quote as \" or \'. No
// variables, globbing or substitution: nothing a shell would expand.
Result<std::vector<std::string>> ParseExecCommand(std::string_view url);

class CommandRunner {
 public:
  explicit CommandRunner(asio::io_context& io);
  // Kills commands still running; their callbacks are posted as "cancelled".
  ~CommandRunner();
  CommandRunner(const CommandRunner&) = delete;
  CommandRunner& operator=(const CommandRunner&) = delete;

  // argv[0] without a '/' is looked up in PATH. Results: kOk with the
  // output; "timeout", "body_too_large", "exec_failed" (could not start, or
  // exited non-zero / by a signal), "cancelled".
  void Run(std::vector<std::string> argv, const FetchLimits& limits, std::string url,
           std::function<void(FetchResult)> done);
  void CancelAll();
  std::size_t InFlight() const;

 private:
  struct Job;
  void StartRead(const std::shared_ptr<Job>& job);
  void WaitForExit(const std::shared_ptr<Job>& job);
  void Finish(const std::shared_ptr<Job>& job, FetchResult result, bool kill);
  FetchResult BaseResult(const Job& job) const;

  asio::io_context& io_;
  std::vector<std::shared_ptr<Job>> jobs_;
};

}  // namespace tributary::feeds
