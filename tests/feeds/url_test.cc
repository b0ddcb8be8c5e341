#include "feeds/url.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tributary::feeds
