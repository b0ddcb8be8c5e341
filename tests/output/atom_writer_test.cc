#include "output/atom_writer.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pugixml.hpp>
#include <random>
#include <string>

namespace tributary::output {
namespace {

std::string TestData(const std::string& relative) {
  const char* root = std::getenv("TRIBUTARY_TEST_DATA");
  return std::string(root != nullptr ? root : "tests/data") + "/" + relative;
}

// Writes `text` to a temp file and runs `command` with the file's path
// appended; returns the exit status and what it printed.
std::pair<int, std::string> RunOn(const std::string& text, const std::string& command) {
  static int counter = 0;
  auto path = std::filesystem::temp_directory_path() /
              ("tributary_atom_test_" + std::to_string(::getpid()) + "_" +
               std::to_string(counter++) + ".xml");
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

std::string RelaxNg() { return "xmllint --noout --relaxng '" + TestData("output/atom.rng") + "'"; }

// Prints "bozo=<0|1> entries=<n>" and, per entry, "title|source title|link".
const char* kFeedparser =
    "/usr/bin/python3 -c 'import sys, feedparser\n"
    "d = feedparser.parse(sys.argv[1])\n"
    "print(\"bozo=%d entries=%d\" % (d.bozo, len(d.entries)))\n"
    "for e in d.entries:\n"
    "    print(\"%s|%s|%s\" % (e.get(\"title\"), e.get(\"source\", {}).get(\"title\"), "
    "e.get(\"link\")))'";

OutputEntry SampleEntry() {
  OutputEntry entry;
  entry.id = "tag:example.org,2026:item/1";
  entry.title = "\"><img src=x onerror=alert(1)>&amp;<b>";
  entry.link = "https://example.org/posts/1";
  entry.author = "Ann Author";
  entry.published = ParseRfc3339("2022-05-09T02:48:24Z");
  entry.updated = *ParseRfc3339("2022-05-10T00:00:00Z");
  entry.summary = "<p>Short <script>alert(1)</script></p>";
  entry.content = "<p onclick=\"x()\">Body <a href=\"/rel\">rel</a> <img src=\"i.png\"></p>";
  entry.categories = {"News", "Tech & Science"};
  entry.enclosures.push_back({"https://example.org/a.mp3", "audio/mpeg", 1234});
  entry.enclosures.push_back({"javascript:alert(1)", "text/html", std::nullopt});
  SourceRef source;
  source.title = "Example Feed";
  source.url = "https://example.org/feed.xml";
  source.link = "https://example.org/";
  source.id = "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6";
  source.updated = ParseRfc3339("2022-05-10T01:00:00Z");
  entry.sources.push_back(source);
  SourceRef second = source;
  second.title = "Mirror";
  second.url = "https://mirror.example/feed";
  entry.sources.push_back(second);
  return entry;
}

FeedDocument SampleDocument() {
  FeedDocument document;
  document.title = "Everything";
  document.id = "tag:tributary.invalid,2026:output/1";
  document.self_url = "http://127.0.0.1:8080/all.atom";
  document.site_url = "http://127.0.0.1:8080/";
  document.updated = *ParseRfc3339("2022-05-10T00:00:00Z");
  document.entries.push_back(SampleEntry());
  OutputEntry bare;
  bare.id = "urn:x:bare";
  bare.title = "";
  bare.updated = *ParseRfc3339("2020-01-01T00:00:00Z");
  document.entries.push_back(bare);
  return document;
}

TEST(AtomWriterTest, PassesRelaxNgSchema) {
  auto [status, output] = RunOn(RenderAtom(SampleDocument()), RelaxNg());
  EXPECT_EQ(status, 0) << output;
}

TEST(AtomWriterTest, EmptyFeedPassesRelaxNgSchema) {
  FeedDocument document;
  auto [status, output] = RunOn(RenderAtom(document), RelaxNg());
  EXPECT_EQ(status, 0) << output;
}

TEST(AtomWriterTest, ParsesBackThroughFeedparserWithoutBozo) {
  auto [status, output] = RunOn(RenderAtom(SampleDocument()), kFeedparser);
  ASSERT_EQ(status, 0) << output;
  EXPECT_NE(output.find("bozo=0 entries=2\n"), std::string::npos) << output;
  EXPECT_NE(output.find("\"><img src=x onerror=alert(1)>&amp;<b>|Example Feed|"
                        "https://example.org/posts/1\n"),
            std::string::npos)
      << output;
}

TEST(AtomWriterTest, KeepsEntryFieldsAndNamesItsSource) {
  pugi::xml_document xml;
  ASSERT_TRUE(xml.load_string(RenderAtom(SampleDocument()).c_str()));
  pugi::xml_node entry = xml.child("feed").child("entry");
  EXPECT_STREQ(entry.child_value("id"), "tag:example.org,2026:item/1");
  EXPECT_STREQ(entry.child("title").attribute("type").value(), "text");
  EXPECT_STREQ(entry.child_value("title"), "\"><img src=x onerror=alert(1)>&amp;<b>");
  EXPECT_STREQ(entry.child_value("published"), "2022-05-09T02:48:24Z");
  EXPECT_STREQ(entry.child_value("updated"), "2022-05-10T00:00:00Z");
  EXPECT_STREQ(entry.child("author").child_value("name"), "Ann Author");
  EXPECT_STREQ(entry.find_child_by_attribute("link", "rel", "alternate").attribute("href").value(),
               "https://example.org/posts/1");
  pugi::xml_node enclosure = entry.find_child_by_attribute("link", "rel", "enclosure");
  EXPECT_STREQ(enclosure.attribute("href").value(), "https://example.org/a.mp3");
  EXPECT_STREQ(enclosure.attribute("length").value(), "1234");
  EXPECT_FALSE(enclosure.next_sibling("link").attribute("href").as_string()[0] == 'j');
  EXPECT_STREQ(entry.child("category").attribute("term").value(), "News");
  EXPECT_STREQ(entry.child("category").next_sibling("category").attribute("term").value(),
               "Tech & Science");
  pugi::xml_node source = entry.child("source");
  EXPECT_STREQ(source.child_value("title"), "Example Feed");
  EXPECT_STREQ(source.child_value("id"), "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6");
  EXPECT_STREQ(source.child_value("updated"), "2022-05-10T01:00:00Z");
  EXPECT_STREQ(source.find_child_by_attribute("link", "rel", "self").attribute("href").value(),
               "https://example.org/feed.xml");
  EXPECT_STREQ(entry.child("tributary:source").attribute("title").value(), "Mirror");
}

TEST(AtomWriterTest, ContentIsSanitisedWithEntryLinkAsBase) {
  pugi::xml_document xml;
  ASSERT_TRUE(xml.load_string(RenderAtom(SampleDocument()).c_str()));
  pugi::xml_node entry = xml.child("feed").child("entry");
  EXPECT_STREQ(entry.child("content").attribute("type").value(), "html");
  EXPECT_STREQ(entry.child_value("content"),
               "<p>Body <a href=\"https://example.org/rel\">rel</a> "
               "<img src=\"https://example.org/posts/i.png\"></p>");
  EXPECT_STREQ(entry.child_value("summary"), "<p>Short </p>");
}

std::string RandomField(std::mt19937& random) {
  static const std::vector<std::string> kPieces = {"]]>",
                                                   "&",
                                                   "&amp;",
                                                   "<",
                                                   ">",
                                                   "\"",
                                                   "'",
                                                   "\x01",
                                                   "\x0b",
                                                   "\x1f",
                                                   "\x7f",
                                                   "\xc2\x85",
                                                   "\xed\xa0\x80",
                                                   "\xef\xbf\xbe",
                                                   "\xef\xbf\xbf",
                                                   "\xff",
                                                   "\xc3",
                                                   "\x00",
                                                   "<![CDATA[",
                                                   "-->",
                                                   "\r\n",
                                                   "\t",
                                                   "中文",
                                                   "😀",
                                                   "a",
                                                   "text ",
                                                   "<script>",
                                                   "javascript:",
                                                   "\xf4\x90\x80\x80"};
  std::uniform_int_distribution<std::size_t> count(0, 12);
  std::uniform_int_distribution<std::size_t> pick(0, kPieces.size() - 1);
  std::string field;
  for (std::size_t n = count(random); n > 0; --n) {
    const std::string& piece = kPieces[pick(random)];
    field += piece.empty() ? std::string(1, '\0') : piece;
  }
  return field;
}

OutputEntry RandomEntry(std::mt19937& random) {
  OutputEntry entry;
  entry.id = RandomField(random);
  entry.title = RandomField(random);
  entry.link = "https://example.org/" + RandomField(random);
  entry.author = RandomField(random);
  entry.summary = RandomField(random);
  entry.content = RandomField(random);
  entry.categories = {RandomField(random), RandomField(random)};
  entry.enclosures.push_back({"http://e.example/" + RandomField(random), RandomField(random), 5});
  SourceRef source;
  source.title = RandomField(random);
  source.id = RandomField(random);
  source.url = RandomField(random);
  source.link = RandomField(random);
  entry.sources.push_back(source);
  return entry;
}

TEST(AtomWriterTest, RandomUnicodeInEveryFieldStaysWellFormed) {
  std::mt19937 random(4287);
  for (int document_index = 0; document_index < 10; ++document_index) {
    FeedDocument document;
    document.title = RandomField(random);
    document.id = RandomField(random);
    for (int i = 0; i < 300; ++i) document.entries.push_back(RandomEntry(random));
    std::string atom = RenderAtom(document);
    pugi::xml_document xml;
    ASSERT_TRUE(xml.load_string(atom.c_str())) << atom;
    auto [status, output] = RunOn(atom, RelaxNg());
    EXPECT_EQ(status, 0) << output.substr(0, 2000);
    if (document_index < 2) {
      auto [parsed, report] = RunOn(atom, kFeedparser);
      EXPECT_TRUE(report.starts_with("bozo=0 entries=300\n")) << report.substr(0, 2000);
    }
  }
}

}  // namespace
}  // namespace tributary::output
