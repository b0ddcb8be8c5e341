#include "feeds/http_headers.h"

#include <gtest/gtest.h>

namespace tributary::feeds {
namespace {

const Timestamp kNow = FromUnix(1'700'000'000);  // Tue, 14 Nov 2023 22:13:20 GMT

TEST(HttpHeadersTest, RetryAfterSeconds) {
  EXPECT_EQ(ParseRetryAfter("120", kNow), Seconds{120});
  EXPECT_EQ(ParseRetryAfter(" 0 ", kNow), Seconds{0});
}

TEST(HttpHeadersTest, RetryAfterHttpDateInEveryForm) {
  EXPECT_EQ(ParseRetryAfter("Tue, 14 Nov 2023 22:15:20 GMT", kNow), Seconds{120});
  EXPECT_EQ(ParseRetryAfter("Tuesday, 14-Nov-23 22:15:20 GMT", kNow), Seconds{120});
  EXPECT_EQ(ParseRetryAfter("Tue Nov 14 22:15:20 2023", kNow), Seconds{120});
}

TEST(HttpHeadersTest, RetryAfterInThePastIsZero) {
  EXPECT_EQ(ParseRetryAfter("Tue, 14 Nov 2023 20:00:00 GMT", kNow), Seconds{0});
}

TEST(HttpHeadersTest, RetryAfterJunkIsNullopt) {
  EXPECT_EQ(ParseRetryAfter("", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-5", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("99999999999999999999", kNow), std::nullopt);
}

TEST(HttpHeadersTest, MaxAge) {
  EXPECT_EQ(ParseMaxAge("public, max-age=600"), Seconds{600});
  EXPECT_EQ(ParseMaxAge("MAX-AGE=\"30\", must-revalidate"), Seconds{30});
  EXPECT_EQ(ParseMaxAge("private, no-cache"), Seconds{0});
  EXPECT_EQ(ParseMaxAge("public"), std::nullopt);
  EXPECT_EQ(ParseMaxAge("max-age=abc"), std::nullopt);
}

TEST(HttpHeadersTest, HttpDate) {
  EXPECT_EQ(ParseHttpDate("Tue, 14 Nov 2023 22:13:20 GMT"), kNow);
  EXPECT_EQ(ParseHttpDate("not a date"), std::nullopt);
  EXPECT_EQ(ParseHttpDate(""), std::nullopt);
}

}  // namespace
}  // namespace tributary::feeds
