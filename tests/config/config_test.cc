// The YAML-free helpers of config.h: marks, display names, durations, sizes.
#include "config/config.h"

#include <gtest/gtest.h>

namespace tributary::config {
namespace {

using std::chrono::milliseconds;

TEST(ConfigTest, SourceMarkToString) {
  EXPECT_EQ((SourceMark{"a.yaml", 12, 7}).ToString(), "a.yaml:12:7");
  EXPECT_EQ((SourceMark{"a.opml", 3, 0}).ToString(), "a.opml:3");
  EXPECT_EQ((SourceMark{"a.yaml", 0, 0}).ToString(), "a.yaml");
}

TEST(ConfigTest, FeedDisplayNamePrefersTheName) {
  FeedConfig feed;
  feed.url = "https://a.example/feed";
  EXPECT_EQ(FeedDisplayName(feed), "https://a.example/feed");
  feed.name = "A";
  EXPECT_EQ(FeedDisplayName(feed), "A");
}

TEST(ConfigTest, ParsesDurations) {
  EXPECT_EQ(ParseDuration("30m"), milliseconds{30 * 60 * 1000});
  EXPECT_EQ(ParseDuration("1h30m"), milliseconds{90 * 60 * 1000});
  EXPECT_EQ(ParseDuration("45s"), milliseconds{45 * 1000});
  EXPECT_EQ(ParseDuration("2d"), milliseconds{2 * 86400 * 1000});
  EXPECT_EQ(ParseDuration("1w"), milliseconds{7LL * 86400 * 1000});
  EXPECT_EQ(ParseDuration("500ms"), milliseconds{500});
  EXPECT_EQ(ParseDuration("1m30s500ms"), milliseconds{90'500});
  EXPECT_EQ(ParseDuration("90"), milliseconds{90'000});
  EXPECT_EQ(ParseDuration(" 5m "), milliseconds{300'000});
  EXPECT_EQ(ParseDuration("0"), milliseconds{0});
}

TEST(ConfigTest, RejectsBadDurations) {
  for (const char* bad : {"", "m", "3 parsecs", "-5m", "1.5h", "5x", "1h 30m", "h1", "5mm",
                          "99999999999999999999s", "9999999999999999w"}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
  }
}

TEST(ConfigTest, ParsesSizes) {
  EXPECT_EQ(ParseByteSize("16MiB"), 16 * 1024 * 1024);
  EXPECT_EQ(ParseByteSize("512KiB"), 512 * 1024);
  EXPECT_EQ(ParseByteSize("1GiB"), 1024LL * 1024 * 1024);
  EXPECT_EQ(ParseByteSize("10MB"), 10'000'000);
  EXPECT_EQ(ParseByteSize("100B"), 100);
  EXPECT_EQ(ParseByteSize("4096"), 4096);
  EXPECT_EQ(ParseByteSize("16 MiB"), 16 * 1024 * 1024);
  for (const char* bad : {"", "lots", "-1", "1.5MiB", "16mib", "MiB", "99999999999GiB"}) {
    EXPECT_FALSE(ParseByteSize(bad).has_value()) << bad;
  }
}

TEST(ConfigTest, FormatsDurationsTheWayTheyAreRead) {
  EXPECT_EQ(FormatDuration(milliseconds{5400 * 1000}), "1h30m");
  EXPECT_EQ(FormatDuration(milliseconds{60 * 1000}), "1m");
  EXPECT_EQ(FormatDuration(milliseconds{1500}), "1s500ms");
  EXPECT_EQ(FormatDuration(milliseconds{0}), "0s");
  EXPECT_EQ(FormatDuration(milliseconds{8LL * 86400 * 1000}), "1w1d");
  for (long long ms : {1LL, 999LL, 61'000LL, 86'400'000LL, 123'456'789LL}) {
    EXPECT_EQ(ParseDuration(FormatDuration(milliseconds{ms})), milliseconds{ms});
  }
}

}  // namespace
}  // namespace tributary::config
