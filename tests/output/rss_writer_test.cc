#include "output/rss_writer.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <pugixml.hpp>
#include <random>
#include <string>

namespace tributary::output {
namespace {

std::pair<int, std::string> RunOn(const std::string& text, const std::string& command) {
  static int counter = 0;
  auto path =
      std::filesystem::temp_directory_path() / ("tributary_rss_test_" + std::to_string(::getpid()) +
                                                "_" + std::to_string(counter++) + ".xml");
  std::ofstream(path, std::ios::binary) << text;
  std::string full = command + " '" + path.string() + "' 2>&1";
  std::string output;
  FILE* pipe = ::popen(full.c_str(), "r");
  char buffer[4096];
  while (pipe != nullptr && std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  int status = pipe != nullptr ? ::pclose(pipe) : -1;
  std::filesystem::remove(path);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

const char* kFeedparser =
    "/usr/bin/python3 -c 'import sys, feedparser\n"
    "d = feedparser.parse(sys.argv[1])\n"
    "print(\"bozo=%d version=%s entries=%d\" % (d.bozo, d.version, len(d.entries)))\n"
    "for e in d.entries:\n"
    "    print(\"%s|%s|%s|%s\" % (e.get(\"title\"), e.get(\"source\", {}).get(\"title\"), "
    "e.get(\"source\", {}).get(\"href\"), e.get(\"id\")))'";

FeedDocument SampleDocument() {
  FeedDocument document;
  document.title = "Everything & more";
  document.self_url = "http://127.0.0.1:8080/all.rss";
  document.site_url = "http://127.0.0.1:8080/";
  document.updated = *ParseRfc3339("2022-05-10T00:00:00Z");
  OutputEntry entry;
  entry.id = "tag:example.org,2026:item/1";
  entry.title = "A <b>bold</b> & \"quoted\" title";
  entry.link = "https://example.org/posts/1";
  entry.author = "Ann Author";
  entry.published = ParseRfc3339("2022-05-09T02:48:24Z");
  entry.updated = *ParseRfc3339("2022-05-10T00:00:00Z");
  entry.content = "<p onclick=\"x()\">Body <a href=\"/rel\">rel</a></p><script>x</script>";
  entry.categories = {"News"};
  entry.enclosures.push_back({"https://example.org/a.mp3", "audio/mpeg", 1234});
  entry.enclosures.push_back({"https://example.org/b.ogg", "", std::nullopt});
  SourceRef source;
  source.title = "Example Feed";
  source.url = "https://example.org/feed.xml";
  entry.sources.push_back(source);
  document.entries.push_back(entry);
  return document;
}

TEST(RssWriterTest, ParsesBackThroughFeedparserWithoutBozo) {
  auto [status, output] = RunOn(RenderRss(SampleDocument()), kFeedparser);
  ASSERT_EQ(status, 0) << output;
  EXPECT_TRUE(output.starts_with("bozo=0 version=rss20 entries=1\n")) << output;
  EXPECT_NE(output.find("A <b>bold</b> & \"quoted\" title|Example Feed|"
                        "https://example.org/feed.xml|tag:example.org,2026:item/1\n"),
            std::string::npos)
      << output;
}

TEST(RssWriterTest, KeepsItemFieldsAndNamesItsSource) {
  pugi::xml_document xml;
  ASSERT_TRUE(xml.load_string(RenderRss(SampleDocument()).c_str()));
  pugi::xml_node channel = xml.child("rss").child("channel");
  EXPECT_STREQ(channel.child_value("title"), "Everything & more");
  EXPECT_STREQ(channel.child_value("lastBuildDate"), "Tue, 10 May 2022 00:00:00 GMT");
  pugi::xml_node item = channel.child("item");
  EXPECT_STREQ(item.child_value("link"), "https://example.org/posts/1");
  EXPECT_STREQ(item.child_value("pubDate"), "Mon, 09 May 2022 02:48:24 GMT");
  EXPECT_STREQ(item.child_value("dc:creator"), "Ann Author");
  EXPECT_STREQ(item.child_value("category"), "News");
  EXPECT_STREQ(item.child("guid").attribute("isPermaLink").value(), "false");
  EXPECT_STREQ(item.child("enclosure").attribute("url").value(), "https://example.org/a.mp3");
  EXPECT_STREQ(item.child("enclosure").attribute("length").value(), "1234");
  EXPECT_STREQ(item.child("enclosure").attribute("type").value(), "audio/mpeg");
  pugi::xml_node second = item.find_child_by_attribute("atom:link", "rel", "enclosure");
  EXPECT_STREQ(second.attribute("href").value(), "https://example.org/b.ogg");
  EXPECT_STREQ(item.child("source").attribute("url").value(), "https://example.org/feed.xml");
  EXPECT_STREQ(item.child_value("source"), "Example Feed");
  EXPECT_STREQ(item.child_value("description"),
               "<p>Body <a href=\"https://example.org/rel\">rel</a></p>");
}

TEST(RssWriterTest, RandomUnicodeInEveryFieldStaysWellFormed) {
  static const std::vector<std::string> kPieces = {
      "]]>",          "&",    "<",         ">",    "\"", "\x01", "\x1f", "\xed\xa0\x80",
      "\xef\xbf\xbf", "\xff", "<![CDATA[", "中文", "😀",  "a",    " ",    "\r\n"};
  std::mt19937 random(2002);
  std::uniform_int_distribution<std::size_t> count(0, 10);
  std::uniform_int_distribution<std::size_t> pick(0, kPieces.size() - 1);
  auto field = [&] {
    std::string text;
    for (std::size_t n = count(random); n > 0; --n) text += kPieces[pick(random)];
    return text;
  };
  FeedDocument document;
  document.title = field();
  for (int i = 0; i < 1000; ++i) {
    OutputEntry entry;
    entry.id = field();
    entry.title = field();
    entry.link = "https://example.org/" + field();
    entry.author = field();
    entry.content = field();
    entry.categories = {field()};
    entry.enclosures.push_back({"https://e.example/" + field(), field(), 1});
    entry.sources.push_back(
        SourceRef{field(), "https://s.example/" + field(), field(), field(), {}, std::nullopt, {}});
    document.entries.push_back(entry);
  }
  std::string rss = RenderRss(document);
  auto [status, output] = RunOn(rss, "xmllint --noout");
  EXPECT_EQ(status, 0) << output.substr(0, 2000);
  auto [parsed, report] = RunOn(rss, kFeedparser);
  EXPECT_TRUE(report.starts_with("bozo=0 version=rss20 entries=1000\n")) << report.substr(0, 500);
}

}  // namespace
}  // namespace tributary::output
