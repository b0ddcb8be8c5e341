#include "common/log.h"

#include <gtest/gtest.h>

namespace tributary::log {
namespace {

TEST(LogTest, CensorsCredentialsInUrls) {
  EXPECT_EQ(CensorUrl("https://user:secret@example.org/feed"), "https://***@example.org/feed");
  EXPECT_EQ(CensorUrl("https://example.org/a@b"), "https://example.org/a@b");
  EXPECT_EQ(CensorUrl("file:///tmp/x"), "file:///tmp/x");
}

TEST(LogTest, ParsesLevels) {
  Level level = Level::kInfo;
  EXPECT_TRUE(ParseLevel("debug", &level));
  EXPECT_EQ(level, Level::kDebug);
  EXPECT_FALSE(ParseLevel("loud", &level));
}

}  // namespace
}  // namespace tributary::log
