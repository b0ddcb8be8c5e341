// RenderStatusPage: every feed's health, failing ones first and marked,
// hostile text escaped (E2), credentials masked; parsed back with gumbo.
#include "output/status_page.h"

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

FeedHealth Healthy(std::string name) {
  FeedHealth feed;
  feed.name = std::move(name);
  feed.url = "https://example.org/" + feed.name + ".xml";
  feed.site_link = "https://example.org/";
  feed.last_success = kNow - Seconds(3 * 3600);
  feed.last_attempt = feed.last_success;
  feed.http_status = 200;
  feed.next_poll = kNow + Seconds(240);
  feed.items = 12;
  return feed;
}

FeedHealth Failing(std::string name) {
  FeedHealth feed = Healthy(std::move(name));
  feed.error_class = "http_status";
  feed.error_message = "HTTP 503 Service Unavailable";
  feed.http_status = 503;
  feed.consecutive_failures = 4;
  feed.last_attempt = kNow - Seconds(600);
  return feed;
}

StatusPage SamplePage() {
  StatusPage page;
  page.version = "0.1.0";
  page.generated = kNow;
  page.started = kNow - Seconds(2 * 86400);
  page.feeds = {Healthy("alpha"), Failing("beta"), Healthy("gamma"), Failing("delta")};
  return page;
}

TEST(StatusPageTest, ListsFailingFeedsFirstAndMarksThem) {
  auto elements = ParseElements(RenderStatusPage(SamplePage()));
  auto rows = WithTag(elements, "tr");
  ASSERT_EQ(rows.size(), 5u);  // header + 4 feeds
  EXPECT_EQ(rows[1].attributes["class"], "failing");
  EXPECT_EQ(rows[2].attributes["class"], "failing");
  EXPECT_EQ(rows[3].attributes.count("class"), 0u);
  EXPECT_TRUE(rows[1].text.starts_with("Failing beta")) << rows[1].text;
  EXPECT_TRUE(rows[2].text.starts_with("Failing delta")) << rows[2].text;
  EXPECT_TRUE(rows[3].text.starts_with("OK alpha")) << rows[3].text;
  EXPECT_TRUE(rows[4].text.starts_with("OK gamma")) << rows[4].text;
}

TEST(StatusPageTest, ShowsEachFieldOfAFeed) {
  auto elements = ParseElements(RenderStatusPage(SamplePage()));
  auto rows = WithTag(elements, "tr");
  ASSERT_EQ(rows.size(), 5u);
  const std::string& failing = rows[1].text;
  EXPECT_NE(failing.find("https://example.org/beta.xml"), std::string::npos);
  EXPECT_NE(failing.find("3 h ago1 Dec 2025, 03:30 UTC"), std::string::npos) << failing;
  EXPECT_NE(failing.find("http_status HTTP 503 Service Unavailable"), std::string::npos);
  EXPECT_NE(failing.find("4 failures in a row, last 10 min ago"), std::string::npos);
  EXPECT_NE(failing.find("503"), std::string::npos);
  EXPECT_NE(failing.find("in 4 min1 Dec 2025, 06:34 UTC"), std::string::npos) << failing;
  auto cells = WithTag(elements, "td");
  ASSERT_GE(cells.size(), 6u);
  EXPECT_EQ(cells[5].attributes["data-label"], "Items");
  EXPECT_EQ(cells[5].text, "12");

  std::string html = RenderStatusPage(SamplePage());
  EXPECT_NE(html.find("<strong>4</strong> feeds"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"count bad\"><strong>2</strong> failing"), std::string::npos);
  EXPECT_NE(html.find("<strong>48</strong> items"), std::string::npos);
}

TEST(StatusPageTest, NamesTheClusterNodeAndWhoFetchesAFeed) {
  StatusPage page = SamplePage();
  EXPECT_EQ(RenderStatusPage(page).find("writes the files"), std::string::npos);
  page.node = "web-<2>";
  page.writer = true;
  page.feeds[0].fetching_node = "web-3";
  const std::string html = RenderStatusPage(page);
  EXPECT_NE(html.find("node web-&lt;2&gt; (writes the files)"), std::string::npos);
  EXPECT_NE(html.find("fetching on web-3"), std::string::npos);
}

TEST(StatusPageTest, ShowsEachHostsBudgetAndWhySlowed) {
  StatusPage page = SamplePage();
  HostHealth rsshub;
  rsshub.host = "http://127.0.0.1:1200";
  rsshub.active = 3;
  rsshub.max_per_host = 8;
  rsshub.configured_max_per_host = 8;
  rsshub.own_service = true;
  HostHealth limited;
  limited.host = "https://<b>busy</b>.example:443";
  limited.max_per_host = 1;
  limited.configured_max_per_host = 2;
  limited.spacing_ms = 2000;
  limited.slowdown_level = 1;
  limited.blocked_until = kNow + Seconds(120);
  page.hosts = {limited, rsshub};
  std::string html = RenderStatusPage(page);
  auto elements = ParseElements(html);
  EXPECT_EQ(WithTag(elements, "h2").size(), 1u);
  auto rows = WithTag(elements, "tr");
  ASSERT_EQ(rows.size(), 5u + 3u);  // feeds: header + 4; hosts: header + 2
  EXPECT_EQ(rows[6].attributes["class"], "failing");
  EXPECT_NE(rows[6].text.find("https://<b>busy</b>.example:443"), std::string::npos);
  EXPECT_NE(rows[6].text.find("1 of 2"), std::string::npos) << rows[6].text;
  EXPECT_NE(rows[6].text.find("2000 ms"), std::string::npos);
  EXPECT_NE(rows[6].text.find("waiting out Retry-After until in 2 min"), std::string::npos)
      << rows[6].text;
  EXPECT_EQ(rows[7].attributes.count("class"), 0u);
  EXPECT_NE(rows[7].text.find("own service"), std::string::npos);
  EXPECT_NE(rows[7].text.find("0 ms"), std::string::npos);
  EXPECT_EQ(html.find("<b>busy"), std::string::npos);  // escaped
}

