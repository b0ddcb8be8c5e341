// PollPolicy: when to fetch a feed next. A pure function of the feed's
// configuration, what the last attempt returned and the time, so it is
// tested without waiting. The scheduler only applies its answers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"

namespace tributary::daemon {

struct PollSettings {
  Seconds interval{30 * 60};     // the feed's configured interval
  Seconds min_interval{5 * 60};  // clamps for everything below
  Seconds max_interval{24 * 3600};
  Seconds max_backoff{24 * 3600};  // cap of the failure back-off
  double jitter = 0.1;             // +/- this fraction, spreads polls
};

// What the server and the document said about polling frequency.
struct PollSignals {
  std::optional<Seconds> ttl;            // RSS <ttl>
  std::optional<Seconds> update_period;  // sy:updatePeriod / updateFrequency
  std::optional<Seconds> max_age;        // Cache-Control max-age / Expires
  std::vector<int> skip_hours;           // RSS skipHours (UTC hours)
  std::vector<std::string> skip_days;    // RSS skipDays ("Monday", ...)
  // Items per day seen recently, for adaptation (nullopt: unknown).
  std::optional<double> items_per_day;
};

// The next poll after a successful fetch (200 or 304). `unit_random` is a
// number in [0, 1) from the caller's generator (tests pass fixed values).
Timestamp NextPollAfterSuccess(const PollSettings& settings, const PollSignals& signals,
                               Timestamp now, double unit_random);

// The next poll after the `error_count`-th consecutive failure: exponential
// from the interval, capped, jittered, never giving up. A server's
// Retry-After wins when it is later.
Timestamp NextPollAfterFailure(const PollSettings& settings, int error_count,
                               std::optional<Seconds> retry_after, Timestamp now,
                               double unit_random);

// How long the server said the response stays fresh: Cache-Control max-age
// or Expires (relative to `now`), as the fetcher parsed them; the larger wins.
std::optional<Seconds> CacheLifetime(std::optional<Seconds> max_age,
                                     std::optional<Timestamp> expires_at, Timestamp now);

}  // namespace tributary::daemon
