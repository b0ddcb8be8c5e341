#include "output/sanitizer.h"

#include <gtest/gtest.h>
#include <gumbo.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace tributary::output {
namespace {

std::string TestData(const std::string& relative) {
  const char* root = std::getenv("TRIBUTARY_TEST_DATA");
  return std::string(root != nullptr ? root : "tests/data") + "/" + relative;
}

std::vector<std::string> LoadVectors() {
  std::ifstream in(TestData("output/xss/vectors.txt"));
  std::vector<std::string> vectors;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.starts_with("# ")) continue;
    vectors.push_back(line);
  }
  return vectors;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// Scheme as a browser would see it: controls and spaces ignored.
std::string SchemeOf(const std::string& value) {
  std::string stripped;
  for (char c : value) {
    if (static_cast<unsigned char>(c) > 0x20) stripped += c;
  }
  stripped = Lower(stripped);
  std::size_t colon = stripped.find(':');
  if (colon == std::string::npos) return "";
  std::string scheme = stripped.substr(0, colon);
  if (scheme.find_first_of("/?#") != std::string::npos) return "";
  return scheme;
}

bool IsIn(const std::string& value, std::initializer_list<const char*> set) {
  for (const char* item : set) {
    if (value == item) return true;
  }
  return false;
}

// Re-parses `html` and lists every executable or disallowed construct.
std::vector<std::string> Violations(const std::string& html, SanitizeMode mode) {
  bool strict = mode == SanitizeMode::kStrict;
  std::vector<std::string> found;
  GumboOptions options = kGumboDefaultOptions;
  options.fragment_context = GUMBO_TAG_BODY;
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  std::vector<const GumboNode*> pending{output->root};
  bool root = true;
  while (!pending.empty()) {
    const GumboNode* node = pending.back();
    pending.pop_back();
    if (node->type == GUMBO_NODE_COMMENT && strict) found.push_back("comment");
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    const GumboElement& element = node->v.element;
    std::string tag = gumbo_normalized_tagname(element.tag);
    if (element.tag_namespace != GUMBO_NAMESPACE_HTML) found.push_back("foreign " + tag);
    if (!root && IsIn(tag, {"script", "iframe", "frame", "frameset", "object", "embed", "applet",
                            "base", "meta", "link", "svg", "math", "noscript", "template", "xmp",
                            "noembed", "noframes", "plaintext", "param"})) {
      found.push_back("tag " + tag);
    }
    if (strict && IsIn(tag, {"style", "form", "input", "textarea", "select", "button", "title"})) {
      found.push_back("tag " + tag);
    }
    root = false;
    for (unsigned i = 0; i < element.attributes.length; ++i) {
      const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[i]);
      std::string name = Lower(attribute->name);
      std::string value = attribute->value;
      std::string scheme = SchemeOf(value);
      if (name.starts_with("on")) found.push_back("handler " + name);
      if (strict && IsIn(name, {"style", "class", "id", "srcset", "action", "formaction"})) {
        found.push_back("attribute " + name);
      }
      if (IsIn(scheme, {"javascript", "vbscript", "livescript"})) found.push_back("url " + value);
      bool url = IsIn(name, {"href", "src", "action", "formaction", "poster", "background", "data",
                             "cite", "dynsrc", "lowsrc", "xlink:href", "srcset"});
      if (url && scheme == "data") found.push_back("data url " + value);
      if (strict && url && !scheme.empty() && !IsIn(scheme, {"http", "https", "mailto"})) {
        found.push_back("scheme " + value);
      }
      if (name == "style" && Lower(value).find("expression(") != std::string::npos) {
        found.push_back("css expression");
      }
    }
    for (unsigned i = 0; i < element.children.length; ++i) {
      pending.push_back(static_cast<const GumboNode*>(element.children.data[i]));
    }
  }
  gumbo_destroy_output(&options, output);
  return found;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += item + "; ";
  return out;
}

SanitizeOptions Strict(std::string base = "") {
  SanitizeOptions options;
  options.base_url = std::move(base);
  return options;
}

SanitizeOptions ActiveOnly() {
  SanitizeOptions options;
  options.mode = SanitizeMode::kActiveContentOnly;
  return options;
}

