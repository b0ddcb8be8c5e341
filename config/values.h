// Checks of single config values that need no YAML (time zones, schedules,
// listen addresses, CIDR ranges) and small text helpers, shared by the
// loader. Internal to the config module; pure functions.
#pragma once

#include <cstddef>
#include <filesystem>
#include <initializer_list>
#include <string>

namespace tributary::config {

// Levenshtein distance, for "did you mean" hints on misspelt keys.
std::size_t EditDistance(const std::string& a, const std::string& b);
bool IsOneOf(const std::string& value, std::initializer_list<const char*> choices);

// `path` made absolute against `base_dir` (the working directory when
// empty), lexically normalised.
std::filesystem::path Resolve(const std::string& base_dir, const std::string& path);

// An IANA zone the system tz database knows ("Asia/Shanghai").
bool IsKnownTimezone(const std::string& name);
// "host:port" or "[v6]:port", port 1..65535.
bool IsListenAddress(const std::string& listen);
// "HH:MM" (or "H:MM"), 00:00 to 23:59.
bool IsTimeOfDay(const std::string& text);
// The digest schedule forms daemon/digests/digest_schedule.cc runs: "daily HH:MM",
// "weekly <mon..sun or monday..sunday> HH:MM", "every <N>h|<N>m" between
// 5 minutes and 7 days.
bool IsSchedule(const std::string& schedule);
// "nas.local", "10.1.2.3", "::1", "192.168.0.0/16" or "fc00::/7".
bool IsHostOrCidr(const std::string& text);
// Letters, digits, '-' and '_' only; not empty.
bool IsPlainName(const std::string& name);

}  // namespace tributary::config
