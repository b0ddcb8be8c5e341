#include "common/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

namespace tributary::log {
namespace {

spdlog::level::level_enum ToSpdlog(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

// True when stderr is connected to the journal: JOURNAL_STREAM holds
// "device:inode" of the stream systemd gave us (sd_journal_stream_fd(3)).
bool StderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  unsigned long long dev = 0;
  unsigned long long ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev &&
         static_cast<unsigned long long>(st.st_ino) == ino;
}

// spdlog custom flag would be heavier than needed: the journal understands
// "<N>" at the start of each line, so a per-level pattern does the job.
class JournalFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    int priority = 6;
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug:
        priority = 7;
        break;
      case spdlog::level::info:
        priority = 6;
        break;
      case spdlog::level::warn:
        priority = 4;
        break;
      case spdlog::level::err:
        priority = 3;
        break;
      case spdlog::level::critical:
        priority = 2;
        break;
      default:
        break;
    }
    dest.push_back('<');
    dest.push_back(static_cast<char>('0' + priority));
    dest.push_back('>');
    dest.append(msg.payload.begin(), msg.payload.end());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JournalFormatter>();
  }
};

}  // namespace

bool ParseLevel(std::string_view text, Level* level) {
  if (text == "debug") {
    *level = Level::kDebug;
  } else if (text == "info") {
    *level = Level::kInfo;
  } else if (text == "warn" || text == "warning") {
    *level = Level::kWarn;
  } else if (text == "error") {
    *level = Level::kError;
  } else {
    return false;
  }
  return true;
}

void Init(Level level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("tributary", sink);
  if (StderrIsJournal()) {
    logger->set_formatter(std::make_unique<JournalFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  }
  logger->set_level(ToSpdlog(level));
  logger->flush_on(spdlog::level::debug);
  spdlog::set_default_logger(logger);
}

void SetLevel(Level level) { spdlog::set_level(ToSpdlog(level)); }

std::string CensorUrl(std::string_view url) {
  std::string out(url);
  auto scheme_end = out.find("://");
  if (scheme_end == std::string::npos) return out;
  auto authority_start = scheme_end + 3;
  auto authority_end = out.find_first_of("/?#", authority_start);
  if (authority_end == std::string::npos) authority_end = out.size();
  auto at = out.rfind('@', authority_end);
  if (at == std::string::npos || at < authority_start) return out;
  out.replace(authority_start, at - authority_start, "***");
  return out;
}

namespace {

using OutageClock = std::chrono::steady_clock;
constexpr auto kOutageReminder = std::chrono::minutes(5);

struct Outage {
  std::mutex mutex;
  std::atomic<bool> active{false};  // read without the lock on every success
  OutageClock::time_point since;
  OutageClock::time_point reminded;
  long folded = 0;
};

Outage& DatabaseOutage() {
  static Outage outage;
  return outage;
}

}  // namespace

void DatabaseError(std::string_view where, const tributary::Error& error) {
  if (error.code != ErrorCode::kStorageBusy) {
    Error("{}: {}", where, error.ToString());
    return;
  }
  Outage& outage = DatabaseOutage();
  const auto now = OutageClock::now();
  std::lock_guard lock(outage.mutex);
  if (!outage.active.load()) {
    outage.active = true;
    outage.since = outage.reminded = now;
    outage.folded = 0;
    Error("{}: {} (until the database answers, failures for this reason are counted, not logged)",
          where, error.ToString());
    return;
  }
  ++outage.folded;
  if (now - outage.reminded >= kOutageReminder) {
    outage.reminded = now;
    Error("the database has not answered for {} s ({} failures since); the latest: {}: {}",
          std::chrono::duration_cast<std::chrono::seconds>(now - outage.since).count(),
          outage.folded, where, error.ToString());
  } else {
    Debug("{}: {}", where, error.ToString());
  }
}

bool DatabaseDown() { return DatabaseOutage().active.load(); }

void DatabaseAnswers() {
  Outage& outage = DatabaseOutage();
  if (!outage.active.load()) return;
  std::lock_guard lock(outage.mutex);
  if (!outage.active.load()) return;
  outage.active = false;
  Info("the database answers again after {} s; {} later failure(s) were not logged one by one",
       std::chrono::duration_cast<std::chrono::seconds>(OutageClock::now() - outage.since).count(),
       outage.folded);
}

}  // namespace tributary::log
