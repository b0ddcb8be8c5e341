#include "feeds/http_headers.h"

#include <curl/curl.h>

#include <charconv>
#include <cstdint>
#include <string>

#include "common/text.h"

namespace tributary::feeds {
namespace {

std::optional<std::int64_t> ParseDigits(std::string_view text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

std::optional<Timestamp> ParseHttpDate(std::string_view text) {
  const std::string value(Trim(text, kHttpWhitespace));
  if (value.empty()) return std::nullopt;
  // libcurl's date parser handles all three HTTP-date forms (and more).
  const time_t parsed = curl_getdate(value.c_str(), nullptr);
  if (parsed == -1) return std::nullopt;
  return FromUnix(static_cast<long long>(parsed));
}

std::optional<Seconds> ParseRetryAfter(std::string_view value, Timestamp now) {
  const std::string_view trimmed = Trim(value, kHttpWhitespace);
  if (trimmed.empty()) return std::nullopt;
  if (trimmed.find_first_not_of("0123456789") == std::string_view::npos) {
    const auto seconds = ParseDigits(trimmed);
    if (!seconds) return std::nullopt;
    return Seconds{*seconds};
  }
  const auto date = ParseHttpDate(trimmed);
  if (!date) return std::nullopt;
  if (*date <= now) return Seconds{0};
  return *date - now;
}

std::optional<Seconds> ParseMaxAge(std::string_view cache_control) {
  std::optional<Seconds> result;
  while (!cache_control.empty()) {
    const auto comma = cache_control.find(',');
    const std::string_view directive = Trim(cache_control.substr(0, comma), kHttpWhitespace);
    cache_control =
        comma == std::string_view::npos ? std::string_view{} : cache_control.substr(comma + 1);
    const auto equals = directive.find('=');
    const std::string_view name = Trim(directive.substr(0, equals), kHttpWhitespace);
    if (EqualsIgnoreCase(name, "no-cache") || EqualsIgnoreCase(name, "no-store")) {
      return Seconds{0};
    }
    if (EqualsIgnoreCase(name, "max-age") && equals != std::string_view::npos) {
      std::string_view number = Trim(directive.substr(equals + 1), kHttpWhitespace);
      if (number.size() >= 2 && number.front() == '"' && number.back() == '"') {
        number = number.substr(1, number.size() - 2);
      }
      if (const auto seconds = ParseDigits(number)) result = Seconds{*seconds};
    }
  }
  return result;
}

}  // namespace tributary::feeds
