#include "feeds/entities.h"

#include <gtest/gtest.h>

namespace tributary::feeds {
namespace {

TEST(EntitiesTest, LooksUpHtml5Names) {
  EXPECT_EQ(LookupHtmlEntity("nbsp"), "\xC2\xA0");
  EXPECT_EQ(LookupHtmlEntity("eacute"), "\xC3\xA9");
  EXPECT_EQ(LookupHtmlEntity("Eacute"), "\xC3\x89");
  EXPECT_EQ(LookupHtmlEntity("mdash"), "\xE2\x80\x94");
  EXPECT_EQ(LookupHtmlEntity("rsquo"), "\xE2\x80\x99");
  EXPECT_EQ(LookupHtmlEntity("shy"), "\xC2\xAD");
  EXPECT_EQ(LookupHtmlEntity("CounterClockwiseContourIntegral"), "\xE2\x88\xB3");
  EXPECT_FALSE(LookupHtmlEntity("bogus").has_value());
  EXPECT_FALSE(LookupHtmlEntity("NBSP").has_value());
}

TEST(EntitiesTest, DecodesTheHostileInputsGolden) {
  // hostile-inputs.md B4.
  EXPECT_EQ(DecodeHtmlEntities("a&nbsp;b&rsquo;c&shy;d&bogus;"),
            "a\xC2\xA0"
            "b\xE2\x80\x99"
            "c\xC2\xAD"
            "d&bogus;");
}

TEST(EntitiesTest, DecodesNumericReferencesSafely) {
  EXPECT_EQ(DecodeHtmlEntities("&#233;&#xE9;&#XE9;"), "\xC3\xA9\xC3\xA9\xC3\xA9");
  EXPECT_EQ(DecodeHtmlEntities("a&#0;b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(DecodeHtmlEntities("&#xD800;"), "\xEF\xBF\xBD");
  EXPECT_EQ(DecodeHtmlEntities("&#x110000;"), "\xEF\xBF\xBD");
  EXPECT_EQ(DecodeHtmlEntities("&#99999999999999999999;"), "\xEF\xBF\xBD");
  EXPECT_EQ(DecodeHtmlEntities("a&#1;b&#9;c"), "ab\tc");
}

TEST(EntitiesTest, KeepsWhatIsNotAReference) {
  EXPECT_EQ(DecodeHtmlEntities("AT&T & co &; &#; &#x; &amp"), "AT&T & co &; &#; &#x; &amp");
  EXPECT_EQ(DecodeHtmlEntities("no references"), "no references");
  EXPECT_EQ(DecodeHtmlEntities("&amp;amp;"), "&amp;");
}

TEST(EntitiesTest, KnowsXmlEntities) {
  EXPECT_TRUE(IsXmlEntity("amp"));
  EXPECT_TRUE(IsXmlEntity("apos"));
  EXPECT_FALSE(IsXmlEntity("nbsp"));
}

}  // namespace
}  // namespace tributary::feeds
