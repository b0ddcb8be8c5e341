#include "feeds/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "feeds/feed_json.h"

namespace tributary::feeds {
namespace {

std::string ReadData(const std::string& name) {
  const char* root = std::getenv("TRIBUTARY_TEST_DATA");
  std::string path = std::string(root ? root : "tests/data") + "/feeds/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

ParsedFeed MustParse(std::string_view body, ParseOptions options = {}) {
  Result<ParsedFeed> result = ParseFeed(body, options);
  EXPECT_TRUE(result.has_value()) << result.error().ToString();
  return result ? std::move(result).value() : ParsedFeed{};
}

TEST(ParserTest, ReadsTheSinaFinanceItem) {
  ParsedFeed feed = MustParse(ReadData("sina-finance-china.rss.xml"));
  EXPECT_EQ(feed.format, "rss2.0");
  EXPECT_EQ(feed.feed.title, "新浪财经－国內");
  ASSERT_EQ(feed.items.size(), 1u);
  const ParsedItem& item = feed.items[0];
  EXPECT_EQ(item.title, "5月至8月中旬，教育部开展高校毕业生就业“百日冲刺”活动");
  ASSERT_TRUE(item.published.has_value());
  EXPECT_EQ(FormatRfc3339(*item.published), "2022-05-09T02:48:24Z");
  EXPECT_EQ(item.link, "https://finance.sina.com.cn/china/2022-05-09/doc-imcwiwst6365042.shtml");
  // The description CDATA verbatim, and content = description without content:encoded.
  EXPECT_TRUE(item.summary.starts_with("<div>   \n<p cms-style=\"font-L\">"));
  EXPECT_TRUE(item.summary.ends_with("</div>\n            "));
  EXPECT_EQ(item.content, item.summary);
  EXPECT_EQ(feed.hints.ttl_minutes, 5);
  EXPECT_TRUE(feed.warnings.empty());
}

TEST(ParserTest, Gb2312LabelledCopyGivesIdenticalJson) {
  ParsedFeed utf8 = MustParse(ReadData("sina-finance-china.rss.xml"));
  ParsedFeed gbk = MustParse(ReadData("sina-finance-china.gb2312-label.rss.xml"));
  EXPECT_EQ(ParsedFeedToJson(utf8), ParsedFeedToJson(gbk));
  EXPECT_FALSE(ParsedFeedToJson(utf8).empty());
}

TEST(ParserTest, HttpCharsetOverridesTheDeclaration) {
  // GBK bytes for 你好, declared UTF-8, served as GBK.
  std::string body =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>"
      "\xC4\xE3\xBA\xC3</title></channel></rss>";
  ParseOptions options;
  options.content_type = "application/rss+xml; charset=GBK";
  EXPECT_EQ(MustParse(body, options).feed.title, "你好");
}

TEST(ParserTest, HtmlPageIsNotAFeedAndNamesTheAdvertisedFeed) {
  ParseOptions options;
  options.feed_url = "https://blog.example/";
  Result<ParsedFeed> result = ParseFeed(
      "<!DOCTYPE html><html><head><meta charset=utf-8><link rel=alternate "
      "type=application/atom+xml href=/atom.xml></head><body><p>Hi</body></html>",
      options);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kNotAFeed);
  EXPECT_EQ(
      result.error().message,
      "this is an HTML page, not a feed; it advertises the feed https://blog.example/atom.xml");
  EXPECT_EQ(result.error().context, "https://blog.example/");
}

TEST(ParserTest, OtherDocumentsAreNotFeeds) {
  struct Case {
    const char* body;
    ErrorCode code;
    const char* message;
  };
  const Case kCases[] = {
      {"", ErrorCode::kNotAFeed, "empty document"},
      {"   \n", ErrorCode::kNotAFeed, "empty document"},
      {"Not Found", ErrorCode::kNotAFeed, "document holds no markup at all"},
      {"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", ErrorCode::kNotAFeed,
       "root element <svg> is not rss, rdf:RDF or feed"},
      {"{}", ErrorCode::kNotAFeed, "JSON document is not a JSON Feed (no jsonfeed.org version)"},
      {"{\"version\": ", ErrorCode::kParse, "invalid JSON"},
      {"<", ErrorCode::kParse, "not XML: Could not determine tag type at byte 0"},
  };
  for (const Case& c : kCases) {
    Result<ParsedFeed> result = ParseFeed(c.body, {});
    ASSERT_FALSE(result.has_value()) << c.body;
    EXPECT_EQ(result.error().code, c.code) << c.body;
    EXPECT_EQ(result.error().message, c.message) << c.body;
  }
}

TEST(ParserTest, RefusesDeepNesting) {
  std::string body = "<rss><channel><item><description>";
  for (int i = 0; i < 300; ++i) body += "<a>";
  Result<ParsedFeed> result = ParseFeed(body, {});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kParse);
  EXPECT_EQ(result.error().message, "document nested deeper than 256 elements (too_deep)");
  // The limit itself: 256 levels (rss, channel, item, description and 252
  // more) are read; one more is refused.
  auto nested = [](int extra) {
    std::string doc = "<rss><channel><item><title>t</title><description>";
    for (int i = 0; i < extra; ++i) doc += "<a>";
    for (int i = 0; i < extra; ++i) doc += "</a>";
    return doc + "</description></item></channel></rss>";
  };
  EXPECT_TRUE(ParseFeed(nested(252), {}).has_value());
  Result<ParsedFeed> one_more = ParseFeed(nested(253), {});
  ASSERT_FALSE(one_more.has_value());
  EXPECT_THAT(one_more.error().message, ::testing::HasSubstr("too_deep"));
  std::string json(100000, '[');
  Result<ParsedFeed> deep_json = ParseFeed(json, {});
  ASSERT_FALSE(deep_json.has_value());
  EXPECT_EQ(deep_json.error().message, "JSON nested deeper than 256 levels");
}

// A CDATA section or a comment holds text, not references; a reference
// after one is still decoded, wherever they fall in the document.
TEST(ParserTest, ReferencesInCdataAndCommentsAreText) {
  for (int pad = 0; pad < 140; ++pad) {
    std::string body = "<rss><channel><title>" + std::string(static_cast<std::size_t>(pad), 'x') +
                       "</title><!-- R&D --><item><title><![CDATA[AT&T &#0;]]> &#0; &bull;"
                       "</title></item></channel></rss>";
    Result<ParsedFeed> result = ParseFeed(body, {});
    ASSERT_TRUE(result.has_value()) << pad;
    ASSERT_EQ(result->items.size(), 1u) << pad;
    // A title is plain text: its references are decoded, CDATA or not.
    EXPECT_EQ(result->items[0].title, "AT&T \uFFFD \uFFFD \u2022") << pad;
    std::vector<std::string> want = {"undefined XML entities decoded as HTML: &bull;",
                                     "&#0; character references replaced with U+FFFD"};
    EXPECT_EQ(result->warnings, want) << pad;
  }
}

// References are decoded a 64-byte block at a time, and byte by byte in
// the last 128 bytes of the document: every reference form at every offset
// of both, in element text and in an attribute.
TEST(ParserTest, DecodesReferencesAtEveryOffset) {
  for (int pad = 0; pad < 200; ++pad) {
    const std::string x(static_cast<std::size_t>(pad), 'x');
    std::string body = "<rss><channel><item><guid>" + x +
                       "A &amp; B&#x42;&#67;&quot;&apos; &bull; & &#0;&#;.</guid>"
                       "<enclosure url=\"https://e.org/" +
                       x + "?a=1&amp;b=&#50;\" type=\"audio/mpeg\"/></item></channel></rss>";
    Result<ParsedFeed> result = ParseFeed(body, {});
    ASSERT_TRUE(result.has_value()) << pad;
    ASSERT_EQ(result->items.size(), 1u) << pad;
    EXPECT_EQ(result->items[0].id, x + "A & BBC\"' \u2022 & \uFFFD&#;.") << pad;
    ASSERT_EQ(result->items[0].enclosures.size(), 1u) << pad;
    EXPECT_EQ(result->items[0].enclosures[0].url, "https://e.org/" + x + "?a=1&b=2") << pad;
    std::vector<std::string> want = {"undefined XML entities decoded as HTML: &bull;",
                                     "2 bare & characters read as text",
                                     "&#0; character references replaced with U+FFFD"};
    EXPECT_EQ(result->warnings, want) << pad;
    if (::testing::Test::HasFailure()) break;
  }
}

// Undefined names seen again are recognised by word (up to seven bytes
// and the ';'), longer ones by reading them; either way each is counted,
// the first five distinct are named, and a malformed character reference
// is a bare '&'.
TEST(ParserTest, CountsUndefinedEntitiesAndBareAmpersands) {
  ParsedFeed feed = MustParse(
      "<rss><channel><title>T</title><item><title>&epsilon; &epsilon; &nbsp;&nbsp; &nbspx; "
      "&thetasym; &thetasym; &a; &b; &c; &epsilon;x &nbsp &#xZ; &;</title><description>"
      "&a;&a;&nbsp;&epsilon;&epsilon;&epsilon;&thetasym;&nbspx;&c;</description></item>"
      "</channel></rss>");
  std::vector<std::string> want = {
      "undefined XML entities decoded as HTML: &epsilon;, &nbsp;, &nbspx;, &thetasym;, &a; (20 in "
      "all)",
      "3 bare & characters read as text"};
  EXPECT_EQ(feed.warnings, want);
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].title,
            "\u03b5 \u03b5 \u00a0\u00a0 &nbspx; \u03d1 \u03d1 &a; &b; &c; \u03b5x &nbsp &#xZ; &;");
}