TEST(SanitizerTest, CorpusHasAtLeastOneHundredVectors) { EXPECT_GE(LoadVectors().size(), 100u); }

TEST(SanitizerTest, StrictLeavesNoExecutableConstructInCorpus) {
  for (const std::string& vector : LoadVectors()) {
    std::string clean = SanitizeHtml(vector, Strict("https://feed.example/post/1"));
    EXPECT_EQ(Join(Violations(clean, SanitizeMode::kStrict)), "")
        << "input: " << vector << "\noutput: " << clean;
  }
}

TEST(SanitizerTest, ActiveOnlyLeavesNoExecutableConstructInCorpus) {
  for (const std::string& vector : LoadVectors()) {
    std::string clean = SanitizeHtml(vector, ActiveOnly());
    EXPECT_EQ(Join(Violations(clean, SanitizeMode::kActiveContentOnly)), "")
        << "input: " << vector << "\noutput: " << clean;
  }
}

TEST(SanitizerTest, IdempotentOnCorpus) {
  for (const std::string& vector : LoadVectors()) {
    for (const SanitizeOptions& options :
         {Strict(), Strict("https://a.example/b/"), ActiveOnly()}) {
      std::string once = SanitizeHtml(vector, options);
      EXPECT_EQ(SanitizeHtml(once, options), once) << "input: " << vector;
    }
  }
}

TEST(SanitizerTest, CorpusVectorsInsideOrdinaryMarkupStaySafe) {
  for (const std::string& vector : LoadVectors()) {
    std::string wrapped = "<div><p>before <b>" + vector + "</b> after</p></div><p>tail</p>";
    std::string clean = SanitizeHtml(wrapped, Strict());
    EXPECT_EQ(Join(Violations(clean, SanitizeMode::kStrict)), "") << vector;
    EXPECT_EQ(SanitizeHtml(clean, Strict()), clean) << vector;
  }
}

TEST(SanitizerTest, KeepsOrdinaryMarkup) {
  std::string html =
      "<p>Hello <b>bold</b> &amp; <i>it</i></p><ul><li>one</li></ul>"
      "<a href=\"https://example.org/x?a=1&amp;b=2\">link</a><img "
      "src=\"https://example.org/i.png\" "
      "alt=\"pic\"><br><blockquote cite=\"https://example.org/\">q</blockquote>";
  EXPECT_EQ(SanitizeHtml(html, Strict()), html);
}

TEST(SanitizerTest, StrictDropsStyleClassIdAndComments) {
  EXPECT_EQ(SanitizeHtml("<p id=\"a\" class=\"b\" style=\"color:red\" title=\"t\">x</p><!-- c -->",
                         Strict()),
            "<p title=\"t\">x</p>");
}

TEST(SanitizerTest, StrictDropsScriptAndStyleWithContent) {
  EXPECT_EQ(SanitizeHtml("a<script>alert(1)</script>b<style>p{}</style>c", Strict()), "abc");
}

TEST(SanitizerTest, UnwrapsUnknownTagsKeepingText) {
  EXPECT_EQ(SanitizeHtml("<font color=red>red <x-y>text</x-y></font>", Strict()), "red text");
}

TEST(SanitizerTest, MakesRelativeUrlsAbsolute) {
  SanitizeOptions options = Strict("https://example.org/blog/post.html?x=1");
  EXPECT_EQ(SanitizeHtml("<a href=\"/about\">a</a><img src=\"img/p.png\">", options),
            "<a href=\"https://example.org/about\">a</a>"
            "<img src=\"https://example.org/blog/img/p.png\">");
  EXPECT_EQ(SanitizeHtml("<a href=\"#top\">t</a>", options),
            "<a href=\"https://example.org/blog/post.html?x=1#top\">t</a>");
}

TEST(SanitizerTest, DropsObfuscatedSchemes) {
  for (const char* href :
       {"javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
        "&#106;avascript:alert(1)", "java&#x0A;script:x", "&#x01;javascript:x", "vbscript:x",
        "data:text/html,x", "file:///etc/passwd", "ftp://example.org/"}) {
    std::string html = std::string("<a href=\"") + href + "\">x</a>";
    EXPECT_EQ(SanitizeHtml(html, Strict()), "<a>x</a>") << href;
  }
}

