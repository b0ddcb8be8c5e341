#include "common/time.h"

// date::parse trips g++ 12's -Wmaybe-uninitialized inside date.h itself (a
// false positive on its internal `long double S`, reported at the point of
// instantiation, so it must be silenced for the whole file).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <date/date.h>

#include <sstream>

namespace tributary {

std::string FormatRfc3339(Timestamp t) { return date::format("%Y-%m-%dT%H:%M:%SZ", t); }

std::string FormatRfc1123(Timestamp t) { return date::format("%a, %d %b %Y %H:%M:%S GMT", t); }

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

}  // namespace tributary
