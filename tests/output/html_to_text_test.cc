#include "output/html_to_text.h"

#include <gtest/gtest.h>

namespace tributary::output {
namespace {

TEST(HtmlToTextTest, ParagraphsBreaksAndWhitespace) {
  EXPECT_EQ(HtmlToText("<p>One\n  two</p><p>Three<br>four</p>"), "One two\n\nThree\nfour");
  EXPECT_EQ(HtmlToText("plain &amp; simple"), "plain & simple");
  EXPECT_EQ(HtmlToText("<div></div><p></p><p>x</p>"), "x");
}

TEST(HtmlToTextTest, ListsAndHeadings) {
  EXPECT_EQ(HtmlToText("<h2>Title</h2><ul><li>a</li><li>b</li></ul><ol><li>x</li><li>y</li></ol>"),
            "Title\n\n- a\n- b\n\n1. x\n2. y");
}

TEST(HtmlToTextTest, LinksBecomeNumberedReferences) {
  std::vector<std::string> links = {"https://first.example/"};
  EXPECT_EQ(HtmlToText("<p>See <a href=\"https://a.example/x\">this</a> and "
                       "<a href=\"https://first.example/\">that</a>.</p>",
                       &links),
            "See this [2] and that [1].");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[1], "https://a.example/x");
  // A bare URL needs no reference; javascript: links get none.
  EXPECT_EQ(HtmlToText("<a href=\"https://b.example/\">https://b.example/</a> "
                       "<a href=\"javascript:x()\">js</a>",
                       &links),
            "https://b.example/ js");
  EXPECT_EQ(links.size(), 2u);
}

TEST(HtmlToTextTest, DropsScriptsAndStyles) {
  EXPECT_EQ(HtmlToText("<style>p{}</style><script>alert(1)</script><p>ok</p>"), "ok");
}

TEST(HtmlToTextTest, ShortenTextCutsAtWordsAndCharacters) {
  EXPECT_EQ(ShortenText("short", 10), "short");
  EXPECT_EQ(ShortenText("one two three four five six", 14), "one two three…");
  EXPECT_EQ(ShortenText("每日摘要每日摘要", 4), "每日摘要…");
}

}  // namespace
}  // namespace tributary::output
