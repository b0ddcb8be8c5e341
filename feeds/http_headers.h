// Parsing of the HTTP response headers the scheduler acts on: Retry-After,
// Cache-Control max-age and Expires. Pure functions of their text (and of
// `now`, passed in so tests need no real clock); thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "common/time.h"

namespace tributary::feeds {

// An HTTP-date in any of the three forms RFC 9110 allows (IMF-fixdate,
// RFC 850, asctime). nullopt when the text is not a date.
std::optional<Timestamp> ParseHttpDate(std::string_view text);

// Retry-After: delay-seconds or an HTTP-date. A date in the past gives 0 s.
// nullopt when absent or malformed.
std::optional<Seconds> ParseRetryAfter(std::string_view value, Timestamp now);

// max-age from Cache-Control ("public, max-age=600" -> 600 s). "no-cache"
// and "no-store" give 0 s (revalidate every time); nullopt when the header
// says nothing about freshness.
std::optional<Seconds> ParseMaxAge(std::string_view cache_control);

}  // namespace tributary::feeds
