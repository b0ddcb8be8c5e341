// RenderRiverPage: structure, order, and escaping of hostile text (E2),
// checked by parsing the page back with a real HTML5 parser (gumbo).
#include "output/river_page.h"

#include <gtest/gtest.h>
#include <gumbo.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace tributary::output {
namespace {

const std::string kHostile = "\"><img src=x onerror=alert(1)>&amp;<b>";
const Timestamp kNow = FromUnix(1764570600);  // Mon, 01 Dec 2025 06:30:00 UTC

// One element of a parsed page: tag, attributes and its descendant text.
struct Element {
  std::string tag;
  std::map<std::string, std::string> attributes;
  std::string text;
};

std::string TextOf(const GumboNode* node) {
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE) {
    return node->v.text.text;
  }
  if (node->type != GUMBO_NODE_ELEMENT) return "";
  std::string text;
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    text += TextOf(static_cast<const GumboNode*>(children.data[i]));
  }
  return text;
}

std::vector<Element> ParseElements(const std::string& html) {
  std::vector<Element> elements;
  GumboOutput* output = gumbo_parse(html.c_str());
  std::vector<const GumboNode*> stack = {output->root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    Element element;
    element.tag = gumbo_normalized_tagname(node->v.element.tag);
    const GumboVector& attributes = node->v.element.attributes;
    for (unsigned i = 0; i < attributes.length; ++i) {
      const auto* attribute = static_cast<const GumboAttribute*>(attributes.data[i]);
      element.attributes[attribute->name] = attribute->value;
    }
    element.text = TextOf(node);
    elements.push_back(std::move(element));
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i > 0; --i) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i - 1]));
    }
  }
  gumbo_destroy_output(&kGumboDefaultOptions, output);
  return elements;
}

std::vector<Element> WithTag(const std::vector<Element>& elements, std::string_view tag) {
  std::vector<Element> found;
  for (const Element& e : elements) {
    if (e.tag == tag) found.push_back(e);
  }
  return found;
}

RiverItem Item(std::string title, Timestamp time) {
  RiverItem item;
  item.title = std::move(title);
  item.link = "https://example.org/" + std::to_string(ToUnix(time));
  item.source_title = "Example Blog";
  item.source_link = "https://example.org/";
  item.time = time;
  item.summary_html = "<p>Summary of " + item.title + "</p>";
  return item;
}

RiverPage SamplePage() {
  RiverPage page;
  page.title = "Planet Tributary";
  page.description = "Everything our feeds said, newest first.";
  page.generated = kNow;
  page.feeds = {{"Atom", "/feed.atom", "application/atom+xml"},
                {"RSS", "/feed.rss", "application/rss+xml"},
                {"JSON Feed", "/feed.json", "application/feed+json"}};
  page.items = {Item("Older", kNow - Seconds(86400 + 3600)), Item("Newest", kNow - Seconds(60)),
                Item("Middle", kNow - Seconds(7200))};
  return page;
}

TEST(RiverPageTest, IsAnHtml5DocumentForPhones) {
  std::string html = RenderRiverPage(SamplePage());
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"),
            std::string::npos);
  EXPECT_NE(html.find("prefers-color-scheme:dark"), std::string::npos);
  auto elements = ParseElements(html);
  ASSERT_EQ(WithTag(elements, "title").size(), 1u);
  EXPECT_EQ(WithTag(elements, "title")[0].text, "Planet Tributary");
  ASSERT_EQ(WithTag(elements, "h1").size(), 1u);
  EXPECT_EQ(WithTag(elements, "script").size(), 0u);
}

TEST(RiverPageTest, ListsItemsNewestFirstGroupedByDay) {
  auto elements = ParseElements(RenderRiverPage(SamplePage()));
  auto titles = WithTag(elements, "h3");
  ASSERT_EQ(titles.size(), 3u);
  EXPECT_EQ(titles[0].text, "Newest");
  EXPECT_EQ(titles[1].text, "Middle");
  EXPECT_EQ(titles[2].text, "Older");
  auto days = WithTag(elements, "h2");
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].text, "Monday, 1 December 2025");
  EXPECT_EQ(days[1].text, "Sunday, 30 November 2025");
  EXPECT_EQ(WithTag(elements, "article").size(), 3u);
}

TEST(RiverPageTest, ShowsSourceTimeSummaryAndLinks) {
  std::string html = RenderRiverPage(SamplePage());
  EXPECT_NE(html.find("<a href=\"https://example.org/1764570540\">Newest</a>"), std::string::npos);
  EXPECT_NE(html.find("<a class=\"source\" href=\"https://example.org/\">Example Blog</a>"),
            std::string::npos);
  EXPECT_NE(html.find("<time datetime=\"2025-12-01T06:29:00Z\">06:29 UTC</time>"),
            std::string::npos);
  EXPECT_NE(html.find("<div class=\"summary\"><p>Summary of Newest</p></div>"), std::string::npos);
  EXPECT_NE(html.find("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Atom\" "
                      "href=\"/feed.atom\">"),
            std::string::npos);
  EXPECT_NE(html.find("<a href=\"/feed.json\" type=\"application/feed+json\">JSON Feed</a>"),
            std::string::npos);
  EXPECT_NE(html.find("<a href=\"/status\">Feed status</a>"), std::string::npos);
}

