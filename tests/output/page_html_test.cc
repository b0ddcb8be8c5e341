// The shared helpers of the HTML pages: escaping, link filtering, times.
#include "output/page_html.h"

#include <gtest/gtest.h>

namespace tributary::output::page {
namespace {

const Timestamp kNow = FromUnix(1764570600);  // Mon, 01 Dec 2025 06:30:00 UTC

TEST(PageHtmlTest, EscapesMarkupQuotesAndControls) {
  EXPECT_EQ(Escape("\"><img src=x onerror=alert(1)>&amp;<b>"),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;&lt;b&gt;");
  EXPECT_EQ(Escape("it's"), "it&#39;s");
  EXPECT_EQ(Escape(std::string("a\0b\x01"
                               "c\td\x7f",
                               8)),
            "abc\td");
  EXPECT_EQ(Escape("日本語 ok"), "日本語 ok");
}

TEST(PageHtmlTest, SafeHrefAllowsOnlyHttpAndRootedPaths) {
  EXPECT_EQ(SafeHref("https://example.org/a?b=1&c=\"2\""),
            "https://example.org/a?b=1&amp;c=&quot;2&quot;");
  EXPECT_EQ(SafeHref("HTTP://EXAMPLE.ORG/"), "HTTP://EXAMPLE.ORG/");
  EXPECT_EQ(SafeHref("/feed.atom"), "/feed.atom");
  for (const char* bad :
       {"javascript:alert(1)", "JaVaScRiPt:alert(1)", " https://x/", "java\tscript:x",
        "java\nscript:x", "data:text/html,x", "vbscript:x", "//evil.example/", "/\\evil.example",
        "file:///etc/passwd", "mailto:a@b", "feed.atom", "", "https://x/a b"}) {
    EXPECT_EQ(SafeHref(bad), "") << bad;
  }
}

TEST(PageHtmlTest, FormatsTimesInUtc) {
  EXPECT_EQ(FormatDay(kNow), "Monday, 1 December 2025");
  EXPECT_EQ(FormatClock(kNow), "06:30");
  EXPECT_EQ(FormatDateTime(kNow), "1 Dec 2025, 06:30 UTC");
  EXPECT_EQ(TimeElement(kNow, "<now>"),
            "<time datetime=\"2025-12-01T06:30:00Z\">&lt;now&gt;</time>");
  EXPECT_EQ(FormatDay(FromUnix(0)), "Thursday, 1 January 1970");
}

TEST(PageHtmlTest, FormatsAgesBothWays) {
  EXPECT_EQ(FormatAge(kNow - Seconds(30), kNow), "just now");
  EXPECT_EQ(FormatAge(kNow - Seconds(600), kNow), "10 min ago");
  EXPECT_EQ(FormatAge(kNow - Seconds(3 * 3600), kNow), "3 h ago");
  EXPECT_EQ(FormatAge(kNow - Seconds(47 * 3600), kNow), "47 h ago");
  EXPECT_EQ(FormatAge(kNow - Seconds(3 * 86400), kNow), "3 days ago");
  EXPECT_EQ(FormatAge(kNow + Seconds(240), kNow), "in 4 min");
  EXPECT_EQ(FormatAge(kNow + Seconds(20), kNow), "in under a minute");
}

}  // namespace
}  // namespace tributary::output::page
