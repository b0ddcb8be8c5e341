#include "feeds/feed_json.h"

#include <gtest/gtest.h>

namespace tributary::feeds {
namespace {

TEST(FeedJsonTest, WritesKeysInTheDocumentedOrderAndOmitsEmptyOnes) {
  ParsedFeed feed;
  feed.format = "rss2.0";
  feed.feed.title = "T";
  feed.feed.updated = FromUnix(1652064504);
  feed.feed.generator = "G";
  ParsedItem item;
  item.id = "1";
  item.title = "Caf\xC3\xA9 \"quoted\"";
  item.published = FromUnix(1652064504);
  item.content = "<p>x</p>";
  item.categories = {"a", "b"};
  item.enclosures.push_back({"https://e.example/a.mp3", "audio/mpeg", 123});
  item.enclosures.push_back({"https://e.example/b", "", std::nullopt});
  feed.items.push_back(item);
  feed.items.push_back(ParsedItem{});
  feed.warnings.push_back("not in the JSON");
  EXPECT_EQ(ParsedFeedToJson(feed, -1),
            R"({"feed":{"title":"T","updated":"2022-05-09T02:48:24Z","generator":"G"},)"
            R"("items":[{"id":"1","title":"Café \"quoted\"","published":"2022-05-09T02:48:24Z",)"
            R"("content":"<p>x</p>","categories":["a","b"],"enclosures":[{"url":)"
            R"("https://e.example/a.mp3","type":"audio/mpeg","length":123},{"url":)"
            R"("https://e.example/b"}]},{}]})");
}

TEST(FeedJsonTest, PrettyPrintsWithIndent) {
  ParsedFeed feed;
  feed.feed.title = "T";
  EXPECT_EQ(ParsedFeedToJson(feed),
            "{\n  \"feed\": {\n    \"title\": \"T\"\n  },\n  \"items\": []\n}");
}

TEST(FeedJsonTest, AddsWarningsOnlyWhenAsked) {
  ParsedFeed feed;
  feed.feed.title = "T";
  feed.warnings = {"HTML doctype before the feed's root element ignored", "a \"quoted\" one"};
  EXPECT_EQ(ParsedFeedToJson(feed, -1, true),
            R"({"feed":{"title":"T"},"items":[],"warnings":["HTML doctype before the feed's )"
            R"(root element ignored","a \"quoted\" one"]})");
  EXPECT_EQ(ParsedFeedToJson(feed, -1), R"({"feed":{"title":"T"},"items":[]})");
}

TEST(FeedJsonTest, WarningsArrayIsPresentWhenEmpty) {
  ParsedFeed feed;
  EXPECT_EQ(ParsedFeedToJson(feed, -1, true), R"({"feed":{},"items":[],"warnings":[]})");
}

}  // namespace
}  // namespace tributary::feeds
