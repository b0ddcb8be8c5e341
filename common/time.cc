#include "common/time.h"

#include <date/date.h>

#include <sstream>

namespace tributary {

std::string FormatRfc3339(Timestamp t) { return date::format("%Y-%m-%dT%H:%M:%SZ", t); }

std::string FormatRfc1123(Timestamp t) { return date::format("%a, %d %b %Y %H:%M:%S GMT", t); }

// date::parse trips g++ 12's -Wmaybe-uninitialized inside date.h itself
// (a false positive on its internal `long double S`).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
std::optional<Timestamp> ParseRfc3339(std::string_view text) {
  std::string s(text);
  // Accept "Z" or a numeric offset, with or without fractional seconds.
  for (const char* format : {"%Y-%m-%dT%H:%M:%S%Ez", "%Y-%m-%dT%H:%M:%SZ"}) {
    std::istringstream in(s);
    date::sys_time<std::chrono::milliseconds> parsed;
    in >> date::parse(format, parsed);
    if (!in.fail()) {
      return std::chrono::floor<Seconds>(parsed);
    }
  }
  return std::nullopt;
}
#pragma GCC diagnostic pop

}  // namespace tributary
