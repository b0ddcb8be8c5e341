// Small helpers of config.h that need no YAML: marks, names, and the
// duration and size spellings the config accepts.
#include "config/config.h"

#include <array>
#include <cctype>
#include <charconv>
#include <limits>

#include "common/text.h"

namespace tributary::config {

std::string SourceMark::ToString() const {
  if (line <= 0) return file;
  std::string text = file + ":" + std::to_string(line);
  if (column > 0) text += ":" + std::to_string(column);
  return text;
}

std::string FeedDisplayName(const FeedConfig& feed) {
  return feed.name.empty() ? feed.url : feed.name;
}

namespace {

constexpr std::int64_t kSecondMs = 1000;
constexpr std::int64_t kMinuteMs = 60 * kSecondMs;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;
constexpr std::int64_t kDayMs = 24 * kHourMs;
constexpr std::int64_t kWeekMs = 7 * kDayMs;
constexpr std::int64_t kKiB = 1024;
constexpr std::int64_t kKB = 1000;

struct Unit {
  std::string_view name;
  std::int64_t factor;
};

// Reads the leading digits of `text` into `value`; false if none or overflow.
bool TakeNumber(std::string_view& text, std::int64_t& value) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr == begin || value < 0) return false;
  text.remove_prefix(static_cast<std::size_t>(ptr - begin));
  return true;
}

// Reads the leading letters of `text`.
std::string_view TakeWord(std::string_view& text) {
  std::size_t n = 0;
  while (n < text.size() && std::isalpha(static_cast<unsigned char>(text[n])) != 0) ++n;
  std::string_view word = text.substr(0, n);
  text.remove_prefix(n);
  return word;
}

bool MultiplyAdd(std::int64_t value, std::int64_t factor, std::int64_t& total) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (value > kMax / factor) return false;
  if (total > kMax - value * factor) return false;
  total += value * factor;
  return true;
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  static constexpr std::array<Unit, 6> kUnits{{{"ms", 1},
                                               {"s", kSecondMs},
                                               {"m", kMinuteMs},
                                               {"h", kHourMs},
                                               {"d", kDayMs},
                                               {"w", kWeekMs}}};
  text = Trim(text, kCWhitespace);
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::int64_t value = 0;
  if (!TakeNumber(text, value)) return std::nullopt;
  if (text.empty()) {  // plain seconds
    if (!MultiplyAdd(value, kSecondMs, total)) return std::nullopt;
    return std::chrono::milliseconds{total};
  }
  // One or more <number><unit> parts, largest unit first is not enforced.
  while (true) {
    std::string_view word = TakeWord(text);
    const Unit* unit = nullptr;
    for (const Unit& candidate : kUnits) {
      if (candidate.name == word) unit = &candidate;
    }
    if (unit == nullptr || !MultiplyAdd(value, unit->factor, total)) return std::nullopt;
    if (text.empty()) break;
    if (!TakeNumber(text, value)) return std::nullopt;
  }
  return std::chrono::milliseconds{total};
}

std::optional<std::int64_t> ParseByteSize(std::string_view text) {
  static constexpr std::array<Unit, 9> kUnits{{{"", 1},
                                               {"B", 1},
                                               {"KiB", kKiB},
                                               {"MiB", kKiB * kKiB},
                                               {"GiB", kKiB * kKiB * kKiB},
                                               {"kB", kKB},
                                               {"KB", kKB},
                                               {"MB", kKB * kKB},
                                               {"GB", kKB * kKB * kKB}}};
  text = Trim(text, kCWhitespace);
  std::int64_t value = 0;
  if (!TakeNumber(text, value)) return std::nullopt;
  std::string_view unit_name = Trim(text, kCWhitespace);
  for (const Unit& unit : kUnits) {
    std::int64_t total = 0;
    if (unit.name == unit_name) {
      if (!MultiplyAdd(value, unit.factor, total)) return std::nullopt;
      return total;
    }
  }
  return std::nullopt;
}

std::string FormatDuration(std::chrono::milliseconds duration) {
  static constexpr std::array<Unit, 5> kUnits{
      {{"w", kWeekMs}, {"d", kDayMs}, {"h", kHourMs}, {"m", kMinuteMs}, {"s", kSecondMs}}};
  std::int64_t rest = duration.count();
  if (rest <= 0) return "0s";
  std::string text;
  for (const Unit& unit : kUnits) {
    if (rest >= unit.factor) {
      text += std::to_string(rest / unit.factor) + std::string(unit.name);
      rest %= unit.factor;
    }
  }
  if (rest > 0) text += std::to_string(rest) + "ms";
  return text;
}

}  // namespace tributary::config
