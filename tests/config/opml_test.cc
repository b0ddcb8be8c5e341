// OPML import (folders become categories, only http(s) accepted, lines
// reported) and export (OPML 2.0, folders from categories), and the round
// trip between them.
#include "config/opml.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <tuple>

namespace tributary::config {
namespace {

std::string DataDir() {
  const char* dir = std::getenv("TRIBUTARY_TEST_DATA");
  return std::string(dir != nullptr ? dir : "tests/data") + "/config";
}

TEST(OpmlTest, ImportsOutlinesWithFoldersAsCategories) {
  Result<OpmlFeeds> imported = LoadOpml(DataDir() + "/subscriptions.opml", "subscriptions.opml");
  ASSERT_TRUE(imported.has_value()) << imported.error().ToString();
  ASSERT_EQ(imported->feeds.size(), 5U);
  const FeedConfig& lwn = imported->feeds[0];
  EXPECT_EQ(lwn.url, "https://lwn.net/headlines/rss");
  EXPECT_EQ(lwn.name, "LWN.net");  // title wins over text
  EXPECT_EQ(lwn.categories, (std::vector<std::string>{"News", "Tech"}));
  EXPECT_EQ(lwn.mark.ToString(), "subscriptions.opml:7");
  EXPECT_EQ(imported->feeds[1].name, "Rust Blog");
  EXPECT_EQ(imported->feeds[2].categories, (std::vector<std::string>{"News"}));
  EXPECT_TRUE(imported->feeds[3].categories.empty());
  EXPECT_TRUE(imported->warnings.empty());
}

TEST(OpmlTest, AcceptsOnlyHttpAndHttpsAndReportsTheLine) {
  Result<OpmlFeeds> imported = LoadOpml(DataDir() + "/hostile.opml", "hostile.opml");
  ASSERT_TRUE(imported.has_value()) << imported.error().ToString();
  ASSERT_EQ(imported->feeds.size(), 1U);
  EXPECT_EQ(imported->feeds[0].url, "https://example.net/good.xml");
  ASSERT_EQ(imported->warnings.size(), 4U);
  EXPECT_EQ(imported->warnings[0],
            "hostile.opml:5: outline \"Shell\" skipped: \"|touch /tmp/p\" is not usable (URLs "
            "cannot contain spaces or line breaks (write %20))");
  EXPECT_EQ(imported->warnings[1],
            "hostile.opml:6: outline \"Exec\" skipped: \"exec:rm -rf /\" is not usable (URLs "
            "cannot contain spaces or line breaks (write %20))");
  EXPECT_EQ(imported->warnings[2],
            "hostile.opml:7: outline \"Local\" skipped: \"file:///etc/hostname\" is not usable "
            "(only http and https feeds can be imported)");
  EXPECT_EQ(imported->warnings[3],
            "hostile.opml:8: outline \"Filter\" skipped: \"filter:/bin/sh:https://example.net/x\" "
            "is not usable (only http and https feeds can be imported)");
}

TEST(OpmlTest, RejectsWhatIsNotOpml) {
  Result<OpmlFeeds> html = ParseOpml("<html><body/></html>", "x.opml");
  ASSERT_FALSE(html.has_value());
  EXPECT_EQ(html.error().ToString(), "x.opml: not an OPML document (no <opml><body>)");
  Result<OpmlFeeds> broken = ParseOpml("<opml>\n<body>\n</opml>", "y.opml");
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().ToString(), "y.opml:3: not well-formed XML: Start-end tags mismatch");
}

TEST(OpmlTest, ExportsOpml2WithNestedFolders) {
  Config config;
  FeedConfig a;
  a.url = "https://a.example/feed?x=1&y=2";
  a.name = "A & B";
  a.categories = {"News", "Tech"};
  FeedConfig b;
  b.url = "https://b.example/rss";
  FeedConfig c;
  c.url = "https://c.example/atom";
  c.name = "C";
  c.categories = {"News"};
  config.feeds = {a, b, c};
  EXPECT_EQ(ExportOpml(config),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<opml version=\"2.0\">\n"
            "  <head>\n"
            "    <title>Tributary subscriptions</title>\n"
            "  </head>\n"
            "  <body>\n"
            "    <outline text=\"News\" title=\"News\">\n"
            "      <outline text=\"Tech\" title=\"Tech\">\n"
            "        <outline type=\"rss\" text=\"A &amp; B\" title=\"A &amp; B\" "
            "xmlUrl=\"https://a.example/feed?x=1&amp;y=2\" />\n"
            "      </outline>\n"
            "      <outline type=\"rss\" text=\"C\" title=\"C\" xmlUrl=\"https://c.example/atom\" "
            "/>\n"
            "    </outline>\n"
            "    <outline type=\"rss\" text=\"https://b.example/rss\" "
            "title=\"https://b.example/rss\" xmlUrl=\"https://b.example/rss\" />\n"
            "  </body>\n"
            "</opml>\n");
}

using FeedKey = std::tuple<std::string, std::string, std::vector<std::string>>;

std::vector<FeedKey> Keys(const std::vector<FeedConfig>& feeds) {
  std::vector<FeedKey> keys;
  for (const FeedConfig& feed : feeds) keys.emplace_back(feed.url, feed.name, feed.categories);
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST(OpmlTest, ExportThenImportGivesTheSameFeeds) {
  Result<OpmlFeeds> original = LoadOpml(DataDir() + "/subscriptions.opml", "subscriptions.opml");
  ASSERT_TRUE(original.has_value());
  Config config;
  config.feeds = original->feeds;
  FeedConfig unnamed;
  unnamed.url = "https://unnamed.example/feed";
  unnamed.categories = {"金融", "新浪财经"};
  config.feeds.push_back(unnamed);
  FeedConfig odd;
  odd.url = "https://odd.example/?a=<b>&c=\"d\"";
  odd.name = "Odd \"quoted\" <name> & more";
  config.feeds.push_back(odd);

  Result<OpmlFeeds> again = ParseOpml(ExportOpml(config), "export.opml");
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_TRUE(again->warnings.empty());
  EXPECT_EQ(Keys(again->feeds), Keys(config.feeds));
}

}  // namespace
}  // namespace tributary::config