TEST(RiverPageTest, EscapesHostileTextEverywhere) {
  RiverPage page = SamplePage();
  page.title = kHostile;
  page.description = kHostile;
  page.feeds = {{kHostile, "/feed.atom", kHostile}};
  RiverItem item = Item(kHostile, kNow);
  item.source_title = kHostile;
  item.author = kHostile;
  item.summary_html.clear();
  page.items = {item};
  std::string html = RenderRiverPage(page);

  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;&lt;b&gt;"),
            std::string::npos);
  auto elements = ParseElements(html);
  EXPECT_EQ(WithTag(elements, "img").size(), 0u);
  EXPECT_EQ(WithTag(elements, "b").size(), 0u);
  for (const Element& e : elements) {
    for (const auto& [name, value] : e.attributes) EXPECT_FALSE(name.starts_with("on")) << name;
  }
  // The text reads back as the original string, in each place it appears.
  EXPECT_EQ(WithTag(elements, "title")[0].text, kHostile);
  EXPECT_EQ(WithTag(elements, "h1")[0].text, kHostile);
  EXPECT_EQ(WithTag(elements, "h3")[0].text, kHostile);
  auto links = WithTag(elements, "link");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].attributes["title"], kHostile);
  EXPECT_EQ(links[0].attributes["type"], kHostile);
  EXPECT_NE(WithTag(elements, "p")[1].text.find("by " + kHostile), std::string::npos);
}

TEST(RiverPageTest, LinksOnlyHttpUrls) {
  RiverPage page = SamplePage();
  page.items.clear();
  for (const char* url : {"javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
                          "java\tscript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x",
                          "//evil.example/", "file:///etc/passwd", "\"onmouseover=alert(1)"}) {
    RiverItem item = Item("Bad link", kNow);
    item.link = url;
    item.source_link = url;
    page.items.push_back(item);
  }
  page.feeds = {{"Evil", "javascript:alert(1)", "text/html"}};
  auto elements = ParseElements(RenderRiverPage(page));
  EXPECT_EQ(WithTag(elements, "h3").size(), 9u);  // still listed, as text
  for (const Element& e : elements) {
    auto href = e.attributes.find("href");
    if (href == e.attributes.end()) continue;
    EXPECT_TRUE(href->second.starts_with("https://") || href->second == "/status") << href->second;
  }
  EXPECT_EQ(WithTag(elements, "link").size(), 0u);
}

TEST(RiverPageTest, SaysSoWhenEmpty) {
  RiverPage page;
  page.generated = kNow;
  std::string html = RenderRiverPage(page);
  EXPECT_NE(html.find("No items yet."), std::string::npos);
  EXPECT_EQ(html.find("<section"), std::string::npos);
}

TEST(RiverPageTest, SaysHowManyFeedsHaveAnsweredDuringTheFirstRound) {
  RiverPage page = SamplePage();
  page.feeds_answered = 3;
  page.feeds_total = 8;
  std::string html = RenderRiverPage(page);
  EXPECT_NE(html.find("<p class=\"progress\">3 of 8 feeds have answered so far."),
            std::string::npos);
  EXPECT_EQ(html.find("No items yet"), std::string::npos);
  EXPECT_EQ(WithTag(ParseElements(html), "h3").size(), 3u);

  page.feeds_answered = 8;
  EXPECT_EQ(RenderRiverPage(page).find("answered so far"), std::string::npos);
}

TEST(RiverPageTest, EmptyPageSaysWhetherFeedsAreStillAnswering) {
  RiverPage page;
  page.generated = kNow;
  page.feeds_answered = 0;
  page.feeds_total = 1;
  std::string html = RenderRiverPage(page);
  EXPECT_NE(html.find("No items yet: 0 of 1 feed has answered so far."), std::string::npos);
  EXPECT_EQ(html.find("class=\"progress\""), std::string::npos);
  page.feeds_answered = 1;
  EXPECT_NE(RenderRiverPage(page).find("every feed has answered, none with an item"),
            std::string::npos);
}

// Not a check: writes a realistic page for scripts/screenshot.sh when
// TRIBUTARY_PAGE_SAMPLES names a directory.
TEST(RiverPageTest, WritesSampleForScreenshots) {
  const char* dir = std::getenv("TRIBUTARY_PAGE_SAMPLES");
  if (dir == nullptr) GTEST_SKIP() << "set TRIBUTARY_PAGE_SAMPLES to write river.html";
  RiverPage page = SamplePage();
  page.title = "Planet Tributary";
  const char* sources[] = {"Julia Evans", "LWN.net", "The Old New Thing", "Hacker News: Front",
                           "Raymond's Blog — a very long feed name to see wrapping"};
  const char* titles[] = {
      "How DNS resolution really works, with pictures",
      "A kernel regression in io_uring's buffer rings, found and fixed",
      "Why does the taskbar flicker when I drag a window across monitors?",
      "Show HN: A feed aggregator that treats 304 Not Modified as a success",
      "Longer titles wrap onto a second line without breaking the layout of the card at all"};
  page.items.clear();
  for (int i = 0; i < 10; ++i) {
    RiverItem item;
    item.title = titles[i % 5];
    item.link = "https://example.org/post/" + std::to_string(i);
    item.source_title = sources[i % 5];
    item.source_link = "https://example.org/";
    item.author = i % 3 == 0 ? "Ada Lovelace" : "";
    item.time = kNow - Seconds(i * 5 * 3600 + 600);
    item.summary_html =
        "<p>The first paragraph of the post, as the feed gave it, sanitised. It runs long enough "
        "to show the measure of a line on a wide screen and how it wraps on a phone.</p>";
    if (i == 1) item.summary_html += "<blockquote><p>A quoted passage.</p></blockquote>";
    if (i == 2)
      item.summary_html += "<pre><code>$ tributary --config /etc/tributary.yaml</code></pre>";
    page.items.push_back(item);
  }
  page.items[4].title = kHostile;
  std::ofstream(std::string(dir) + "/river.html") << RenderRiverPage(page);
}

}  // namespace
}  // namespace tributary::output
