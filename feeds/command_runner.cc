#include "feeds/command_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/tokenizer.hpp>
#include <chrono>
#include <cstring>
#include <utility>

extern char** environ;  // NOLINT: POSIX declares it nowhere else

namespace tributary::feeds {
namespace {

constexpr std::string_view kExecPrefix = "exec:";
constexpr auto kReapPollInterval = std::chrono::milliseconds(5);

// Owns a posix_spawn attribute set and file actions for one launch.
class SpawnSetup {
 public:
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions_);
    posix_spawnattr_init(&attributes_);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attributes_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  // stdin from /dev/null, stdout into the pipe, stderr inherited (the
  // journal); own process group so a timeout kills grandchildren too;
  // default signal dispositions and an empty mask, whatever the daemon set.
  bool Prepare(int stdout_fd) {
    sigset_t empty;
    sigset_t all;
    sigemptyset(&empty);
    sigfillset(&all);
    return posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0) == 0 &&
           posix_spawn_file_actions_adddup2(&actions_, stdout_fd, 1) == 0 &&
           posix_spawnattr_setpgroup(&attributes_, 0) == 0 &&
           posix_spawnattr_setsigmask(&attributes_, &empty) == 0 &&
           posix_spawnattr_setsigdefault(&attributes_, &all) == 0 &&
           posix_spawnattr_setflags(&attributes_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                                      POSIX_SPAWN_SETSIGDEF) == 0;
  }
  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attributes() const { return &attributes_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attributes_;
};

}  // namespace

Result<std::vector<std::string>> ParseExecCommand(std::string_view url) {
  if (url.substr(0, kExecPrefix.size()) != kExecPrefix) {
    return Error{ErrorCode::kInvalidArgument, "not an exec: URL", std::string(url)};
  }
  const std::string command(url.substr(kExecPrefix.size()));
  std::vector<std::string> argv;
  try {
    using Separator = boost::escaped_list_separator<char>;
    const boost::tokenizer<Separator> words(command, Separator("\\", " \t", "\"'"));
    for (const std::string& word : words) {
      if (!word.empty()) argv.push_back(word);
    }
  } catch (const boost::escaped_list_error& e) {
    return Error{ErrorCode::kInvalidArgument,
                 std::string("malformed command line (") + e.what() + ")", std::string(url)};
  }
  if (argv.empty()) {
    return Error{ErrorCode::kInvalidArgument, "exec: names no command", std::string(url)};
  }
  return argv;
}

struct CommandRunner::Job {
  Job(asio::io_context& io, int fd) : output(io, fd), deadline(io), reaper(io) {}
  asio::posix::stream_descriptor output;
  asio::steady_timer deadline;
  asio::steady_timer reaper;
  pid_t pid = -1;
  bool finished = false;
  std::string url;
  std::string body;
  std::int64_t max_body = 0;
  std::array<char, 64 * 1024> buffer{};
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::function<void(FetchResult)> done;
};

CommandRunner::CommandRunner(asio::io_context& io) : io_(io) {}

CommandRunner::~CommandRunner() { CancelAll(); }

std::size_t CommandRunner::InFlight() const { return jobs_.size(); }

void CommandRunner::CancelAll() {
  auto jobs = jobs_;  // Finish() edits jobs_
  for (const auto& job : jobs) {
    FetchResult result = BaseResult(*job);
    result.error = FetchError::kCancelled;
    result.error_message = "the command was stopped (shutdown or reload)";
    Finish(job, std::move(result), /*kill=*/true);
  }
}

FetchResult CommandRunner::BaseResult(const Job& job) const {
  FetchResult result;
  result.status = FetchResult::Status::kFailed;
  result.effective_url = job.url;
  result.bytes_received = static_cast<std::int64_t>(job.body.size());
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - job.started);
  return result;
}

