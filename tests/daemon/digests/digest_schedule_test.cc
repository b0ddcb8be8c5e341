#include "daemon/digests/digest_schedule.h"

#include <gtest/gtest.h>

#include <map>

namespace tributary::daemon {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

Timestamp Utc(const char* text) { return *ParseRfc3339(text); }

const date::time_zone* Zone(const char* name) {
  Result<const date::time_zone*> zone = LocateZone(name);
  EXPECT_TRUE(zone) << name;
  return *zone;
}

DigestSchedule Parse(const char* text) {
  Result<DigestSchedule> schedule = ParseDigestSchedule(text);
  EXPECT_TRUE(schedule) << text;
  return *schedule;
}

std::string Local(const date::time_zone* zone, Timestamp t) {
  return date::format("%F %H:%M %Z", date::zoned_time<Seconds>(zone, t));
}

// Steps an injected clock from `start` to `end` and records every firing.
std::vector<Timestamp> Simulate(const DigestSchedule& schedule, const date::time_zone* zone,
                                Timestamp start, Timestamp end, Seconds step) {
  std::vector<Timestamp> fired;
  Timestamp last_slot = start;
  for (Timestamp now = start; now <= end; now += step) {
    if (std::optional<Timestamp> slot = DueSlot(schedule, zone, last_slot, now)) {
      EXPECT_LT(now - *slot, step) << "fired late at " << FormatRfc3339(now);
      fired.push_back(*slot);
      last_slot = *slot;
    }
  }
  return fired;
}

TEST(DigestScheduleTest, ParsesTheThreeForms) {
  DigestSchedule daily = Parse("daily 07:00");
  EXPECT_EQ(daily.kind, DigestSchedule::Kind::kDaily);
  EXPECT_EQ(daily.time_of_day, hours{7});
  DigestSchedule weekly = Parse("Weekly  MON 18:45");
  EXPECT_EQ(weekly.kind, DigestSchedule::Kind::kWeekly);
  EXPECT_EQ(weekly.weekday, date::Monday);
  EXPECT_EQ(weekly.time_of_day, hours{18} + minutes{45});
  EXPECT_EQ(Parse("weekly sunday 00:00").weekday, date::Sunday);
  EXPECT_EQ(Parse("every 6h").interval, hours{6});
  EXPECT_EQ(Parse("every 30m").interval, minutes{30});
}

TEST(DigestScheduleTest, RejectsJunkWithAClearMessage) {
  Result<DigestSchedule> bad = ParseDigestSchedule("daily 25:00");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "bad digest schedule \"daily 25:00\": time must be HH:MM, 00:00 to 23:59 (expected "
            "\"daily HH:MM\", \"weekly mon HH:MM\" or \"every 6h\")");
  for (const char* text : {"", "daily", "daily 7", "daily 07:0", "weekly xyz 07:00", "every h",
                           "every 0h", "every 1m", "every 6d", "hourly", "every -1h"}) {
    EXPECT_FALSE(ParseDigestSchedule(text)) << text;
  }
  EXPECT_FALSE(LocateZone("Mars/Olympus"));
}

// A daily 07:00 digest fires once per local day, at 07:00 local, across
// both DST transitions of 2025 (Berlin: 30 Mar, 26 Oct; New York: 9 Mar, 2 Nov).
TEST(DigestScheduleTest, DailyFiresOncePerLocalDayAcrossDst) {
  for (const char* name : {"Europe/Berlin", "America/New_York"}) {
    const date::time_zone* zone = Zone(name);
    const std::vector<Timestamp> fired =
        Simulate(Parse("daily 07:00"), zone, Utc("2025-03-01T12:00:00Z"),
                 Utc("2025-11-15T12:00:00Z"), minutes{10});
    std::map<std::string, int> per_day;
    for (Timestamp slot : fired) {
      const std::string local = Local(zone, slot);
      EXPECT_EQ(local.substr(11, 5), "07:00") << name << " " << local;
      ++per_day[local.substr(0, 10)];
    }
    // 2 Mar .. 15 Nov inclusive.
    EXPECT_EQ(per_day.size(), 259u) << name;
    for (const auto& [day, count] : per_day) EXPECT_EQ(count, 1) << name << " " << day;
    EXPECT_EQ(per_day.count("2025-03-09"), 1u);
    EXPECT_EQ(per_day.count("2025-03-30"), 1u);
    EXPECT_EQ(per_day.count("2025-10-26"), 1u);
    EXPECT_EQ(per_day.count("2025-11-02"), 1u);
  }
}

