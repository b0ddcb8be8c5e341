// The liberal date parser for feed documents: RFC 822/1123 and the
// variants seen in the wild (two-digit years, no seconds, missing or wrong
// weekday, named and military zones, offsets with or without a colon, extra
// spaces and commas, month names in any case, asctime order), and RFC 3339
// / ISO 8601 (basic and extended forms, fractional seconds, no zone). A
// date without a zone is UTC. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "common/time.h"

namespace tributary::feeds {

// nullopt when `text` is not a date we can read, or names an impossible
// one (February 30, hour 25, year 0 or past 9999).
std::optional<Timestamp> ParseFeedDate(std::string_view text);

}  // namespace tributary::feeds