// 100,000 rows are no page: failing feeds are all listed, healthy ones up
// to max_rows, and the counts still cover every feed.
TEST(StatusPageTest, ListsAtMostMaxRowsButCountsEveryFeed) {
  StatusPage page = SamplePage();  // 2 failing, 2 healthy
  for (int i = 0; i < 20; ++i) page.feeds.push_back(Healthy("more" + std::to_string(i)));
  page.max_rows = 5;
  std::string html = RenderStatusPage(page);
  auto rows = WithTag(ParseElements(html), "tr");
  ASSERT_EQ(rows.size(), 1u + 5u);
  EXPECT_EQ(rows[1].attributes["class"], "failing");
  EXPECT_EQ(rows[2].attributes["class"], "failing");
  EXPECT_NE(html.find("<strong>24</strong> feeds"), std::string::npos);
  EXPECT_NE(html.find("<strong>288</strong> items"), std::string::npos);
  EXPECT_NE(html.find("19 more healthy feeds are not listed here"), std::string::npos);

  page.max_rows = 1;  // failing feeds are never left out
  rows = WithTag(ParseElements(RenderStatusPage(page)), "tr");
  EXPECT_EQ(rows.size(), 1u + 2u);
}

TEST(StatusPageTest, NeverPolledFeedSaysSo) {
  StatusPage page = SamplePage();
  FeedHealth fresh;
  fresh.name = "fresh";
  fresh.url = "https://example.org/fresh.xml";
  page.feeds = {fresh};
  auto rows = WithTag(ParseElements(RenderStatusPage(page)), "tr");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NE(rows[1].text.find("Not yet polled"), std::string::npos);
  EXPECT_NE(rows[1].text.find("never"), std::string::npos);
  EXPECT_NE(rows[1].text.find("not scheduled"), std::string::npos);
}

TEST(StatusPageTest, EscapesHostileTextAndMasksCredentials) {
  StatusPage page = SamplePage();
  FeedHealth feed = Failing(kHostile);
  feed.url = "https://user:hunter2@example.org/feed?q=" + kHostile;
  feed.site_link = "javascript:alert(1)";
  feed.error_class = kHostile;
  feed.error_message = kHostile;
  page.title = kHostile;
  page.version = kHostile;
  page.feeds = {feed};
  std::string html = RenderStatusPage(page);
  EXPECT_EQ(html.find("hunter2"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  auto elements = ParseElements(html);
  EXPECT_EQ(WithTag(elements, "img").size(), 0u);
  EXPECT_EQ(WithTag(elements, "b").size(), 0u);
  for (const Element& e : elements) {
    for (const auto& [name, value] : e.attributes) EXPECT_FALSE(name.starts_with("on")) << name;
  }
  EXPECT_EQ(WithTag(elements, "title")[0].text, kHostile);
  EXPECT_EQ(WithTag(elements, "h1")[0].text, kHostile);
  auto rows = WithTag(elements, "tr");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NE(rows[1].text.find("Failing " + kHostile), std::string::npos) << rows[1].text;
  EXPECT_NE(rows[1].text.find(kHostile + " " + kHostile), std::string::npos);  // class + message
}

TEST(StatusPageTest, SaysSoWithoutFeeds) {
  StatusPage page;
  page.generated = kNow;
  std::string html = RenderStatusPage(page);
  EXPECT_NE(html.find("No feeds are configured."), std::string::npos);
  EXPECT_EQ(html.find("<table"), std::string::npos);
}

// Not a check: writes a realistic page for scripts/screenshot.sh when
// TRIBUTARY_PAGE_SAMPLES names a directory.
TEST(StatusPageTest, WritesSampleForScreenshots) {
  const char* dir = std::getenv("TRIBUTARY_PAGE_SAMPLES");
  if (dir == nullptr) GTEST_SKIP() << "set TRIBUTARY_PAGE_SAMPLES to write status.html";
  StatusPage page = SamplePage();
  page.feeds = {Healthy("Julia Evans"), Healthy("LWN.net"), Failing("The Old New Thing"),
                Healthy("Hacker News: Front Page")};
  FeedHealth timeout = Failing("A feed behind a slow proxy");
  timeout.url = "https://feeds.example.net/a/very/long/path/to/a/feed/that/wraps.xml?format=rss";
  timeout.error_class = "timeout";
  timeout.error_message = "Operation timed out after 30000 milliseconds with 0 bytes received";
  timeout.http_status.reset();
  page.feeds.push_back(timeout);
  FeedHealth fresh;
  fresh.name = "Just added";
  fresh.url = "https://example.com/new.atom";
  page.feeds.push_back(fresh);
  std::ofstream(std::string(dir) + "/status.html") << RenderStatusPage(page);
}

}  // namespace
}  // namespace tributary::output
