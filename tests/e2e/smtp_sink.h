// Test helper: runs tests/e2e/smtp_sink.py (a real aiosmtpd server on
// 127.0.0.1, ephemeral port) in a child process for the life of the object.
#pragma once

#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "common/source_dir.h"

extern char** environ;

namespace tributary::testing {

inline bool HaveAiosmtpd() {
  return std::system("/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1") == 0;
}

class SmtpSink {
 public:
  // mode: accept, refuse, tempfail, reject, reject-rcpt, drop (see the .py).
  SmtpSink(const std::string& directory, const std::string& mode, int count = 1)
      : directory_(directory) {
    int out[2];
    if (pipe(out) != 0) return;
    std::vector<std::string> args = {"/usr/bin/python3",
                                     TRIBUTARY_SOURCE_DIR "/tests/e2e/smtp_sink.py",
                                     "--dir",
                                     directory,
                                     "--mode",
                                     mode,
                                     "--count",
                                     std::to_string(count)};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = 0;
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    // Wait (at most 10 s) for "PORT n\n".
    std::string line;
    pollfd fd{out[0], POLLIN, 0};
    while (pid_ != 0 && line.find('\n') == std::string::npos && poll(&fd, 1, 10000) > 0) {
      char buffer[64];
      const ssize_t n = read(out[0], buffer, sizeof buffer);
      if (n <= 0) break;
      line.append(buffer, static_cast<std::size_t>(n));
    }
    close(out[0]);
    if (line.rfind("PORT ", 0) == 0) port_ = std::atoi(line.c_str() + 5);
  }
  ~SmtpSink() {
    if (pid_ != 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  std::string Url() const { return "smtp://127.0.0.1:" + std::to_string(port_) + "?starttls=no"; }

  // Stored messages (NNNN.eml), in arrival order.
  std::vector<std::string> Messages() const {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory_)) {
      if (entry.path().extension() == ".eml") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

 private:
  std::string directory_;
  pid_t pid_ = 0;
  int port_ = 0;
};

}  // namespace tributary::testing
