#include "feeds/discover.h"

#include <gtest/gtest.h>

namespace tributary::feeds {
namespace {

TEST(DiscoverTest, FindsAlternateFeedsResolvedAgainstThePage) {
  auto feeds = DiscoverFeeds(
      "<!doctype html><html><head>"
      "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Posts\" href=\"/feed.xml\">"
      "<link rel=\"Alternate\" type=\"application/atom+xml\" href=\"atom.xml\">"
      "<link rel=\"alternate\" type=\"application/feed+json\" href=\"https://j.example/f.json\">"
      "<link rel=\"stylesheet\" type=\"text/css\" href=\"/s.css\">"
      "<link rel=\"alternate\" type=\"application/json\" href=\"/wp-json/\">"
      "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.xml\">"
      "</head><body></body></html>",
      "https://blog.example/2024/post.html");
  ASSERT_EQ(feeds.size(), 3u);
  EXPECT_EQ(feeds[0].url, "https://blog.example/feed.xml");
  EXPECT_EQ(feeds[0].type, "application/rss+xml");
  EXPECT_EQ(feeds[0].title, "Posts");
  EXPECT_EQ(feeds[1].url, "https://blog.example/2024/atom.xml");
  EXPECT_EQ(feeds[1].type, "application/atom+xml");
  EXPECT_EQ(feeds[2].url, "https://j.example/f.json");
}

TEST(DiscoverTest, HonoursBaseHref) {
  auto feeds = DiscoverFeeds(
      "<html><head><base href=\"/sub/\"><link rel=\"home alternate\" "
      "type=\"application/rss+xml; charset=utf-8\" href=\"rss\"></head></html>",
      "https://site.example/a/b");
  ASSERT_EQ(feeds.size(), 1u);
  EXPECT_EQ(feeds[0].url, "https://site.example/sub/rss");
}

TEST(DiscoverTest, NothingOnAPlainPage) {
  EXPECT_TRUE(DiscoverFeeds("<p>hello", "https://x.example/").empty());
  EXPECT_TRUE(DiscoverFeeds("", "").empty());
}

}  // namespace
}  // namespace tributary::feeds
