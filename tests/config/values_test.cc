// The single-value checks of config/values.h.
#include "config/values.h"

#include <gtest/gtest.h>

namespace tributary::config {
namespace {

TEST(ValuesTest, ListenAddress) {
  for (const char* good : {"127.0.0.1:8080", "[::1]:8080", "localhost:1", "0.0.0.0:65535"}) {
    EXPECT_TRUE(IsListenAddress(good)) << good;
  }
  for (const char* bad :
       {"127.0.0.1", ":8080", "[::1]", "::1:8080", "host:0", "host:65536", "host:80x", "[]:80"}) {
    EXPECT_FALSE(IsListenAddress(bad)) << bad;
  }
}

TEST(ValuesTest, HostOrCidr) {
  for (const char* good : {"nas.local", "10.0.0.0/8", "::1", "fc00::/7", "192.168.1.7/32"}) {
    EXPECT_TRUE(IsHostOrCidr(good)) << good;
  }
  for (const char* bad : {"", "10.0.0.0/33", "::/129", "nas.local/8", "10.0.0.0/", "a b"}) {
    EXPECT_FALSE(IsHostOrCidr(bad)) << bad;
  }
}

TEST(ValuesTest, TimeOfDayAndSchedule) {
  EXPECT_TRUE(IsTimeOfDay("00:00"));
  EXPECT_TRUE(IsTimeOfDay("7:05"));
  EXPECT_FALSE(IsTimeOfDay("24:00"));
  EXPECT_FALSE(IsTimeOfDay("07:5"));
  EXPECT_TRUE(IsSchedule("every 5m"));
  EXPECT_TRUE(IsSchedule("every 168h"));
  EXPECT_FALSE(IsSchedule("every 169h"));
  EXPECT_FALSE(IsSchedule("every 4m"));
  EXPECT_TRUE(IsSchedule("weekly FRIDAY 18:00"));
  EXPECT_FALSE(IsSchedule("weekly fryday 18:00"));
}

TEST(ValuesTest, TimezonesComeFromTheSystemDatabase) {
  EXPECT_TRUE(IsKnownTimezone("Asia/Shanghai"));
  EXPECT_TRUE(IsKnownTimezone("UTC"));
  EXPECT_FALSE(IsKnownTimezone("Mars/Olympus"));
  EXPECT_FALSE(IsKnownTimezone(""));
}

TEST(ValuesTest, EditDistance) {
  EXPECT_EQ(EditDistance("intervl", "interval"), 1U);
  EXPECT_EQ(EditDistance("", "abc"), 3U);
  EXPECT_EQ(EditDistance("same", "same"), 0U);
}

TEST(ValuesTest, ResolveAgainstBaseDir) {
  EXPECT_EQ(Resolve("/srv/base", "a/../b.opml").string(), "/srv/base/b.opml");
  EXPECT_EQ(Resolve("/srv/base", "/abs/c.opml").string(), "/abs/c.opml");
}

}  // namespace
}  // namespace tributary::config
