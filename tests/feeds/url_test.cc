#include "feeds/url.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

namespace tributary::feeds {
namespace {

TEST(UrlTest, RecognisesSchemes) {
  EXPECT_TRUE(HasScheme("https://example.org/"));
  EXPECT_TRUE(HasScheme("mailto:jo@example.org"));
  EXPECT_TRUE(HasScheme(" data:image/png;base64,xx"));
  EXPECT_FALSE(HasScheme("/path"));
  EXPECT_FALSE(HasScheme("path/with:colon"));
  EXPECT_FALSE(HasScheme("//example.org/x"));
}

TEST(UrlTest, ResolvesAgainstTheBase) {
  UrlResolver base("https://example.org/blog/feed.xml");
  ASSERT_TRUE(base.valid());
  EXPECT_EQ(base.Resolve("post/1"), "https://example.org/blog/post/1");
  EXPECT_EQ(base.Resolve("/about"), "https://example.org/about");
  EXPECT_EQ(base.Resolve("../up"), "https://example.org/up");
  EXPECT_EQ(base.Resolve("//cdn.example.net/a.png"), "https://cdn.example.net/a.png");
  EXPECT_EQ(base.Resolve("?page=2"), "https://example.org/blog/feed.xml?page=2");
  EXPECT_EQ(base.Resolve("  http://other.example/x  "), "http://other.example/x");
  EXPECT_EQ(base.Resolve(""), "");
}

// curl decodes escapes in a host: the byte that comes out is not UTF-8
// and must not reach the parser's output (found by fuzzing).
TEST(UrlTest, ResolvedUrlsStayValidUtf8) {
  UrlResolver base("https://%ba.example/blog/");
  ASSERT_TRUE(base.valid());
  const std::string resolved = base.Resolve("post");
  EXPECT_EQ(resolved, "https://%BA.example/blog/post");
  UrlResolver cjk("https://example.org/%E6%96%B0/");
  EXPECT_EQ(cjk.Resolve("\xe6\x96\xb0"), "https://example.org/%E6%96%B0/%e6%96%b0");
}

// What libcurl itself makes of `ref` against `base` (`ref` as it is when
// it cannot, as the resolver does).
std::string ResolvedByCurl(const std::string& base, const std::string& ref) {
  CURLU* url = curl_url();
  std::string result = ref;
  if (curl_url_set(url, CURLUPART_URL, base.c_str(), CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
      curl_url_set(url, CURLUPART_URL, ref.c_str(), CURLU_NON_SUPPORT_SCHEME | CURLU_ALLOW_SPACE) ==
          CURLUE_OK) {
    char* text = nullptr;
    if (curl_url_get(url, CURLUPART_URL, &text, 0) == CURLUE_OK) result = text;
    curl_free(text);
  }
  curl_url_cleanup(url);
  return result;
}

// Absolute paths skip libcurl when there is nothing to normalise: the
// result must be what libcurl gives, whatever the base's authority holds.
TEST(UrlTest, ResolvesAbsolutePathsAsLibcurlDoes) {
  const std::string kBases[] = {
      "https://example.org/blog/feed.xml", "http://User:pw@Example.ORG:8080/a/b?q=1#f",
      "https://[2001:db8::1]/feed",        "http://example.org",
      "https://example.org:443/x/",        "ftp://files.example.org/pub/feed.rss"};
  constexpr std::string_view kPieces[] = {"/",     "a",   "B", ".", "..", "-",      "_", "~",
                                          "x.png", "%41", "?", "#", " ",  "\u00e9", "//"};
  std::mt19937 random(20261202);
  for (const std::string& base : kBases) {
    UrlResolver resolver(base);
    ASSERT_TRUE(resolver.valid()) << base;
    for (int round = 0; round < 3000; ++round) {
      std::string ref = "/";
      const std::size_t pieces = random() % 6;
      for (std::size_t k = 0; k < pieces; ++k) ref += kPieces[random() % std::size(kPieces)];
      while (ref.back() == ' ') ref.pop_back();  // the resolver trims what it is given
      ASSERT_EQ(resolver.Resolve(ref), ResolvedByCurl(base, ref)) << base << " + " << ref;
    }
  }
}

TEST(UrlTest, WithoutBaseKeepsTheReference) {
  UrlResolver none;
  EXPECT_FALSE(none.valid());
  EXPECT_EQ(none.Resolve("post/1"), "post/1");
  UrlResolver relative("not/absolute");
  EXPECT_FALSE(relative.valid());
}

TEST(UrlTest, AbsolutizesHtmlAttributesOnly) {
  UrlResolver base("https://example.org/blog/");
  EXPECT_EQ(
      AbsolutizeHtmlUrls("<p><a href=\"post/1\">x</a> <img src='/i.png' alt=\"post/2\"></p>", base),
      "<p><a href=\"https://example.org/blog/post/1\">x</a> "
      "<img src=\"https://example.org/i.png\" alt=\"post/2\"></p>");
  // Absolute, fragment and unquoted values; everything else byte for byte.
  EXPECT_EQ(AbsolutizeHtmlUrls("<a href=\"https://x.example/\">a</a><a href=#top>t</a>", base),
            "<a href=\"https://x.example/\">a</a><a href=#top>t</a>");
  EXPECT_EQ(AbsolutizeHtmlUrls("<A HREF=p?a=1&amp;b=2>q</A>", base),
            "<A HREF=\"https://example.org/blog/p?a=1&amp;b=2\">q</A>");
  EXPECT_EQ(AbsolutizeHtmlUrls("text only, href=nothing", base), "text only, href=nothing");
}

// Ordinary markup is handled by a tokenizer-only fast path, the rest by
// gumbo's tree; either way the result is what an HTML5 parser sees.
TEST(UrlTest, AbsolutizesAsAnHtml5ParserReadsTheMarkup) {
  UrlResolver base("https://example.org/blog/");
  struct Case {
    const char* html;
    const char* expected;
  };
  const Case cases[] = {
      // Comments and a '>' inside a quoted value hide nothing / end nothing.
      {"<!-- <a href=c> --><a href=d>",
       "<!-- <a href=c> --><a href=\"https://example.org/blog/d\">"},
      {"<a title=\">\" href=e>", "<a title=\">\" href=\"https://example.org/blog/e\">"},
      // A repeated attribute: the first one counts, the second is ignored.
      {"<a href=f href=g>", "<a href=\"https://example.org/blog/f\" href=g>"},
      // Script text is not markup; a tag cut by the end is no tag.
      {"<script>s='<a href=h>'</script>", "<script>s='<a href=h>'</script>"},
      {"<p>x<a href=i", "<p>x<a href=i"},
      // Table and foreign content go through gumbo's tree builder.
      {"<table><tr><td><img src=j></td></tr></table>",
       "<table><tr><td><img src=\"https://example.org/blog/j\"></td></tr></table>"},
      // Whitespace, case and slashes as the tokenizer reads them.
      {"<IMG\nSRC = 'k' />", "<IMG\nSRC = \"https://example.org/blog/k\" />"},
      {"<img/src=l>", "<img/src=\"https://example.org/blog/l\">"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(AbsolutizeHtmlUrls(c.html, base), c.expected) << c.html;
  }
}

}  // namespace
}  // namespace tributary::feeds
