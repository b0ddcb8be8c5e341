#include "feeds/dates.h"

#include <gtest/gtest.h>

#include <string>

namespace tributary::feeds {
namespace {

struct DateCase {
  const char* input;
  const char* expected;  // RFC 3339 UTC, or nullptr when unreadable
};

// RFC 822/1123 as specified and as seen in the wild, RFC 3339/ISO 8601, and
// garbage that must be refused rather than misread.
constexpr DateCase kCases[] = {
    // RFC 1123, the common case.
    {"Mon, 09 May 2022 02:48:24 GMT", "2022-05-09T02:48:24Z"},
    {"Mon, 09 May 2022 02:48:24 +0000", "2022-05-09T02:48:24Z"},
    {"Mon, 09 May 2022 10:48:24 +0800", "2022-05-09T02:48:24Z"},
    {"Mon, 09 May 2022 10:48:24 +08:00", "2022-05-09T02:48:24Z"},
    {"Sun, 08 May 2022 21:48:24 -0500", "2022-05-09T02:48:24Z"},
    {"Mon, 09 May 2022 02:48:24 UT", "2022-05-09T02:48:24Z"},
    {"Mon, 09 May 2022 02:48:24 UTC", "2022-05-09T02:48:24Z"},
    {"Mon, 09 May 2022 02:48:24 Z", "2022-05-09T02:48:24Z"},
    // No seconds, no weekday, wrong weekday, no zone.
    {"Mon, 09 May 2022 02:48 GMT", "2022-05-09T02:48:00Z"},
    {"09 May 2022 02:48:24 GMT", "2022-05-09T02:48:24Z"},
    {"Fri, 09 May 2022 02:48:24 GMT", "2022-05-09T02:48:24Z"},
    {"Mon, 09 May 2022 02:48:24", "2022-05-09T02:48:24Z"},
    {"9 May 2022 2:48:24 GMT", "2022-05-09T02:48:24Z"},
    {"Mon, 9 May 2022", "2022-05-09T00:00:00Z"},
    // Two-digit and three-digit years (RFC 2822 obsolete forms).
    {"Mon, 09 May 22 02:48:24 GMT", "2022-05-09T02:48:24Z"},
    {"Sun, 09 May 99 02:48:24 GMT", "1999-05-09T02:48:24Z"},
    {"Sat, 01 Jan 49 00:00:00 GMT", "2049-01-01T00:00:00Z"},
    {"Sat, 01 Jan 50 00:00:00 GMT", "1950-01-01T00:00:00Z"},
    {"Mon, 09 May 122 02:48:24 GMT", "2022-05-09T02:48:24Z"},
    // US named zones.
    {"Sun, 08 May 2022 21:48:24 EST", "2022-05-09T02:48:24Z"},
    {"Sun, 08 May 2022 22:48:24 EDT", "2022-05-09T02:48:24Z"},
    {"Sun, 08 May 2022 20:48:24 CST", "2022-05-09T02:48:24Z"},
    {"Sun, 08 May 2022 21:48:24 CDT", "2022-05-09T02:48:24Z"},
    {"Sun, 08 May 2022 19:48:24 MST", "2022-05-09T02:48:24Z"},
    {"Sun, 08 May 2022 20:48:24 MDT", "2022-05-09T02:48:24Z"},
    {"Sun, 08 May 2022 18:48:24 PST", "2022-05-09T02:48:24Z"},
    {"Sun, 08 May 2022 19:48:24 PDT", "2022-05-09T02:48:24Z"},
    {"Mon, 09 May 2022 04:48:24 CEST", "2022-05-09T02:48:24Z"},
    {"Mon, 09 May 2022 11:48:24 JST", "2022-05-09T02:48:24Z"},
    // RFC 822 military zones: A = -1h ... M = -12h, N = +1h ... Y = +12h.
    {"Mon, 09 May 2022 01:48:24 A", "2022-05-09T02:48:24Z"},
    {"Sun, 08 May 2022 14:48:24 M", "2022-05-09T02:48:24Z"},
    {"Mon, 09 May 2022 03:48:24 N", "2022-05-09T02:48:24Z"},
    {"Mon, 09 May 2022 14:48:24 Y", "2022-05-09T02:48:24Z"},
    // Offsets: no colon, colon, hours only, zone name plus offset.
    {"Mon, 09 May 2022 08:18:24 +0530", "2022-05-09T02:48:24Z"},
    {"Mon, 09 May 2022 10:48:24 +8", "2022-05-09T02:48:24Z"},
    {"Mon, 09 May 2022 10:48:24 GMT+0800", "2022-05-09T02:48:24Z"},
    // Extra spaces and commas, month names in any case or spelled out.
    {"  Mon,  09  May  2022  02:48:24  GMT  ", "2022-05-09T02:48:24Z"},
    {"Mon, 09 May, 2022, 02:48:24 GMT", "2022-05-09T02:48:24Z"},
    {"mon, 09 may 2022 02:48:24 gmt", "2022-05-09T02:48:24Z"},
    {"MON, 09 MAY 2022 02:48:24 GMT", "2022-05-09T02:48:24Z"},
    {"Monday, 09 May 2022 02:48:24 GMT", "2022-05-09T02:48:24Z"},
    {"Friday, 09 September 2022 02:48:24 GMT", "2022-09-09T02:48:24Z"},
    {"Fri, 09 Sept 2022 02:48:24 GMT", "2022-09-09T02:48:24Z"},
    {"Monday, 09-May-22 02:48:24 GMT", "2022-05-09T02:48:24Z"},
    // Month before day (US order), asctime, 12-hour clock.
    {"May 9, 2022 02:48:24 GMT", "2022-05-09T02:48:24Z"},
    {"Mon May  9 02:48:24 2022", "2022-05-09T02:48:24Z"},
    {"May 9, 2022 2:48 PM", "2022-05-09T14:48:00Z"},
    {"May 9, 2022 12:05 AM", "2022-05-09T00:05:00Z"},
    // RFC 3339 and ISO 8601.
    {"2022-05-09T02:48:24Z", "2022-05-09T02:48:24Z"},
    {"2022-05-09T02:48:24z", "2022-05-09T02:48:24Z"},
    {"2022-05-09T10:48:24+08:00", "2022-05-09T02:48:24Z"},
    {"2022-05-09T10:48:24+0800", "2022-05-09T02:48:24Z"},
    {"2022-05-09T10:48:24+08", "2022-05-09T02:48:24Z"},
    {"2022-05-08T21:48:24-05:00", "2022-05-09T02:48:24Z"},
    {"2022-05-09T02:48:24.123456Z", "2022-05-09T02:48:24Z"},
    {"2022-05-09T02:48:24,5Z", "2022-05-09T02:48:24Z"},
    {"2022-05-09T02:48:24", "2022-05-09T02:48:24Z"},
    {"2022-05-09T02:48Z", "2022-05-09T02:48:00Z"},
    {"2022-05-09 02:48:24", "2022-05-09T02:48:24Z"},
    {"2022-05-09 10:48:24 +0800", "2022-05-09T02:48:24Z"},
    {"2022-05-09", "2022-05-09T00:00:00Z"},
    {"20220509T024824Z", "2022-05-09T02:48:24Z"},
    {"20220509T1048+0800", "2022-05-09T02:48:00Z"},
    {"20220509", "2022-05-09T00:00:00Z"},
    // Leap day, leap second, edges of the calendar.
    {"2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"},
    {"2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"},
    {"1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"},
    {"0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
    {"9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"},
    {"Thu, 01 Jan 1970 00:00:00 +0100", "1969-12-31T23:00:00Z"},
    // Refused: impossible dates, out-of-range fields, garbage.
    {"", nullptr},
    {"   ", nullptr},
    {"yesterday", nullptr},
    {"2022-02-30T00:00:00Z", nullptr},
    {"2023-02-29", nullptr},
    {"2022-13-01", nullptr},
    {"2022-05-09T25:00:00Z", nullptr},
    {"2022-05-09T02:61:00Z", nullptr},
    {"2022-05-09T02:48:24+25:00", nullptr},
    {"Mon, 32 May 2022 02:48:24 GMT", nullptr},
    {"Mon, 30 Feb 2022 02:48:24 GMT", nullptr},
    {"Mon, 09 Foo 2022 02:48:24 GMT", nullptr},
    {"Mon, 09 May 2022 02:48:24 XYZ", nullptr},
    {"0000-01-01T00:00:00Z", nullptr},
    {"Mon, 09 May 10000 02:48:24 GMT", nullptr},
    {"1652064504", nullptr},
    {"2022-05-09T02:48:24Zjunk", nullptr},
    {"May 2022", nullptr},
    {"Mon, 09 May 2022 1:35:20:99 GMT", nullptr},
};

TEST(DatesTest, ParsesEveryVariantInTheTable) {
  for (const DateCase& c : kCases) {
    SCOPED_TRACE(std::string("input: \"") + c.input + "\"");
    std::optional<Timestamp> parsed = ParseFeedDate(c.input);
    if (c.expected == nullptr) {
      EXPECT_FALSE(parsed.has_value()) << FormatRfc3339(*parsed);
    } else {
      ASSERT_TRUE(parsed.has_value());
      EXPECT_EQ(FormatRfc3339(*parsed), c.expected);
    }
  }
}

TEST(DatesTest, TableHasAtLeastSixtyCases) { EXPECT_GE(std::size(kCases), 60u); }

TEST(DatesTest, NeverReadsPastTheView) {
  std::string_view text("2022-05-09T02:48:24Z and more", 20);
  ASSERT_TRUE(ParseFeedDate(text).has_value());
  EXPECT_EQ(FormatRfc3339(*ParseFeedDate(text)), "2022-05-09T02:48:24Z");
}

}  // namespace
}  // namespace tributary::feeds
