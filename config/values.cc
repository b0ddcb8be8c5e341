#include "config/values.h"

#include <arpa/inet.h>
#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <sstream>
#include <vector>

#include "common/text.h"
#include "config/config.h"

namespace tributary::config {

namespace fs = std::filesystem;

std::size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool IsKnownTimezone(const std::string& name) {
  try {
    return date::locate_zone(name) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

bool IsOneOf(const std::string& value, std::initializer_list<const char*> choices) {
  return std::any_of(choices.begin(), choices.end(),
                     [&](const char* choice) { return value == choice; });
}

fs::path Resolve(const std::string& base_dir, const std::string& path) {
  fs::path resolved(path);
  if (resolved.is_relative()) {
    resolved = fs::path(base_dir.empty() ? fs::current_path() : fs::path(base_dir)) / resolved;
  }
  return fs::absolute(resolved).lexically_normal();
}

bool IsListenAddress(const std::string& listen) {
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  const std::string host = listen.substr(0, colon);
  if (host.front() == '[' ? (host.back() != ']' || host.size() < 3)
                          : host.find(':') != std::string::npos) {
    return false;  // IPv6 addresses need brackets
  }
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  const int number = std::stoi(port);
  return number >= 1 && number <= 65535;
}

// "HH:MM" (or "H:MM") with a real time of day.
bool IsTimeOfDay(const std::string& text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 2 || text.size() - colon != 3) {
    return false;
  }
  const std::string hour = text.substr(0, colon);
  const std::string minute = text.substr(colon + 1);
  auto digits = [](const std::string& part) {
    return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return digits(hour) && digits(minute) && std::stoi(hour) < 24 && std::stoi(minute) < 60;
}

// The forms daemon/digests/digest_schedule.cc runs: "daily HH:MM",
// "weekly <mon..sun or monday..sunday> HH:MM", "every <N>h|<N>m" between
// 5 minutes and 7 days.
bool IsSchedule(const std::string& schedule) {
  std::istringstream words(schedule);
  std::string kind, first, second, extra;
  words >> kind >> first >> second >> extra;
  if (!extra.empty()) return false;
  if (kind == "daily") return second.empty() && IsTimeOfDay(first);
  if (kind == "weekly") {
    const std::string day = ToLowerAscii(first);
    return IsOneOf(day.substr(0, 3), {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) &&
           (day.size() == 3 || IsOneOf(day, {"monday", "tuesday", "wednesday", "thursday", "friday",
                                             "saturday", "sunday"})) &&
           IsTimeOfDay(second);
  }
  if (kind == "every" && second.empty() && first.size() >= 2 &&
      (first.back() == 'h' || first.back() == 'm') &&
      std::all_of(first.begin(), first.end() - 1, [](char c) { return c >= '0' && c <= '9'; })) {
    std::optional<std::chrono::milliseconds> every = ParseDuration(first);
    return every && *every >= std::chrono::minutes{5} && *every <= std::chrono::hours{7 * 24};
  }
  return false;
}

// "nas.local", "10.1.2.3", "::1", "192.168.0.0/16" or "fc00::/7".
bool IsHostOrCidr(const std::string& text) {
  const std::size_t slash = text.find('/');
  const std::string host = text.substr(0, slash);
  in6_addr address6{};
  in_addr address4{};
  const bool is_v4 = inet_pton(AF_INET, host.c_str(), &address4) == 1;
  const bool is_v6 = inet_pton(AF_INET6, host.c_str(), &address6) == 1;
  if (slash != std::string::npos) {
    const std::string prefix = text.substr(slash + 1);
    if (prefix.empty() || prefix.size() > 3 ||
        !std::all_of(prefix.begin(), prefix.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
    const int bits = std::stoi(prefix);
    return (is_v4 && bits <= 32) || (is_v6 && bits <= 128);
  }
  if (is_v4 || is_v6) return true;
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
  });
}

bool IsPlainName(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
  });
}

}  // namespace tributary::config
