#include "daemon/digests/mail_delivery.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>

#include "common/curl_url.h"
#include "common/host.h"

extern char** environ;

namespace tributary::daemon {
namespace {

constexpr int kExitTempFail = 75;  // sysexits.h EX_TEMPFAIL

Error Transient(std::string message, std::string context) {
  return Error{ErrorCode::kNetwork, std::move(message), std::move(context)};
}
Error Permanent(std::string message, std::string context) {
  return Error{ErrorCode::kInvalidArgument, std::move(message), std::move(context)};
}
Error IoError(const std::string& what, const std::string& path) {
  return Error{ErrorCode::kIo, what + ": " + std::strerror(errno), path};
}

// Maildir files and sendmail input use the local convention: LF endings.
std::string ToLf(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message[i] == '\r' && i + 1 < message.size() && message[i + 1] == '\n') continue;
    out += message[i];
  }
  return out;
}

bool WriteAll(int fd, std::string_view data, bool socket) {
  while (!data.empty()) {
    const ssize_t written = socket ? send(fd, data.data(), data.size(), MSG_NOSIGNAL)
                                   : write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

// ---- maildir ----

Result<void> MakeDirectory(const std::string& path) {
  if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) return IoError("cannot create", path);
  return Ok();
}

std::string UniqueName() {
  static std::atomic<unsigned long> counter{0};
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  std::string safe_host;
  for (char c : HostName()) safe_host += (c == '/' || c == ':') ? '_' : c;
  // Microseconds zero-padded, so names sort in delivery order (mail
  // readers and tests list new/ by name).
  std::string micros = std::to_string(now.tv_nsec / 1000);
  micros.insert(0, 6 - std::min<std::size_t>(micros.size(), 6), '0');
  return std::to_string(now.tv_sec) + ".M" + micros + "P" + std::to_string(getpid()) + "Q" +
         std::to_string(++counter) + "." + safe_host;
}

Result<void> DeliverMaildir(const std::string& dir, std::string_view message) {
  for (const std::string& path : {dir, dir + "/tmp", dir + "/new", dir + "/cur"}) {
    if (Result<void> made = MakeDirectory(path); !made) return made;
  }
  const std::string name = UniqueName();
  const std::string tmp_path = dir + "/tmp/" + name;
  const std::string new_path = dir + "/new/" + name;
  const int fd = open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create", tmp_path);
  const std::string content = ToLf(message);
  if (!WriteAll(fd, content, false) || fsync(fd) != 0) {
    Error error = IoError("cannot write", tmp_path);
    close(fd);
    unlink(tmp_path.c_str());
    return error;
  }
  if (close(fd) != 0) {
    Error error = IoError("cannot write", tmp_path);
    unlink(tmp_path.c_str());
    return error;
  }
  if (rename(tmp_path.c_str(), new_path.c_str()) != 0) {
    Error error = IoError("cannot move into new/", tmp_path);
    unlink(tmp_path.c_str());
    return error;
  }
  // Make the rename durable.
  const int dir_fd = open((dir + "/new").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    const int synced = fsync(dir_fd);
    close(dir_fd);
    if (synced != 0) return IoError("cannot sync", dir + "/new");
  }
  return Ok();
}

// ---- SMTP ----

struct UploadSource {
  std::string_view remaining;
};

size_t ReadMessage(char* buffer, size_t size, size_t count, void* user) {
  auto* source = static_cast<UploadSource*>(user);
  const std::size_t n = std::min(size * count, source->remaining.size());
  std::memcpy(buffer, source->remaining.data(), n);
  source->remaining.remove_prefix(n);
  return n;
}

Error ClassifyCurl(CURLcode code, long response, const char* detail, const std::string& where) {
  std::string message = "SMTP delivery failed: " + std::string(curl_easy_strerror(code));
  if (detail != nullptr && *detail != '\0') message += " (" + std::string(detail) + ")";
  if (response >= 400) message += " [server replied " + std::to_string(response) + "]";
  if (response >= 500) return Permanent(message, where);
  if (response >= 400) return Transient(message, where);
  switch (code) {
    case CURLE_LOGIN_DENIED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_PEER_FAILED_VERIFICATION:
      return Permanent(message, where);
    default:  // refused, dropped, timed out, garbled: try again later
      return Transient(message, where);
  }
}

Result<void> DeliverSmtp(const DeliveryTarget& target, const std::string& from,
                         const std::vector<std::string>& to, std::string_view message) {
  const std::string where = target.Describe();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Transient("curl_easy_init failed", where);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> recipients(nullptr,
                                                                         curl_slist_free_all);
  for (const std::string& address : to) {
    curl_slist* appended = curl_slist_append(recipients.get(), ("<" + address + ">").c_str());
    if (appended == nullptr) return Transient("out of memory", where);
    recipients.release();
    recipients.reset(appended);
  }
  UploadSource source{message};
  char error_buffer[CURL_ERROR_SIZE] = "";
  const std::string mail_from = "<" + from + ">";
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, target.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(handle, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, &ReadMessage);
  curl_easy_setopt(handle, CURLOPT_READDATA, &source);
  curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT,
                   static_cast<long>(target.connect_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT,
                   static_cast<long>(target.command_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT, static_cast<long>(target.total_timeout.count()));
  if (target.require_tls && target.url.starts_with("smtp://")) {
    curl_easy_setopt(handle, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  }
  if (!target.username.empty()) {
    curl_easy_setopt(handle, CURLOPT_USERNAME, target.username.c_str());
    curl_easy_setopt(handle, CURLOPT_PASSWORD, target.password.c_str());
  }
  const CURLcode code = curl_easy_perform(handle);
  if (code == CURLE_OK) return Ok();
  long response = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response);
  return ClassifyCurl(code, response, error_buffer, where);
}

// ---- sendmail ----

// Waits for `pid` at most `timeout`; kills it past that. False on timeout.
bool WaitWithTimeout(pid_t pid, int* status, Seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const pid_t done = waitpid(pid, status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) return true;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
      }
      return false;
    }
    usleep(10 * 1000);
  }
}

