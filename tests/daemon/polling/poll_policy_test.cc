#include "daemon/polling/poll_policy.h"

#include <gtest/gtest.h>

#include <string_view>

#include "feeds/http_headers.h"

namespace tributary::daemon {
namespace {

const Timestamp kNow = FromUnix(1'780'000'000);  // a Tuesday, 2026

PollSettings Settings() {
  PollSettings settings;
  settings.interval = Seconds{1800};
  settings.min_interval = Seconds{300};
  settings.max_interval = Seconds{86400};
  settings.max_backoff = Seconds{86400};
  settings.jitter = 0.1;
  return settings;
}

TEST(PollPolicyTest, UsesTheIntervalWithJitterWithinTenPercent) {
  EXPECT_EQ(NextPollAfterSuccess(Settings(), {}, kNow, 0.5), kNow + Seconds{1800});
  EXPECT_EQ(NextPollAfterSuccess(Settings(), {}, kNow, 0.0), kNow + Seconds{1620});
  EXPECT_LT(NextPollAfterSuccess(Settings(), {}, kNow, 0.999), kNow + Seconds{1981});
}

TEST(PollPolicyTest, PublisherHintsOnlySlowPollingDown) {
  PollSignals signals;
  signals.ttl = Seconds{3600};
  EXPECT_EQ(NextPollAfterSuccess(Settings(), signals, kNow, 0.5), kNow + Seconds{3600});
  signals.ttl = Seconds{60};
  EXPECT_EQ(NextPollAfterSuccess(Settings(), signals, kNow, 0.5), kNow + Seconds{1800});
  signals.ttl.reset();
  signals.max_age = Seconds{7200};
  EXPECT_EQ(NextPollAfterSuccess(Settings(), signals, kNow, 0.5), kNow + Seconds{7200});
}

TEST(PollPolicyTest, HintsAreClampedToTheMaximum) {
  PollSignals signals;
  signals.ttl = Seconds{30 * 86400};
  EXPECT_EQ(NextPollAfterSuccess(Settings(), signals, kNow, 0.5), kNow + Seconds{86400});
}

TEST(PollPolicyTest, AdaptsToHowOftenAFeedPublishes) {
  PollSignals quiet;
  quiet.items_per_day = 0.1;
  EXPECT_EQ(NextPollAfterSuccess(Settings(), quiet, kNow, 0.5), kNow + Seconds{7200});
  PollSignals busy;
  busy.items_per_day = 100;
  EXPECT_EQ(NextPollAfterSuccess(Settings(), busy, kNow, 0.5), kNow + Seconds{900});
}

TEST(PollPolicyTest, BackOffDoublesPerFailureUpToTheCapAndNeverGivesUp) {
  auto settings = Settings();
  EXPECT_EQ(NextPollAfterFailure(settings, 1, std::nullopt, kNow, 0.5), kNow + Seconds{1800});
  EXPECT_EQ(NextPollAfterFailure(settings, 2, std::nullopt, kNow, 0.5), kNow + Seconds{3600});
  EXPECT_EQ(NextPollAfterFailure(settings, 3, std::nullopt, kNow, 0.5), kNow + Seconds{7200});
  EXPECT_EQ(NextPollAfterFailure(settings, 50, std::nullopt, kNow, 0.5), kNow + Seconds{86400});
  EXPECT_EQ(NextPollAfterFailure(settings, 5000, std::nullopt, kNow, 0.5), kNow + Seconds{86400});
}

TEST(PollPolicyTest, RetryAfterWinsWhenLaterButIsCappedAtADay) {
  auto settings = Settings();
  EXPECT_EQ(NextPollAfterFailure(settings, 1, Seconds{7200}, kNow, 0.5), kNow + Seconds{7200});
  EXPECT_EQ(NextPollAfterFailure(settings, 1, Seconds{60}, kNow, 0.5), kNow + Seconds{1800});
  EXPECT_EQ(NextPollAfterFailure(settings, 1, Seconds{90 * 86400}, kNow, 0.5),
            kNow + Seconds{86400});
}

TEST(PollPolicyTest, SkipsHoursTheFeedAskedToSkip) {
  PollSignals signals;
  // kNow + 30 min falls in hour H; skipping H and H+1 moves to H+2:00.
  Timestamp next = kNow + Seconds{1800};
  auto hour = static_cast<int>((next.time_since_epoch().count() / 3600) % 24);
  signals.skip_hours = {hour, (hour + 1) % 24};
  Timestamp expected = FromUnix((next.time_since_epoch().count() / 3600 + 2) * 3600);
  EXPECT_EQ(NextPollAfterSuccess(Settings(), signals, kNow, 0.5), expected);
}

// The fetcher parses the headers (feeds/http_headers.h); the policy takes
// the longer of the two lifetimes.
std::optional<Seconds> LifetimeOf(std::string_view cache_control, std::string_view expires) {
  return CacheLifetime(feeds::ParseMaxAge(cache_control), feeds::ParseHttpDate(expires), kNow);
}

TEST(PollPolicyTest, ReadsCacheLifetimeFromHeaders) {
  EXPECT_EQ(LifetimeOf("public, max-age=600", ""), Seconds{600});
  // No lifetime beyond now (the fetcher reads no-cache as max-age 0; the
  // policy's hints only ever lengthen the interval, so both mean "none").
  EXPECT_EQ(LifetimeOf("no-cache", "").value_or(Seconds{0}), Seconds{0});
  // 2026-05-28T20:26:40Z is kNow; Expires one hour later.
  EXPECT_EQ(LifetimeOf("", FormatRfc1123(kNow + Seconds{3600})), Seconds{3600});
  EXPECT_EQ(LifetimeOf("max-age=60", FormatRfc1123(kNow + Seconds{3600})), Seconds{3600});
  EXPECT_EQ(LifetimeOf("", "garbage"), std::nullopt);
  EXPECT_EQ(LifetimeOf("", FormatRfc1123(kNow - Seconds{60})), std::nullopt);  // expired
}

}  // namespace
}  // namespace tributary::daemon
