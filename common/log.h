// A thin levelled logging facade over spdlog, writing to stderr for the
// journal. Log where decisions are made (scheduler, ingest); parsers and
// renderers return warnings instead of logging.
#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

#include "common/error.h"

namespace tributary::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Parses "debug", "info", "warn"/"warning", "error"; nullopt-like false on junk.
bool ParseLevel(std::string_view text, Level* level);

// Sets up the process-wide logger on stderr. When stderr is the journal
// (JOURNAL_STREAM matches stderr) lines carry sd-daemon "<N>" priority
// prefixes instead of timestamps.
void Init(Level level);
void SetLevel(Level level);

// Removes user:password@ from a URL before it is logged.
std::string CensorUrl(std::string_view url);

template <typename... Args>
void Debug(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  spdlog::debug(fmt, std::forward<Args>(args)...);
}
template <typename... Args>
void Info(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  spdlog::info(fmt, std::forward<Args>(args)...);
}
template <typename... Args>
void Warn(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  spdlog::warn(fmt, std::forward<Args>(args)...);
}
template <typename... Args>
void Error(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  spdlog::error(fmt, std::forward<Args>(args)...);
}

// A database error, logged by whoever met it (`where`: "output all.atom",
// "feed 'x'"). While the database cannot be reached (kStorageBusy) every
// timer and feed fails for the same reason, so that class is logged once as
// an error when it starts, then counted and logged at debug level, with a
// reminder every 5 minutes, until DatabaseAnswers(). Other errors are
// logged each time. Thread-safe.
void DatabaseError(std::string_view where, const tributary::Error& error);
// The database answered again: ends an outage DatabaseError() started,
// logging how long it lasted and how many failures it folded.
void DatabaseAnswers();
// True between the first unreachable-database error and DatabaseAnswers().
bool DatabaseDown();

}  // namespace tributary::log
