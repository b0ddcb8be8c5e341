#include "daemon/polling/simhash.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tributary::daemon {
namespace {

using ::testing::ElementsAre;

constexpr std::string_view kStory =
    "The city council voted on Tuesday to expand the river park by twelve hectares, "
    "adding cycle paths, a wetland area and a new footbridge that is expected to open "
    "next spring, officials said after a long public consultation.";

TEST(SimHashTest, TokensLowerCaseWordsAndSplitCjkIntoCharacters) {
  EXPECT_THAT(SimHashTokens("Hello, World! 你好世界 Café-2"),
              ElementsAre("hello", "world", "你", "好", "世", "界", "café", "2"));
}

TEST(SimHashTest, HtmlToTextKeepsVisibleTextOnly) {
  const std::string text =
      HtmlToText("<p>One <b>two</b></p><script>var x = 1;</script><style>p{}</style>three");
  EXPECT_THAT(SimHashTokens(text), ElementsAre("one", "two", "three"));
}

TEST(SimHashTest, SameTextSameFingerprintAndShortTextNone) {
  EXPECT_NE(SimHash(kStory), 0u);
  EXPECT_EQ(SimHash(kStory), SimHash(std::string(kStory)));
  EXPECT_EQ(SimHash("Too short to judge"), 0u);
}

// Fingerprints are stored: a new version must compute the same value for
// the same text, or old and new items would no longer collapse.
TEST(SimHashTest, FingerprintIsStableAcrossVersions) {
  EXPECT_EQ(SimHash("The quick brown fox jumps over the lazy dog near the river bank at dawn, "
                    "中国青年报客户端北京电记者今天从教育部获悉 Café résumé 2026"),
            0x28c790fd96008fadULL);
}

TEST(SimHashTest, HtmlToTextSkipsCommentsQuotedBracketsAndDecodesReferences) {
  const std::string text = HtmlToText(
      "<!-- hidden words --><a title=\"a > b\" href=x>caf&eacute;</a>&lt;tag&gt; "
      "<SCRIPT type=x>no words</SCRIPT >end<p");
  EXPECT_THAT(SimHashTokens(text), ElementsAre("café", "tag", "end"));
}

TEST(SimHashTest, NearDuplicatesAreCloserThanUnrelatedTexts) {
  const std::string edited = "UPDATED: " + std::string(kStory) + " Reporting by the city desk.";
  const std::string unrelated =
      "Shares of the chip maker fell sharply in early trading after the company warned "
      "that demand for data centre processors would slow in the second half of the year.";
  const int near = HammingDistance(SimHash(kStory), SimHash(edited));
  const int far = HammingDistance(SimHash(kStory), SimHash(unrelated));
  EXPECT_LE(near, kDefaultMaxHammingDistance);
  EXPECT_GT(far, kDefaultMaxHammingDistance * 2);
}

TEST(SimHashTest, ChineseNearDuplicatesAreClose) {
  const std::string a =
      "教育部近日印发通知，部署开展高校毕业生就业百日冲刺活动，要求各地各高校抓住关键时期，"
      "全力促进高校毕业生就业，拓宽市场化社会化就业渠道。";
  const std::string b = "新华社北京电 " + a + "（记者 王明）";
  const std::string other =
      "国家统计局今天发布数据显示，五月份全国居民消费价格同比上涨百分之二点一，"
      "其中城市上涨二点一，农村上涨二点二，食品价格上涨二点三。";
  EXPECT_LE(HammingDistance(SimHash(a), SimHash(b)), kDefaultMaxHammingDistance);
  EXPECT_GT(HammingDistance(SimHash(a), SimHash(other)), kDefaultMaxHammingDistance * 2);
}

TEST(SimHashTest, HammingDistanceCountsDifferingBits) {
  EXPECT_EQ(HammingDistance(0, 0), 0);
  EXPECT_EQ(HammingDistance(0xFF, 0x0F), 4);
  EXPECT_EQ(HammingDistance(~std::uint64_t{0}, 0), 64);
}

}  // namespace
}  // namespace tributary::daemon