TEST(SanitizerTest, KeepsMailtoOnlyOnLinks) {
  EXPECT_EQ(SanitizeHtml("<a href=\"mailto:a@example.org\">m</a>", Strict()),
            "<a href=\"mailto:a@example.org\">m</a>");
  EXPECT_EQ(SanitizeHtml("<img src=\"mailto:a@example.org\">", Strict()), "<img>");
}

TEST(SanitizerTest, DataImagesOnlyWhenAllowed) {
  std::string html = "<img src=\"data:image/png;base64,AAAA\">";
  EXPECT_EQ(SanitizeHtml(html, Strict()), "<img>");
  SanitizeOptions options = Strict();
  options.allow_data_images = true;
  EXPECT_EQ(SanitizeHtml(html, options), html);
  EXPECT_EQ(SanitizeHtml("<img src=\"data:image/svg+xml,<svg/onload=alert(1)>\">", options),
            "<img>");
  EXPECT_EQ(SanitizeHtml("<a href=\"data:image/png;base64,AAAA\">x</a>", options), "<a>x</a>");
}

TEST(SanitizerTest, EscapesTextAndAttributes) {
  EXPECT_EQ(SanitizeHtml("<p title='a\"b&lt;'>1 &lt; 2 &gt; 0 &amp; \"q\"</p>", Strict()),
            "<p title=\"a&quot;b&lt;\">1 &lt; 2 &gt; 0 &amp; \"q\"</p>");
}

TEST(SanitizerTest, ActiveOnlyReturnsCleanInputByteForByte) {
  std::string html =
      "<div>   \n<p cms-style=\"font-L\" class=\"k\">x</p><!-- keep -->\n<style>.a{b:c}</style>"
      "<span id=\"s\" style=\"color:red\">y</span>\n</div>\n   ";
  EXPECT_EQ(SanitizeHtml(html, ActiveOnly()), html);
}

TEST(SanitizerTest, ActiveOnlyRemovesOnlyActiveContent) {
  std::string html =
      "<div class=\"c\"><!-- note --><style>.a{color:red}</style>"
      "<p onclick=\"x()\" style=\"color:red\">t</p><script>evil()</script>"
      "<iframe src=\"https://x.example/\"></iframe><a href=\"javascript:x()\">l</a></div>";
  EXPECT_EQ(SanitizeHtml(html, ActiveOnly()),
            "<div class=\"c\"><!-- note --><style>.a{color:red}</style>"
            "<p style=\"color:red\">t</p><a>l</a></div>");
}

TEST(SanitizerTest, HexoExampleContentHasNoActiveContent) {
  std::ifstream in(TestData("output/hexo/sina-finance-china.rss.xml"));
  std::string feed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t begin = feed.find("<description><![CDATA[<div>");
  ASSERT_NE(begin, std::string::npos);
  begin += std::string("<description><![CDATA[").size();
  std::size_t end = feed.find("]]></description>", begin);
  std::string content = feed.substr(begin, end - begin);
  EXPECT_EQ(SanitizeHtml(content, ActiveOnly()), content);
}

TEST(SanitizerTest, SurvivesDeepNestingQuickly) {
  for (std::string open : {"<div>", "<b>", "<a>", "<i><b>", "<table>", "<svg>"}) {
    std::string html;
    for (int i = 0; i < 200000; ++i) html += open;
    html += "x";
    auto start = std::chrono::steady_clock::now();
    std::string clean = SanitizeHtml(html, Strict());
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
    EXPECT_LT(seconds.count(), 5.0) << open;
    EXPECT_EQ(SanitizeHtml(clean, Strict()), clean) << open;
  }
}

TEST(SanitizerTest, FlattensOutputDeeperThanTheCap) {
  std::string html;
  for (int i = 0; i < 600; ++i) html += "<div>";
  html += "deep";
  std::string clean = SanitizeHtml(html, Strict());
  std::size_t divs = 0;
  for (std::size_t at = clean.find("<div>"); at != std::string::npos;
       at = clean.find("<div>", at + 1)) {
    ++divs;
  }
  EXPECT_LE(divs, 257u);
  EXPECT_NE(clean.find("deep"), std::string::npos);
}

