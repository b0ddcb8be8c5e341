#include "feeds/http_headers.h"

#include <curl/curl.h>

#include <charconv>
#include <cstdint>
#include <string>

namespace tributary::feeds {
namespace {

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::optional<std::int64_t> ParseDigits(std::string_view text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

std::optional<Timestamp> ParseHttpDate(std::string_view text) {
  const std::string value(Trim(text));
  if (value.empty()) return std::nullopt;
  // libcurl's date parser handles all three HTTP-date forms (and more).
  const time_t parsed = curl_getdate(value.c_str(), nullptr);
  if (parsed == -1) return std::nullopt;
  return FromUnix(static_cast<long long>(parsed));
}

std::optional<Seconds> ParseRetryAfter(std::string_view value, Timestamp now) {
  const std::string_view trimmed = Trim(value);
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
    const std::string_view directive = Trim(cache_control.substr(0, comma));
    cache_control =
        comma == std::string_view::npos ? std::string_view{} : cache_control.substr(comma + 1);
    const auto equals = directive.find('=');
    const std::string_view name = Trim(directive.substr(0, equals));
    if (EqualsIgnoreCase(name, "no-cache") || EqualsIgnoreCase(name, "no-store")) {
      return Seconds{0};
    }
    if (EqualsIgnoreCase(name, "max-age") && equals != std::string_view::npos) {
      std::string_view number = Trim(directive.substr(equals + 1));
      if (number.size() >= 2 && number.front() == '"' && number.back() == '"') {
        number = number.substr(1, number.size() - 2);
      }
      if (const auto seconds = ParseDigits(number)) result = Seconds{*seconds};
    }
  }
  return result;
}

}  // namespace tributary::feeds