Result<void> DeliverSendmail(const std::string& program, const std::string& from,
                             const std::vector<std::string>& to, std::string_view message,
                             Seconds timeout) {
  const std::string where = "sendmail:" + program;
  // A socket rather than a pipe, so a sendmail that exits early gives EPIPE
  // (MSG_NOSIGNAL) instead of killing the daemon with SIGPIPE.
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return IoError("socketpair", where);
  }
  std::vector<std::string> args = {program, "-i", "-f", from, "--"};
  args.insert(args.end(), to.begin(), to.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDIN_FILENO);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawned != 0) {
    close(fds[0]);
    return Permanent(std::string("cannot run: ") + std::strerror(spawned), where);
  }
  // A sendmail that stops reading must not hang the delivery thread.
  const timeval send_timeout{static_cast<time_t>(timeout.count()), 0};
  setsockopt(fds[0], SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
  const bool written = WriteAll(fds[0], ToLf(message), true);
  const int write_errno = errno;
  close(fds[0]);
  int status = 0;
  if (!WaitWithTimeout(pid, &status, timeout)) {
    return Transient("timed out after " + std::to_string(timeout.count()) + " s, killed", where);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    if (!written) {
      return Transient(std::string("message not fully written: ") + std::strerror(write_errno),
                       where);
    }
    return Ok();
  }
  if (WIFEXITED(status)) {
    const int exit_code = WEXITSTATUS(status);
    const std::string text = "exited with status " + std::to_string(exit_code);
    return exit_code == kExitTempFail ? Transient(text, where) : Permanent(text, where);
  }
  return Transient("killed by signal " + std::to_string(WTERMSIG(status)), where);
}

// ---- parsing ----

