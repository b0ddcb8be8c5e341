#include "common/time.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

TEST(TimeTest, FormatsRfc3339AndRfc1123) {
  Timestamp t = FromUnix(1652064504);  // 2022-05-09T02:48:24Z
  EXPECT_EQ(FormatRfc3339(t), "2022-05-09T02:48:24Z");
  EXPECT_EQ(FormatRfc1123(t), "Mon, 09 May 2022 02:48:24 GMT");
}

TEST(TimeTest, ParsesRfc3339WithOffsetsAndFractions) {
  EXPECT_EQ(ParseRfc3339("2022-05-09T02:48:24Z"), FromUnix(1652064504));
  EXPECT_EQ(ParseRfc3339("2022-05-09T10:48:24+08:00"), FromUnix(1652064504));
  EXPECT_EQ(ParseRfc3339("2022-05-09T02:48:24.750Z"), FromUnix(1652064504));
  EXPECT_FALSE(ParseRfc3339("yesterday").has_value());
}

TEST(TimeTest, FakeClockMovesOnlyWhenTold) {
  FakeClock clock(FromUnix(100));
  EXPECT_EQ(clock.Now(), FromUnix(100));
  clock.Advance(Seconds{5});
  EXPECT_EQ(clock.Now(), FromUnix(105));
}

}  // namespace
}  // namespace tributary