TEST(ParserTest, TruncatedDocumentKeepsCompleteItems) {
  ParsedFeed feed = MustParse(
      "<rss version=\"2.0\"><channel><title>T</title><item><title>One</title></item>"
      "<item><title>Two</title></item><item><title>Thr");
  ASSERT_EQ(feed.items.size(), 2u);
  EXPECT_EQ(feed.items[1].title, "Two");
  ASSERT_EQ(feed.warnings.size(), 1u);
  EXPECT_EQ(feed.warnings[0],
            "document truncated or malformed (Start-end tags mismatch at byte 121); kept the 2 "
            "complete items before it");
}

// Attribute names are matched exactly first, wherever the exact one
// stands, and only then without regard to case.
TEST(ParserTest, ExactAttributeNameWinsOverAnyCase) {
  ParsedFeed feed = MustParse(
      "<rss version=\"2.0\"><channel><title>T</title>"
      "<item><title>One</title><enclosure URL=\"https://e.org/upper.mp3\" "
      "url=\"https://e.org/exact.mp3\" TYPE=\"audio/mpeg\"/></item>"
      "<item><title>Two</title><enclosure Url=\"https://e.org/only.mp3\"/></item>"
      "</channel></rss>");
  ASSERT_EQ(feed.items.size(), 2u);
  ASSERT_EQ(feed.items[0].enclosures.size(), 1u);
  EXPECT_EQ(feed.items[0].enclosures[0].url, "https://e.org/exact.mp3");
  EXPECT_EQ(feed.items[0].enclosures[0].type, "audio/mpeg");
  ASSERT_EQ(feed.items[1].enclosures.size(), 1u);
  EXPECT_EQ(feed.items[1].enclosures[0].url, "https://e.org/only.mp3");
}