Result<std::string> ReadPassword(const std::string& file, const std::string& env,
                                 const std::string& context) {
  if (!file.empty()) {
    std::ifstream in(file);
    std::string line;
    if (!in || !std::getline(in, line)) {
      return Error{ErrorCode::kConfig, "cannot read password_file " + file, context};
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  if (!env.empty()) {
    const char* value = std::getenv(env.c_str());
    if (value == nullptr) {
      return Error{ErrorCode::kConfig, "environment variable " + env + " is not set", context};
    }
    return std::string(value);
  }
  return Error{ErrorCode::kConfig,
               "the SMTP URL names a user but neither password_file nor password_env is set",
               context};
}

Result<DeliveryTarget> ParseSmtpUrl(std::string_view spec, const std::string& password_file,
                                    const std::string& password_env) {
  const std::string context = "delivery";
  DeliveryTarget target;
  target.kind = DeliveryTarget::Kind::kSmtp;
  const curl::Url url = curl::ParseUrl(std::string(spec));
  if (!url) return Error{ErrorCode::kConfig, "not a valid smtp:// or smtps:// URL", context};
  const auto get = [&](CURLUPart part) {
    return curl::Part(url.get(), part, CURLU_URLDECODE).value_or(std::string());
  };
  if (!get(CURLUPART_PASSWORD).empty()) {
    return Error{ErrorCode::kConfig,
                 "do not put the password in the URL; use password_file or password_env", context};
  }
  const std::string query = get(CURLUPART_QUERY);
  if (query == "starttls=no" || query == "tls=no") {
    target.require_tls = false;
  } else if (!query.empty()) {
    return Error{ErrorCode::kConfig, "unknown option \"" + query + "\" (only starttls=no)",
                 context};
  }
  const std::string path = get(CURLUPART_PATH);
  if (!path.empty() && path != "/") {
    return Error{ErrorCode::kConfig, "an SMTP URL has no path", context};
  }
  target.username = get(CURLUPART_USER);
  if (!target.username.empty()) {
    Result<std::string> password = ReadPassword(password_file, password_env, context);
    if (!password) return password.error();
    target.password = std::move(*password);
  }
  curl_url_set(url.get(), CURLUPART_USER, nullptr, 0);
  curl_url_set(url.get(), CURLUPART_QUERY, nullptr, 0);
  target.url = get(CURLUPART_URL);
  return target;
}

}  // namespace

std::string DeliveryTarget::Describe() const {
  switch (kind) {
    case Kind::kMaildir:
      return "maildir:" + path;
    case Kind::kSendmail:
      return "sendmail:" + path;
    case Kind::kSmtp:
    default:
      return url;  // stored without user or password
  }
}

Result<DeliveryTarget> ParseDeliveryTarget(std::string_view spec, const std::string& password_file,
                                           const std::string& password_env) {
  DeliveryTarget target;
  if (spec.starts_with("maildir:")) {
    target.kind = DeliveryTarget::Kind::kMaildir;
    target.path = std::string(spec.substr(8));
    if (target.path.empty()) return Error{ErrorCode::kConfig, "maildir: needs a path", "delivery"};
    return target;
  }
  if (spec.starts_with("sendmail:")) {
    target.kind = DeliveryTarget::Kind::kSendmail;
    target.path = std::string(spec.substr(9));
    if (!target.path.starts_with('/')) {
      return Error{ErrorCode::kConfig, "sendmail: needs an absolute program path", "delivery"};
    }
    return target;
  }
  if (spec.starts_with("smtp://") || spec.starts_with("smtps://")) {
    return ParseSmtpUrl(spec, password_file, password_env);
  }
  return Error{ErrorCode::kConfig,
               "unknown delivery (expected maildir:PATH, smtp://, smtps:// or sendmail:/path)",
               "delivery"};
}

Result<void> Deliver(const DeliveryTarget& target, const std::string& from,
                     const std::vector<std::string>& to, std::string_view message) {
  if (to.empty()) return Permanent("no recipients", target.Describe());
  switch (target.kind) {
    case DeliveryTarget::Kind::kMaildir:
      return DeliverMaildir(target.path, message);
    case DeliveryTarget::Kind::kSendmail:
      return DeliverSendmail(target.path, from, to, message, target.total_timeout);
    case DeliveryTarget::Kind::kSmtp:
    default:
      return DeliverSmtp(target, from, to, message);
  }
}

bool IsTransientDeliveryError(const Error& error) {
  return error.code == ErrorCode::kNetwork || error.code == ErrorCode::kIo;
}

}  // namespace tributary::daemon
