#include "daemon/digests/digest_schedule.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <set>
#include <vector>

#include "common/text.h"

namespace tributary::daemon {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

Error ScheduleError(std::string_view text, std::string_view why) {
  return Error{ErrorCode::kInvalidArgument,
               "bad digest schedule \"" + std::string(text) + "\": " + std::string(why) +
                   " (expected \"daily HH:MM\", \"weekly mon HH:MM\" or \"every 6h\")",
               ""};
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += AsciiLower(c);
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

bool ParseNumber(std::string_view text, int* value) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return error == std::errc() && end == text.data() + text.size();
}

std::optional<minutes> ParseTimeOfDay(std::string_view text) {
  const std::size_t colon = text.find(':');
  int hour = 0;
  int minute = 0;
  if (colon == std::string_view::npos || !ParseNumber(text.substr(0, colon), &hour) ||
      text.size() - colon != 3 || !ParseNumber(text.substr(colon + 1), &minute) || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59) {
    return std::nullopt;
  }
  return hours{hour} + minutes{minute};
}

std::optional<date::weekday> ParseWeekday(std::string_view text) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  for (unsigned i = 0; i < kNames.size(); ++i) {
    if (text.size() >= 3 && kNames[i].starts_with(text)) return date::weekday{i};
  }
  return std::nullopt;
}

bool AlignedToLocalDays(const DigestSchedule& schedule) {
  return schedule.kind != DigestSchedule::Kind::kEvery ||
         (Seconds{days{1}}.count() % schedule.interval.count() == 0);
}

// Slot instants whose local day is within [day(t) + from, day(t) + to].
std::set<Timestamp> SlotsAround(const DigestSchedule& schedule, const date::time_zone* zone,
                                Timestamp t, int from, int to) {
  std::set<Timestamp> slots;
  const date::local_days today = date::floor<days>(zone->to_local(t));
  for (int offset = from; offset <= to; ++offset) {
    const date::local_days day = today + days{offset};
    switch (schedule.kind) {
      case DigestSchedule::Kind::kDaily:
        slots.insert(LocalToUtc(zone, day + schedule.time_of_day));
        break;
      case DigestSchedule::Kind::kWeekly:
        if (date::weekday{day} == schedule.weekday) {
          slots.insert(LocalToUtc(zone, day + schedule.time_of_day));
        }
        break;
      case DigestSchedule::Kind::kEvery:
        for (Seconds at{0}; at < days{1}; at += schedule.interval) {
          slots.insert(LocalToUtc(zone, day + at));
        }
        break;
    }
  }
  return slots;
}

int DaysBack(const DigestSchedule& schedule) {
  return schedule.kind == DigestSchedule::Kind::kWeekly ? 8 : 2;
}

}  // namespace

Result<DigestSchedule> ParseDigestSchedule(std::string_view text) {
  const std::vector<std::string> words = Words(text);
  DigestSchedule schedule;
  if (words.size() == 2 && words[0] == "daily") {
    std::optional<minutes> at = ParseTimeOfDay(words[1]);
    if (!at) return ScheduleError(text, "time must be HH:MM, 00:00 to 23:59");
    schedule.kind = DigestSchedule::Kind::kDaily;
    schedule.time_of_day = *at;
    return schedule;
  }
  if (words.size() == 3 && words[0] == "weekly") {
    std::optional<date::weekday> weekday = ParseWeekday(words[1]);
    if (!weekday) return ScheduleError(text, "unknown weekday \"" + words[1] + "\"");
    std::optional<minutes> at = ParseTimeOfDay(words[2]);
    if (!at) return ScheduleError(text, "time must be HH:MM, 00:00 to 23:59");
    schedule.kind = DigestSchedule::Kind::kWeekly;
    schedule.weekday = *weekday;
    schedule.time_of_day = *at;
    return schedule;
  }
  if (words.size() == 2 && words[0] == "every" && words[1].size() >= 2) {
    const char unit = words[1].back();
    int count = 0;
    if ((unit != 'h' && unit != 'm') ||
        !ParseNumber(std::string_view(words[1]).substr(0, words[1].size() - 1), &count) ||
        count < 1) {
      return ScheduleError(text, "interval must be like 6h or 30m");
    }
    schedule.kind = DigestSchedule::Kind::kEvery;
    schedule.interval = unit == 'h' ? Seconds{hours{count}} : Seconds{minutes{count}};
    if (schedule.interval < minutes{5}) return ScheduleError(text, "interval below 5 minutes");
    if (schedule.interval > days{7}) return ScheduleError(text, "interval above 7 days");
    return schedule;
  }
  return ScheduleError(text, "unrecognised form");
}

Result<const date::time_zone*> LocateZone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return Error{ErrorCode::kInvalidArgument, "unknown time zone \"" + name + "\"", ""};
  }
}

Timestamp LocalToUtc(const date::time_zone* zone, date::local_seconds local) {
  const date::local_info info = zone->get_info(local);
  switch (info.result) {
    case date::local_info::nonexistent:
      // Skipped by a forward jump: the transition instant is the first
      // valid moment after the gap.
      return Timestamp{info.first.end};
    case date::local_info::ambiguous:  // the earlier of the two
    case date::local_info::unique:
    default:
      return Timestamp{local.time_since_epoch() - info.first.offset};
  }
}

std::optional<Timestamp> DueSlot(const DigestSchedule& schedule, const date::time_zone* zone,
                                 Timestamp last_slot, Timestamp now) {
  std::optional<Timestamp> latest;
  if (AlignedToLocalDays(schedule)) {
    for (Timestamp slot : SlotsAround(schedule, zone, now, -DaysBack(schedule), 1)) {
      if (slot <= now) latest = slot;
    }
  } else {
    const auto interval = schedule.interval.count();
    latest = FromUnix(ToUnix(now) / interval * interval);
  }
  if (latest && *latest > last_slot) return latest;
  return std::nullopt;
}

Timestamp NextSlotAfter(const DigestSchedule& schedule, const date::time_zone* zone, Timestamp t) {
  if (!AlignedToLocalDays(schedule)) {
    const auto interval = schedule.interval.count();
    return FromUnix((ToUnix(t) / interval + 1) * interval);
  }
  const int ahead = schedule.kind == DigestSchedule::Kind::kWeekly ? 8 : 2;
  for (Timestamp slot : SlotsAround(schedule, zone, t, -1, ahead)) {
    if (slot > t) return slot;
  }
  // Unreachable for valid schedules; a day later is a safe retry point.
  return t + days{1};
}

}  // namespace tributary::daemon
