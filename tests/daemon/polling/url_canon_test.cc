#include "daemon/polling/url_canon.h"

#include <gtest/gtest.h>

namespace tributary::daemon {
namespace {

TEST(UrlCanonTest, LowerCasesSchemeAndHostButNotPath) {
  EXPECT_EQ(CanonicalUrl("HTTPS://News.Example.ORG/Path/To", {}),
            "https://news.example.org/Path/To");
}

TEST(UrlCanonTest, DropsDefaultPortAndFragment) {
  EXPECT_EQ(CanonicalUrl("http://example.org:80/a#section-2", {}), "http://example.org/a");
  EXPECT_EQ(CanonicalUrl("https://example.org:443/", {}), "https://example.org/");
  EXPECT_EQ(CanonicalUrl("https://example.org:8443/a", {}), "https://example.org:8443/a");
}

TEST(UrlCanonTest, RemovesTrackingParametersAndSortsTheRest) {
  EXPECT_EQ(CanonicalUrl("https://example.org/story?utm_source=rss&id=7&UTM_Medium=x&fbclid=abc"
                         "&b=2&gclid=1&spm=a2h0c&a=1",
                         {}),
            "https://example.org/story?a=1&b=2&id=7");
  EXPECT_EQ(CanonicalUrl("https://example.org/story?utm_campaign=feed", {}),
            "https://example.org/story");
}

TEST(UrlCanonTest, ExtraTrackingParametersAreConfigurable) {
  EXPECT_EQ(CanonicalUrl("https://example.org/s?from=rss&page=2", {}),
            "https://example.org/s?from=rss&page=2");
  EXPECT_EQ(CanonicalUrl("https://example.org/s?FROM=rss&page=2", {"from"}),
            "https://example.org/s?page=2");
}

TEST(UrlCanonTest, SameStoryThroughTwoFeedsGetsOneUrl) {
  EXPECT_EQ(CanonicalUrl("https://Finance.Sina.com.cn/a.shtml?spm=feed1#comments", {}),
            CanonicalUrl("https://finance.sina.com.cn:443/a.shtml?utm_source=feed2", {}));
}

TEST(UrlCanonTest, NonUrlsComeBackTrimmed) {
  EXPECT_EQ(CanonicalUrl("  not a url  ", {}), "not a url");
  EXPECT_EQ(CanonicalUrl("", {}), "");
  EXPECT_EQ(CanonicalUrl("/relative/path", {}), "/relative/path");
}

TEST(UrlCanonTest, KnowsTheBuiltInTrackingParameters) {
  EXPECT_TRUE(IsTrackingParameter("utm_content"));
  EXPECT_TRUE(IsTrackingParameter("GCLID"));
  EXPECT_FALSE(IsTrackingParameter("id"));
  EXPECT_FALSE(IsTrackingParameter("utm"));
}

}  // namespace
}  // namespace tributary::daemon