TEST(DigestScheduleTest, SlotInSpringForwardGapFiresAtFirstValidInstant) {
  const date::time_zone* berlin = Zone("Europe/Berlin");
  std::vector<Timestamp> fired = Simulate(Parse("daily 02:30"), berlin, Utc("2025-03-29T12:00:00Z"),
                                          Utc("2025-03-31T12:00:00Z"), minutes{1});
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[0], Utc("2025-03-30T01:00:00Z"));  // 03:00 CEST, right after the gap
  EXPECT_EQ(Local(berlin, fired[0]), "2025-03-30 03:00 CEST");
  EXPECT_EQ(Local(berlin, fired[1]), "2025-03-31 02:30 CEST");

  const date::time_zone* new_york = Zone("America/New_York");
  fired = Simulate(Parse("daily 02:30"), new_york, Utc("2025-03-08T12:00:00Z"),
                   Utc("2025-03-09T23:00:00Z"), minutes{1});
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(Local(new_york, fired[0]), "2025-03-09 03:00 EDT");
}

TEST(DigestScheduleTest, RepeatedFallBackTimeFiresOnce) {
  const date::time_zone* new_york = Zone("America/New_York");
  // 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST) on 2 Nov 2025.
  std::vector<Timestamp> fired =
      Simulate(Parse("daily 01:30"), new_york, Utc("2025-11-02T00:00:00Z"),
               Utc("2025-11-02T12:00:00Z"), minutes{1});
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0], Utc("2025-11-02T05:30:00Z"));
  const date::time_zone* berlin = Zone("Europe/Berlin");
  fired = Simulate(Parse("daily 02:30"), berlin, Utc("2025-10-25T12:00:00Z"),
                   Utc("2025-10-26T12:00:00Z"), minutes{1});
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(Local(berlin, fired[0]), "2025-10-26 02:30 CEST");
}

TEST(DigestScheduleTest, CatchUpIsOneMessageForAllMissedSlots) {
  const date::time_zone* shanghai = Zone("Asia/Shanghai");
  const DigestSchedule daily = Parse("daily 07:00");
  // Last sent Monday 07:00 local; the daemon comes back Thursday 12:00.
  const Timestamp last = Utc("2025-12-01T07:00:00+08:00");
  const Timestamp back = Utc("2025-12-04T12:00:00+08:00");
  EXPECT_EQ(DueSlot(daily, shanghai, last, back), Utc("2025-12-04T07:00:00+08:00"));
  EXPECT_EQ(DueSlot(daily, shanghai, Utc("2025-12-04T07:00:00+08:00"), back), std::nullopt);
  EXPECT_EQ(NextSlotAfter(daily, shanghai, back), Utc("2025-12-05T07:00:00+08:00"));
  EXPECT_EQ(NextSlotAfter(daily, shanghai, Utc("2025-12-05T07:00:00+08:00")),
            Utc("2025-12-06T07:00:00+08:00"));
}

TEST(DigestScheduleTest, WeeklyAndEvery) {
  const date::time_zone* shanghai = Zone("Asia/Shanghai");
  // 2025-12-03 is a Wednesday.
  EXPECT_EQ(NextSlotAfter(Parse("weekly mon 07:00"), shanghai, Utc("2025-12-03T10:00:00+08:00")),
            Utc("2025-12-08T07:00:00+08:00"));
  EXPECT_EQ(DueSlot(Parse("weekly mon 07:00"), shanghai, Utc("2025-11-20T00:00:00Z"),
                    Utc("2025-12-03T10:00:00+08:00")),
            Utc("2025-12-01T07:00:00+08:00"));
  // every 6h is aligned to local midnight.
  EXPECT_EQ(NextSlotAfter(Parse("every 6h"), shanghai, Utc("2025-12-03T10:00:00+08:00")),
            Utc("2025-12-03T12:00:00+08:00"));
  EXPECT_EQ(DueSlot(Parse("every 6h"), shanghai, Utc("2025-12-03T00:00:00+08:00"),
                    Utc("2025-12-03T10:00:00+08:00")),
            Utc("2025-12-03T06:00:00+08:00"));
  // every 7h does not divide a day: aligned to the epoch.
  EXPECT_EQ(NextSlotAfter(Parse("every 7h"), shanghai, FromUnix(7 * 3600 * 10 + 5)),
            FromUnix(7 * 3600 * 11));
  // every 30m across New York's spring-forward gap: no slot lost or doubled.
  const date::time_zone* new_york = Zone("America/New_York");
  const std::vector<Timestamp> fired =
      Simulate(Parse("every 30m"), new_york, Utc("2025-03-09T04:00:00Z"),
               Utc("2025-03-09T10:00:00Z"), minutes{1});
  ASSERT_EQ(fired.size(), 12u);
  for (std::size_t i = 1; i < fired.size(); ++i) EXPECT_EQ(fired[i] - fired[i - 1], minutes{30});
}

}  // namespace
}  // namespace tributary::daemon
