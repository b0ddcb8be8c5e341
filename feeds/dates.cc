#include "feeds/dates.h"

#include <array>
#include <chrono>
#include <cstdint>

#include "common/text.h"

namespace tributary::feeds {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

// The parts of a date as read, before validation.
struct DateParts {
  int year = -1;
  int month = -1;
  int day = -1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int offset_minutes = 0;  // east of UTC
  bool year_two_digits = false;
};

// Reads exactly `count` digits at text[*pos]; advances on success.
bool ReadDigits(std::string_view text, std::size_t* pos, std::size_t count, int* value) {
  if (*pos + count > text.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < count; ++i) {
    char c = text[*pos + i];
    if (!IsAsciiDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *value = v;
  *pos += count;
  return true;
}

std::optional<Timestamp> Build(const DateParts& p) {
  int year = p.year;
  if (p.year_two_digits) year += year < 50 ? 2000 : 1900;
  if (year < 1 || year > 9999 || p.month < 1 || p.month > 12 || p.day < 1) return std::nullopt;
  if (p.hour < 0 || p.hour > 23 || p.minute < 0 || p.minute > 59 || p.second < 0 || p.second > 60) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year{year},
                                  std::chrono::month{static_cast<unsigned>(p.month)},
                                  std::chrono::day{static_cast<unsigned>(p.day)}};
  if (!ymd.ok()) return std::nullopt;
  // A leap second is read as the last second of its minute.
  int second = p.second == 60 ? 59 : p.second;
  return Timestamp{std::chrono::sys_days{ymd}} + hours{p.hour} + minutes{p.minute} +
         Seconds{second} - minutes{p.offset_minutes};
}

// "Z", "+08:00", "+0800", "+08", "-05", also " UTC"/" GMT". Empty = UTC.
bool ParseIsoZone(std::string_view text, std::size_t pos, int* offset_minutes) {
  while (pos < text.size() && text[pos] == ' ') ++pos;
  std::string_view rest = text.substr(pos);
  if (rest.empty() || rest == "Z" || rest == "z" || EqualsIgnoreCase(rest, "utc") ||
      EqualsIgnoreCase(rest, "gmt") || EqualsIgnoreCase(rest, "ut")) {
    *offset_minutes = 0;
    return true;
  }
  if (rest[0] != '+' && rest[0] != '-') return false;
  int sign = rest[0] == '-' ? -1 : 1;
  std::size_t i = 1;
  int h = 0;
  int m = 0;
  if (!ReadDigits(rest, &i, 2, &h)) return false;
  if (i < rest.size() && rest[i] == ':') ++i;
  if (i < rest.size() && !ReadDigits(rest, &i, 2, &m)) return false;
  if (i != rest.size() || h > 23 || m > 59) return false;
  *offset_minutes = sign * (h * 60 + m);
  return true;
}

// RFC 3339 and ISO 8601: 2022-05-09T02:48:24.123+08:00, 20220509T024824Z,
// "2022-05-09 02:48:24", "2022-05-09".
std::optional<Timestamp> ParseIso(std::string_view text) {
  DateParts p;
  std::size_t pos = 0;
  if (!ReadDigits(text, &pos, 4, &p.year)) return std::nullopt;
  bool extended = pos < text.size() && text[pos] == '-';
  if (extended) ++pos;
  if (!ReadDigits(text, &pos, 2, &p.month)) return std::nullopt;
  if (extended && (pos >= text.size() || text[pos] != '-')) return std::nullopt;
  if (extended) ++pos;
  if (!ReadDigits(text, &pos, 2, &p.day)) return std::nullopt;
  if (pos == text.size()) return Build(p);
  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
  ++pos;
  while (pos < text.size() && text[pos] == ' ') ++pos;
  if (!ReadDigits(text, &pos, 2, &p.hour)) return std::nullopt;
  bool colon = pos < text.size() && text[pos] == ':';
  if (colon) ++pos;
  if (!ReadDigits(text, &pos, 2, &p.minute)) return std::nullopt;
  if (pos < text.size() && (colon ? text[pos] == ':' : IsAsciiDigit(text[pos]))) {
    if (colon) ++pos;
    if (!ReadDigits(text, &pos, 2, &p.second)) return std::nullopt;
  }
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    std::size_t digits = 0;
    while (pos < text.size() && IsAsciiDigit(text[pos])) ++pos, ++digits;
    if (digits == 0) return std::nullopt;
  }
  if (!ParseIsoZone(text, pos, &p.offset_minutes)) return std::nullopt;
  return Build(p);
}

struct ZoneName {
  std::string_view name;
  int offset_minutes;
};

constexpr ZoneName kZones[] = {
    {"ut", 0},      {"utc", 0},     {"gmt", 0},    {"z", 0},      {"est", -300}, {"edt", -240},
    {"cst", -360},  {"cdt", -300},  {"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420},
    {"akst", -540}, {"akdt", -480}, {"hst", -600}, {"ast", -240}, {"adt", -180}, {"nst", -210},
    {"ndt", -150},  {"wet", 0},     {"west", 60},  {"bst", 60},   {"cet", 60},   {"cest", 120},
    {"met", 60},    {"mest", 120},  {"eet", 120},  {"eest", 180}, {"msk", 180},  {"jst", 540},
    {"kst", 540},   {"hkt", 480},   {"sgt", 480},  {"awst", 480}, {"acst", 570}, {"aest", 600},
    {"aedt", 660},  {"nzst", 720},  {"nzdt", 780},
};

constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 12> kMonthNames = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};
constexpr std::array<std::string_view, 7> kWeekdays = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

int MonthFromWord(std::string_view word) {
  for (std::size_t i = 0; i < 12; ++i) {
    if (EqualsIgnoreCase(word, kMonths[i]) || EqualsIgnoreCase(word, kMonthNames[i])) {
      return static_cast<int>(i) + 1;
    }
  }
  if (EqualsIgnoreCase(word, "sept")) return 9;
  return -1;
}

bool IsWeekday(std::string_view word) {
  for (std::string_view day : kWeekdays) {
    if (EqualsIgnoreCase(word, day) ||
        (word.size() == 3 && EqualsIgnoreCase(word, day.substr(0, 3)))) {
      return true;
    }
  }
  return EqualsIgnoreCase(word, "tues") || EqualsIgnoreCase(word, "thur") ||
         EqualsIgnoreCase(word, "thurs");
}

// Named zone, or an RFC 822 military letter (A..M west? RFC 822 says A=-1
// through M=-12 and N=+1 through Y=+12; J is unused).
bool ZoneFromWord(std::string_view word, int* offset_minutes) {
  for (const ZoneName& zone : kZones) {
    if (EqualsIgnoreCase(word, zone.name)) {
      *offset_minutes = zone.offset_minutes;
      return true;
    }
  }
  if (word.size() == 1) {
    char c = AsciiLower(word[0]);
    if (c >= 'a' && c <= 'i')
      *offset_minutes = -60 * (c - 'a' + 1);
    else if (c >= 'k' && c <= 'm')
      *offset_minutes = -60 * (c - 'a');
    else if (c >= 'n' && c <= 'y')
      *offset_minutes = 60 * (c - 'n' + 1);
    else
      return false;
    return true;
  }
  return false;
}

// "02:48", "02:48:24", "2:48:24.5".
bool ParseClock(std::string_view token, DateParts* p) {
  int parts[3] = {0, 0, 0};
  int count = 0;
  std::size_t i = 0;
  while (i < token.size() && count < 3) {
    int value = 0;
    std::size_t digits = 0;
    while (i < token.size() && IsAsciiDigit(token[i]) && digits < 3) {
      value = value * 10 + (token[i] - '0');
      ++i, ++digits;
    }
    if (digits == 0 || digits > 2) return false;
    parts[count++] = value;
    if (i < token.size() && token[i] == ':') {
      ++i;
    } else {
      break;
    }
  }
  if (count < 2) return false;
  if (i < token.size()) {  // fractional seconds
    if (token[i] != '.' || count != 3) return false;
    for (++i; i < token.size(); ++i) {
      if (!IsAsciiDigit(token[i])) return false;
    }
  }
  p->hour = parts[0];
  p->minute = parts[1];
  p->second = parts[2];
  return true;
}

// "+0800", "-05:00", "+8", "-0530".
bool ParseOffset(std::string_view token, int* offset_minutes) {
  int sign = token[0] == '-' ? -1 : 1;
  std::string_view digits = token.substr(1);
  int h = 0;
  int m = 0;
  std::size_t pos = 0;
  if (digits.size() == 5 && digits[2] == ':') {
    if (!ReadDigits(digits, &pos, 2, &h)) return false;
    ++pos;
    if (!ReadDigits(digits, &pos, 2, &m)) return false;
  } else if (digits.size() == 4) {
    if (!ReadDigits(digits, &pos, 2, &h) || !ReadDigits(digits, &pos, 2, &m)) return false;
  } else if (digits.size() == 1 || digits.size() == 2) {
    if (!ReadDigits(digits, &pos, digits.size(), &h)) return false;
  } else {
    return false;
  }
  if (h > 23 || m > 59) return false;
  *offset_minutes += sign * (h * 60 + m);
  return true;
}

bool TakeNumber(std::string_view token, DateParts* p) {
  if (token.size() > 4) return false;
  int value = 0;
  for (char c : token) value = value * 10 + (c - '0');
  if (token.size() >= 3) {  // a year: 4 digits, or RFC 2822's 3-digit obsolete form
    if (p->year >= 0) return false;
    p->year = token.size() == 3 ? value + 1900 : value;
    return true;
  }
  if (p->day < 0) {
    p->day = value;
  } else if (p->year < 0) {
    p->year = value;
    p->year_two_digits = true;
  } else {
    return false;
  }
  return true;
}

// RFC 822 family, in any reasonable order: "Mon, 09 May 2022 02:48:24 GMT",
// "9 may 22 2:48 +0800", "Monday, 09-May-2022 02:48:24 EDT", asctime.
std::optional<Timestamp> ParseRfc822(std::string_view text) {
  DateParts p;
  bool have_time = false;
  bool pm = false;
  bool am = false;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    std::size_t start = i;
    if (IsAsciiAlpha(c)) {
      while (i < text.size() && IsAsciiAlpha(text[i])) ++i;
      std::string_view word = text.substr(start, i - start);
      int month = MonthFromWord(word);
      if (month > 0 && p.month < 0) {
        p.month = month;
      } else if (IsWeekday(word)) {
        // Ignored: it is often wrong, and the date says which day it was.
      } else if (EqualsIgnoreCase(word, "am") || EqualsIgnoreCase(word, "pm")) {
        (EqualsIgnoreCase(word, "pm") ? pm : am) = true;
      } else if (!ZoneFromWord(word, &p.offset_minutes)) {
        return std::nullopt;
      }
    } else if (IsAsciiDigit(c)) {
      while (i < text.size() && (IsAsciiDigit(text[i]) || text[i] == ':' || text[i] == '.')) ++i;
      std::string_view token = text.substr(start, i - start);
      if (token.find(':') != std::string_view::npos) {
        if (have_time || !ParseClock(token, &p)) return std::nullopt;
        have_time = true;
      } else {
        while (!token.empty() && token.back() == '.') token.remove_suffix(1);
        if (token.find('.') != std::string_view::npos || !TakeNumber(token, &p)) {
          return std::nullopt;
        }
      }
    } else if ((c == '+' || c == '-') && have_time && i + 1 < text.size() &&
               IsAsciiDigit(text[i + 1])) {
      ++i;
      while (i < text.size() && (IsAsciiDigit(text[i]) || text[i] == ':')) ++i;
      if (!ParseOffset(text.substr(start, i - start), &p.offset_minutes)) return std::nullopt;
    } else if (c == ' ' || c == ',' || c == '-' || c == '/' || c == '.' || c == '\t' || c == '(' ||
               c == ')') {
      ++i;
    } else {
      return std::nullopt;
    }
  }
  if (pm || am) {
    if (p.hour < 1 || p.hour > 12) return std::nullopt;
    if (pm && p.hour != 12) p.hour += 12;
    if (am && p.hour == 12) p.hour = 0;
  }
  return Build(p);
}

}  // namespace

std::optional<Timestamp> ParseFeedDate(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' ||
                           text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (text.empty() || text.size() > 100) return std::nullopt;
  if (text.size() >= 8 && IsAsciiDigit(text[0]) && IsAsciiDigit(text[1]) && IsAsciiDigit(text[2]) &&
      IsAsciiDigit(text[3]) && (text[4] == '-' || IsAsciiDigit(text[4]))) {
    if (auto iso = ParseIso(text)) return iso;
  }
  return ParseRfc822(text);
}

}  // namespace tributary::feeds
