// Time points and the clock. Stored and exchanged times are whole seconds
// of UTC wall time (sys_seconds); the wall clock is injected so tests never
// depend on when they run.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tributary {

using Timestamp = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;

// "2022-05-09T02:48:24Z".
std::string FormatRfc3339(Timestamp t);
// "Mon, 09 May 2022 02:48:24 GMT" (RFC 1123, as HTTP and RSS use).
std::string FormatRfc1123(Timestamp t);
// Strict parse of what FormatRfc3339 writes (also accepts offsets and
// fractions); for stored values, not for feed dates (feeds/dates.h is the
// liberal parser).
std::optional<Timestamp> ParseRfc3339(std::string_view text);
// Seconds since the epoch, for the database.
inline long long ToUnix(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromUnix(long long s) { return Timestamp{Seconds{s}}; }

// Wall clock. The real one reads system_clock; tests use FakeClock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override {
    return std::chrono::time_point_cast<Seconds>(std::chrono::system_clock::now());
  }
};

// A clock that moves only when told to. Not thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start) : now_(start) {}
  Timestamp Now() const override { return now_; }
  void Set(Timestamp t) { now_ = t; }
  void Advance(Seconds d) { now_ += d; }

 private:
  Timestamp now_;
};

}  // namespace tributary