void CommandRunner::Run(std::vector<std::string> argv, const FetchLimits& limits, std::string url,
                        std::function<void(FetchResult)> done) {
  const auto fail = [&](std::string message) {
    FetchResult result;
    result.effective_url = url;
    result.error = FetchError::kExecFailed;
    result.error_message = std::move(message);
    asio::post(io_, [done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
  };
  std::array<int, 2> pipe_fds{};
  if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
    fail(std::string("cannot create a pipe: ") + std::strerror(errno));
    return;
  }
  SpawnSetup setup;
  std::vector<char*> arguments;
  for (std::string& word : argv) arguments.push_back(word.data());
  arguments.push_back(nullptr);
  pid_t pid = -1;
  const int error = setup.Prepare(pipe_fds[1])
                        ? posix_spawnp(&pid, arguments[0], setup.actions(), setup.attributes(),
                                       arguments.data(), environ)
                        : EINVAL;
  ::close(pipe_fds[1]);
  if (error != 0) {
    ::close(pipe_fds[0]);
    fail("cannot start '" + argv[0] + "': " + std::strerror(error) +
         "; check the command and its PATH");
    return;
  }
  auto job = std::make_shared<Job>(io_, pipe_fds[0]);
  job->pid = pid;
  job->url = std::move(url);
  job->max_body = limits.max_body_bytes;
  job->done = std::move(done);
  jobs_.push_back(job);
  job->deadline.expires_after(limits.total_timeout);
  job->deadline.async_wait([this, job](const boost::system::error_code& wait_error) {
    if (wait_error || job->finished) return;
    FetchResult result = BaseResult(*job);
    result.error = FetchError::kTimeout;
    result.error_message =
        "the command did not finish in time and was killed; make it faster "
        "or raise the feed's timeout";
    Finish(job, std::move(result), /*kill=*/true);
  });
  StartRead(job);
}

void CommandRunner::StartRead(const std::shared_ptr<Job>& job) {
  job->output.async_read_some(
      asio::buffer(job->buffer),
      [this, job](const boost::system::error_code& error, std::size_t bytes) {
        if (job->finished) return;
        job->body.append(job->buffer.data(), bytes);
        if (static_cast<std::int64_t>(job->body.size()) > job->max_body) {
          FetchResult result = BaseResult(*job);
          result.error = FetchError::kBodyTooLarge;
          result.error_message = "the command wrote more than " + std::to_string(job->max_body) +
                                 " bytes; it was killed";
          Finish(job, std::move(result), /*kill=*/true);
          return;
        }
        if (error) {  // end of output (or a broken pipe): collect the exit status
          WaitForExit(job);
          return;
        }
        StartRead(job);
      });
}

// The output is closed; the process may still be exiting. Polls waitpid
// without blocking the loop until it is done or the deadline kills it.
void CommandRunner::WaitForExit(const std::shared_ptr<Job>& job) {
  int status = 0;
  const pid_t reaped = ::waitpid(job->pid, &status, WNOHANG);
  if (reaped == 0) {
    job->reaper.expires_after(kReapPollInterval);
    job->reaper.async_wait([this, job](const boost::system::error_code& error) {
      if (!error && !job->finished) WaitForExit(job);
    });
    return;
  }
  job->pid = -1;  // reaped (or not our child any more: SIGCHLD ignored)
  FetchResult result = BaseResult(*job);
  if (reaped > 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    result.error = FetchError::kExecFailed;
    result.error_message = "the command exited with status " + std::to_string(WEXITSTATUS(status)) +
                           "; run it by hand to see why";
  } else if (reaped > 0 && WIFSIGNALED(status)) {
    result.error = FetchError::kExecFailed;
    result.error_message = "the command was killed by signal " + std::to_string(WTERMSIG(status));
  } else {
    result.status = FetchResult::Status::kOk;
    result.body = std::move(job->body);
    result.bytes_received = static_cast<std::int64_t>(result.body.size());
  }
  Finish(job, std::move(result), /*kill=*/false);
}

void CommandRunner::Finish(const std::shared_ptr<Job>& job, FetchResult result, bool kill) {
  job->finished = true;
  if (kill && job->pid > 0) {
    ::kill(-job->pid, SIGKILL);  // the whole group: grandchildren hold the pipe too
    int status = 0;
    ::waitpid(job->pid, &status, 0);  // brief: SIGKILL cannot be caught
    job->pid = -1;
  }
  boost::system::error_code ignored;  // closing our end of a pipe cannot fail usefully
  job->output.close(ignored);
  job->deadline.cancel();
  job->reaper.cancel();
  std::erase(jobs_, job);
  // Posted, so that done never runs inside Run() or CancelAll().
  asio::post(io_, [done = std::move(job->done), result = std::move(result)]() mutable {
    if (done) done(std::move(result));
  });
}

}  // namespace tributary::feeds
