#include "daemon/polling/poll_policy.h"

#include <date/date.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>

#include "common/text.h"

namespace tributary::daemon {
namespace {

Seconds Clamp(Seconds value, Seconds low, Seconds high) {
  if (high < low) high = low;
  return std::clamp(value, low, high);
}

Seconds Jitter(Seconds value, double fraction, double unit_random) {
  // unit_random in [0,1) maps to a factor in [1-fraction, 1+fraction).
  double factor = 1.0 + fraction * (2.0 * unit_random - 1.0);
  return Seconds{
      static_cast<std::int64_t>(std::llround(static_cast<double>(value.count()) * factor))};
}

// Moves `t` forward past hours and days the feed asked us to skip. Bounded:
// a feed that skips every hour of every day is simply polled a week later.
Timestamp SkipForbidden(Timestamp t, const PollSignals& signals) {
  static constexpr std::array<const char*, 7> kDays = {"sunday",   "monday", "tuesday", "wednesday",
                                                       "thursday", "friday", "saturday"};
  if (signals.skip_hours.empty() && signals.skip_days.empty()) return t;
  for (int step = 0; step < 24 * 7; ++step) {
    auto day = std::chrono::floor<date::days>(t);
    date::weekday weekday{day};
    auto hour = static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(t - day).count());
    bool skip_hour = std::find(signals.skip_hours.begin(), signals.skip_hours.end(), hour) !=
                     signals.skip_hours.end();
    bool skip_day = false;
    for (const auto& name : signals.skip_days) {
      if (ToLowerAscii(name) == kDays[weekday.c_encoding()]) skip_day = true;
    }
    if (!skip_hour && !skip_day) return t;
    // Jump to the start of the next hour.
    t = std::chrono::floor<std::chrono::hours>(t) + std::chrono::hours{1};
  }
  return t;
}

}  // namespace

Timestamp NextPollAfterSuccess(const PollSettings& settings, const PollSignals& signals,
                               Timestamp now, double unit_random) {
  Seconds interval = settings.interval;
  // The publisher's hints only ever slow us down (Miniflux does the same):
  // a feed that says "cache me for an hour" is not polled every 5 minutes.
  for (const auto& hint : {signals.ttl, signals.update_period, signals.max_age}) {
    if (hint && *hint > interval) interval = *hint;
  }
  // Adapt to activity: a feed that publishes rarely is polled less often
  // (up to 4x the interval), a busy one more often (down to half), always
  // within the clamps.
  if (signals.items_per_day) {
    double per_day = *signals.items_per_day;
    if (per_day < 0.5) {
      interval *= 4;
    } else if (per_day < 2) {
      interval *= 2;
    } else if (per_day > 48) {
      interval /= 2;
    }
  }
  interval = Clamp(interval, settings.min_interval, settings.max_interval);
  Timestamp next = now + Clamp(Jitter(interval, settings.jitter, unit_random), Seconds{1},
                               settings.max_interval + settings.max_interval / 10);
  return SkipForbidden(next, signals);
}

Timestamp NextPollAfterFailure(const PollSettings& settings, int error_count,
                               std::optional<Seconds> retry_after, Timestamp now,
                               double unit_random) {
  Seconds base = Clamp(settings.interval, settings.min_interval, settings.max_interval);
  Seconds delay = base;
  for (int i = 1; i < error_count && delay < settings.max_backoff; ++i) delay *= 2;
  delay = std::min(delay, settings.max_backoff);
  delay = Jitter(delay, settings.jitter, unit_random);
  if (retry_after) {
    // Honour the server, but within a day: a Retry-After of a month is a
    // misconfiguration, and we never give up on a feed.
    Seconds wanted = std::min<Seconds>(*retry_after, Seconds{24 * 3600});
    delay = std::max(delay, wanted);
  }
  return now + std::max(delay, Seconds{1});
}

std::optional<Seconds> CacheLifetime(std::optional<Seconds> max_age,
                                     std::optional<Timestamp> expires_at, Timestamp now) {
  std::optional<Seconds> best = max_age;
  if (expires_at && *expires_at > now) {
    Seconds lifetime = std::chrono::duration_cast<Seconds>(*expires_at - now);
    if (!best || lifetime > *best) best = lifetime;
  }
  return best;
}

}  // namespace tributary::daemon
