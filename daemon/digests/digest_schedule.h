// When digests are due. A schedule names "slots": local wall-clock times in
// the digest's IANA time zone ("daily 07:00", "weekly mon 07:00") or fixed
// intervals ("every 6h", "every 30m"). Slots are mapped to UTC instants with
// the system tz database (howardhinnant date, USE_OS_TZDB):
//   - a local time skipped by a spring-forward gap maps to the first valid
//     instant after the gap (02:30 on that day fires at 03:00 local);
//   - a local time that occurs twice on fall-back maps to the earlier one,
//     so it fires once.
// Catch-up: DueSlot returns only the latest missed slot, so a daemon that was
// down over several slots sends one message, not one per slot.
// Pure functions; thread-safe.
#pragma once

#include <date/tz.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time.h"

namespace tributary::daemon {

struct DigestSchedule {
  enum class Kind { kDaily, kWeekly, kEvery };
  Kind kind = Kind::kDaily;
  std::chrono::minutes time_of_day{7 * 60};  // daily, weekly: local time
  date::weekday weekday = date::Monday;      // weekly
  // every: the interval. When it divides a day, slots are aligned to local
  // midnight (every 6h in Asia/Shanghai: 00:00, 06:00, 12:00, 18:00 local);
  // otherwise to the Unix epoch.
  Seconds interval{0};
};

// Parses "daily HH:MM", "weekly mon HH:MM" (mon..sun or monday..sunday),
// "every Nh" and "every Nm" (N ≥ 1; minimum 5 minutes). Errors quote the text.
Result<DigestSchedule> ParseDigestSchedule(std::string_view text);

// Resolves an IANA zone name ("Europe/Berlin"); kInvalidArgument if unknown.
Result<const date::time_zone*> LocateZone(const std::string& name);

// The latest slot at or before `now`, if there is one after `last_slot`
// (the slot of the last planned run; on first start the caller passes the
// time the digest was first seen, so it does not fire for the past).
std::optional<Timestamp> DueSlot(const DigestSchedule& schedule, const date::time_zone* zone,
                                 Timestamp last_slot, Timestamp now);

// The first slot strictly after `t`: when to wake up next.
Timestamp NextSlotAfter(const DigestSchedule& schedule, const date::time_zone* zone, Timestamp t);

// The UTC instant of local time `local` in `zone`, resolving gaps and
// overlaps as described above.
Timestamp LocalToUtc(const date::time_zone* zone, date::local_seconds local);

}  // namespace tributary::daemon
