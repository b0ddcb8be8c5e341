#include "common/text.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

TEST(TextTest, TrimDropsOnlyTheGivenWhitespace) {
  EXPECT_EQ(Trim("  \r\n a b \t"), "a b");
  EXPECT_EQ(Trim("\f x \f"), "\f x \f");  // FF is not XML white space
  EXPECT_EQ(Trim("\f x \f", kAsciiWhitespace), "x");
  EXPECT_EQ(Trim("\n x \t", kHttpWhitespace), "\n x");
  EXPECT_EQ(Trim("\v 5s \v", kCWhitespace), "5s");
  EXPECT_EQ(Trim(" \t "), "");
  EXPECT_EQ(Trim(""), "");
}

TEST(TextTest, CaseFoldsAsciiOnly) {
  EXPECT_EQ(AsciiLower('Q'), 'q');
  EXPECT_EQ(AsciiLower('@'), '@');
  EXPECT_EQ(ToLowerAscii("Max-AGE \xC3\x89"), "max-age \xC3\x89");
  EXPECT_TRUE(EqualsIgnoreCase("No-Cache", "no-cache"));
  EXPECT_FALSE(EqualsIgnoreCase("no-cache", "no-cach"));
  EXPECT_FALSE(EqualsIgnoreCase("[", "{"));  // '[' + 32 is '{': no arithmetic beyond A-Z
}

TEST(TextTest, AsciiWhitespaceIsTheWhatwgSet) {
  for (char c : kAsciiWhitespace) EXPECT_TRUE(IsAsciiWhitespace(c)) << int{c};
  EXPECT_FALSE(IsAsciiWhitespace('\v'));
  EXPECT_FALSE(IsAsciiWhitespace('x'));
}

}  // namespace
}  // namespace tributary