TEST(ParserTest, ResolvesRelativeUrlsAgainstTheFeedUrl) {
  ParseOptions options;
  options.feed_url = "https://example.org/blog/feed.xml";
  ParsedFeed feed = MustParse(
      "<rss version=\"2.0\"><channel><link>/</link><item><link>post/1</link>"
      "<description>&lt;img src=\"img/a.png\"&gt;</description>"
      "<enclosure url=\"/a.mp3\" type=\"audio/mpeg\" length=\"12\"/></item></channel></rss>",
      options);
  EXPECT_EQ(feed.feed.link, "https://example.org/");
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].link, "https://example.org/blog/post/1");
  EXPECT_EQ(feed.items[0].summary, "<img src=\"https://example.org/blog/img/a.png\">");
  ASSERT_EQ(feed.items[0].enclosures.size(), 1u);
  EXPECT_EQ(feed.items[0].enclosures[0].url, "https://example.org/a.mp3");
  EXPECT_EQ(feed.items[0].enclosures[0].length, 12);
}

TEST(ParserTest, WithoutFeedUrlTheSiteLinkIsTheBase) {
  ParsedFeed feed = MustParse(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><link href=\"https://site.example/news/\"/>"
      "<entry><link href=\"a\"/></entry></feed>");
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].link, "https://site.example/news/a");
}

TEST(ParserTest, ReadsPollHints) {
  ParsedFeed feed = MustParse(
      "<rss version=\"2.0\" xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\"><channel>"
      "<ttl>60</ttl><sy:updatePeriod>hourly</sy:updatePeriod>"
      "<sy:updateFrequency>2</sy:updateFrequency><skipHours><hour>0</hour><hour>24</hour>"
      "<hour>23</hour><hour>x</hour></skipHours><skipDays><day>Saturday</day><day>sunday</day>"
      "</skipDays></channel></rss>");
  EXPECT_EQ(feed.hints.ttl_minutes, 60);
  EXPECT_EQ(feed.hints.update_period, Seconds{1800});
  EXPECT_EQ(feed.hints.skip_hours, (std::vector<int>{0, 23}));
  EXPECT_EQ(feed.hints.skip_days, (std::vector<std::string>{"Saturday", "Sunday"}));
}

TEST(ParserTest, EveryStringIsCleanUtf8) {
  ParsedFeed feed = MustParse(
      "<rss><channel><title>A&#0;B&#xD800;C&#1;D\xFF</title><item><title>x&#x110000;</title>"
      "</item></channel></rss>");
  EXPECT_EQ(feed.feed.title,
            "A\xEF\xBF\xBD"
            "B\xEF\xBF\xBD"
            "CD\xEF\xBF\xBD");
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].title, "x\xEF\xBF\xBD");
}

}  // namespace
}  // namespace tributary::feeds