// Random tag soup built from fragments of hostile HTML.
std::string RandomHtml(std::mt19937& random) {
  static const std::vector<std::string> kPieces = {"<p>",
                                                   "</p>",
                                                   "<div>",
                                                   "</div>",
                                                   "<b>",
                                                   "</b>",
                                                   "<a href=\"javascript:x\">",
                                                   "</a>",
                                                   "<a href=\"/rel\">",
                                                   "<table>",
                                                   "<td>",
                                                   "<tr>",
                                                   "</table>",
                                                   "<svg>",
                                                   "<math>",
                                                   "<style>",
                                                   "</style>",
                                                   "<script>",
                                                   "</script>",
                                                   "<!--",
                                                   "-->",
                                                   "<![CDATA[",
                                                   "]]>",
                                                   "<noscript>",
                                                   "</noscript>",
                                                   "<img src=x onerror=y>",
                                                   "<select>",
                                                   "<option>",
                                                   "<textarea>",
                                                   "<title>",
                                                   "<pre>\n\n",
                                                   "\n",
                                                   "&amp;",
                                                   "&",
                                                   "<",
                                                   ">",
                                                   "\"",
                                                   "'",
                                                   "text",
                                                   "中文",
                                                   "<form>",
                                                   "<button>",
                                                   "<li>",
                                                   "<ul>",
                                                   "<h1>",
                                                   "<template>",
                                                   "<xmp>",
                                                   "<iframe>",
                                                   "<frameset>",
                                                   "<body>",
                                                   "<html>",
                                                   "<head>",
                                                   "<listing>",
                                                   "<plaintext>",
                                                   "<mglyph>",
                                                   "<mtext>",
                                                   "<foreignObject>",
                                                   "\xff",
                                                   "<p id=\"</p><img src=x onerror=1>\">",
                                                   "<caption>",
                                                   "<col>",
                                                   "<dd>",
                                                   "<nobr>",
                                                   "</nobr>"};
  std::uniform_int_distribution<std::size_t> count(1, 30);
  std::uniform_int_distribution<std::size_t> pick(0, kPieces.size() - 1);
  std::string html;
  for (std::size_t n = count(random); n > 0; --n) html += kPieces[pick(random)];
  return html;
}

TEST(SanitizerTest, IdempotentAndSafeOnRandomTagSoup) {
  std::mt19937 random(20261201);
  for (int i = 0; i < 10000; ++i) {
    std::string html = RandomHtml(random);
    for (const SanitizeOptions& options : {Strict("https://a.example/x/"), ActiveOnly()}) {
      std::string once = SanitizeHtml(html, options);
      ASSERT_EQ(SanitizeHtml(once, options), once) << "input: " << html;
      ASSERT_EQ(Join(Violations(once, options.mode)), "") << "input: " << html;
    }
  }
}

TEST(SanitizerTest, FirstImageSourceIsInDocumentOrder) {
  EXPECT_EQ(FirstImageSource("<p><b><img src=\" https://a/1.png \"></b></p><img src=\"2\">"),
            "https://a/1.png");
  EXPECT_EQ(FirstImageSource("<p>no image</p>"), "");
}

TEST(SanitizerTest, CleanTextRepairsUtf8AndDropsControls) {
  EXPECT_EQ(CleanText("a\x01"
                      "b\tc\xff"
                      "d\xEF\xBF\xBE"),
            "ab\tc\xEF\xBF\xBD"
            "d");
  EXPECT_EQ(CleanText("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(CleanText("中文"), "中文");
}

TEST(SanitizerTest, SafeHttpUrlAcceptsOnlyHttp) {
  EXPECT_EQ(SafeHttpUrl(" https://example.org/a "), "https://example.org/a");
  EXPECT_EQ(SafeHttpUrl("javascript:alert(1)"), "");
  EXPECT_EQ(SafeHttpUrl("/relative"), "");
  EXPECT_EQ(SafeHttpUrl("http://"), "");
}

}  // namespace
}  // namespace tributary::output
