#include "output/json_feed_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace tributary::output {
namespace {

FeedDocument SampleDocument() {
  FeedDocument document;
  document.title = "Everything";
  document.self_url = "http://127.0.0.1:8080/all.json";
  OutputEntry entry;
  entry.id = "tag:example.org,2026:item/1";
  entry.title = "Title \xff with bad byte";
  entry.link = "https://example.org/posts/1";
  entry.author = "Ann";
  entry.published = ParseRfc3339("2022-05-09T02:48:24Z");
  entry.updated = *ParseRfc3339("2022-05-10T00:00:00Z");
  entry.summary = "<b>short</b>";
  entry.content = "<p>Body<script>x</script> <img src=\"i.png\"></p>";
  entry.categories = {"News"};
  entry.enclosures.push_back({"https://example.org/a.mp3", "audio/mpeg", 1234});
  SourceRef source;
  source.title = "Example Feed";
  source.url = "https://example.org/feed.xml";
  source.link = "https://example.org/";
  source.id = "urn:x:feed";
  entry.sources.push_back(source);
  document.entries.push_back(entry);
  return document;
}

TEST(JsonFeedWriterTest, WritesJsonFeedOneOneWithSources) {
  nlohmann::json feed = nlohmann::json::parse(RenderJsonFeed(SampleDocument()));
  EXPECT_EQ(feed["version"], "https://jsonfeed.org/version/1.1");
  EXPECT_EQ(feed["feed_url"], "http://127.0.0.1:8080/all.json");
  const auto& item = feed["items"][0];
  EXPECT_EQ(item["id"], "tag:example.org,2026:item/1");
  EXPECT_EQ(item["url"], "https://example.org/posts/1");
  EXPECT_EQ(item["title"], "Title \xEF\xBF\xBD with bad byte");
  EXPECT_EQ(item["content_html"], "<p>Body <img src=\"https://example.org/posts/i.png\"></p>");
  EXPECT_EQ(item["summary"], "<b>short</b>");
  EXPECT_EQ(item["date_published"], "2022-05-09T02:48:24Z");
  EXPECT_EQ(item["date_modified"], "2022-05-10T00:00:00Z");
  EXPECT_EQ(item["authors"][0]["name"], "Ann");
  EXPECT_EQ(item["tags"][0], "News");
  EXPECT_EQ(item["attachments"][0]["url"], "https://example.org/a.mp3");
  EXPECT_EQ(item["attachments"][0]["size_in_bytes"], 1234);
  const auto& source = item["_tributary"]["sources"][0];
  EXPECT_EQ(source["title"], "Example Feed");
  EXPECT_EQ(source["url"], "https://example.org/feed.xml");
  EXPECT_EQ(source["link"], "https://example.org/");
  EXPECT_EQ(source["id"], "urn:x:feed");
}

TEST(JsonFeedWriterTest, EmptyDocumentIsValidJson) {
  nlohmann::json feed = nlohmann::json::parse(RenderJsonFeed(FeedDocument{}));
  EXPECT_TRUE(feed["items"].is_array());
  EXPECT_TRUE(feed["items"].empty());
}

TEST(JsonFeedWriterTest, RandomUnicodeInEveryFieldStaysValidJson) {
  static const std::vector<std::string> kPieces = {
      "\"", "\\",       "\x01",   "\x1f", "\xed\xa0\x80",      "\xff", "\xc3", "中文", "😀", "]]>",
      "&",  "<script>", "\u2028", "a",    std::string(1, '\0')};
  std::mt19937 random(1101);
  std::uniform_int_distribution<std::size_t> count(0, 10);
  std::uniform_int_distribution<std::size_t> pick(0, kPieces.size() - 1);
  auto field = [&] {
    std::string text;
    for (std::size_t n = count(random); n > 0; --n) text += kPieces[pick(random)];
    return text;
  };
  FeedDocument document;
  document.title = field();
  for (int i = 0; i < 2000; ++i) {
    OutputEntry entry;
    entry.id = field();
    entry.title = field();
    entry.author = field();
    entry.content = field();
    entry.summary = field();
    entry.categories = {field()};
    entry.enclosures.push_back({"https://e.example/" + field(), field(), 1});
    entry.sources.push_back(SourceRef{field(), field(), field(), field(), {}, std::nullopt, {}});
    document.entries.push_back(entry);
  }
  nlohmann::json feed = nlohmann::json::parse(RenderJsonFeed(document), nullptr, false);
  ASSERT_FALSE(feed.is_discarded());
  EXPECT_EQ(feed["items"].size(), 2000u);
}

}  // namespace
}  // namespace tributary::output
