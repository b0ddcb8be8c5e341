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

// Published FNV-1a 64 test vectors (draft-eastlake-fnv appendix).
TEST(TextTest, Fnv1a64MatchesKnownVectors) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

// The legacy basis must keep giving the values ids were published with.
TEST(TextTest, Fnv1a64LegacyBasisIsStable) {
  EXPECT_EQ(Fnv1a64("", kFnv1a64LegacyBasis), kFnv1a64LegacyBasis);
  EXPECT_EQ(Fnv1a64("a", kFnv1a64LegacyBasis), (kFnv1a64LegacyBasis ^ 'a') * 1099511628211ULL);
  EXPECT_NE(Fnv1a64("a", kFnv1a64LegacyBasis), Fnv1a64("a"));
  static_assert(Fnv1a64("a") == 0xaf63dc4c8601ec8cULL);  // usable in constant expressions
}

TEST(TextTest, HexPadsToTheWidth) {
  EXPECT_EQ(Hex(0xdeadbeef), "00000000deadbeef");
  EXPECT_EQ(Hex(0xFFFFFFFFFFFFFFFFULL), "ffffffffffffffff");
  EXPECT_EQ(Hex(0xab, 6), "0000ab");
  EXPECT_EQ(Hex(0x1234, 1), "1234");
  EXPECT_EQ(Hex(0, 1), "0");
}

}  // namespace
}  // namespace tributary
