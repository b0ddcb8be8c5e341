#include "feeds/html_scan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tributary::feeds {
namespace {

using ::testing::ElementsAre;

// Each token of `html` as one string: "text:...", "<name attr=value ...>"
// ("!dup" when an attribute repeated), "</name>", "comment:...",
// "bogus:...", "doctype:...", "cutoff:...". With `raw_text`, what
// SkipRawText() skips after the first token follows it as "raw:...".
std::vector<std::string> Tokens(std::string_view html, bool raw_text = false) {
  std::vector<std::string> out;
  HtmlScanner scanner(html);
  HtmlToken token;
  while (scanner.Next(&token)) {
    std::string shown;
    switch (token.kind) {
      case HtmlTokenKind::kText:
        shown = "text:" + std::string(token.text);
        break;
      case HtmlTokenKind::kStartTag:
      case HtmlTokenKind::kEndTag:
        shown = (token.kind == HtmlTokenKind::kStartTag ? "<" : "</") + std::string(token.name);
        for (const HtmlAttribute& attr : token.attributes) {
          shown += " " + std::string(attr.name);
          if (attr.original.data() != nullptr) shown += "=" + std::string(attr.value);
        }
        if (token.duplicate_attribute) shown += " !dup";
        shown += ">";
        break;
      case HtmlTokenKind::kComment:
        shown = "comment:" + std::string(token.text);
        break;
      case HtmlTokenKind::kBogusComment:
        shown = "bogus:" + std::string(token.text);
        break;
      case HtmlTokenKind::kDoctype:
        shown = "doctype:" + std::string(token.text);
        break;
      case HtmlTokenKind::kCutOff:
        shown = "cutoff:" + std::string(token.text);
        break;
    }
    out.push_back(shown);
    if (raw_text && out.size() == 1) {
      out.push_back("raw:" + std::string(scanner.SkipRawText(token.name)));
    }
  }
  return out;
}

TEST(HtmlScanTest, TextTagsAndLowerCasedNames) {
  EXPECT_THAT(Tokens("a<P>b</P >c"), ElementsAre("text:a", "<p>", "text:b", "</p>", "text:c"));
}

TEST(HtmlScanTest, QuotedValuesMayHoldGreaterThanAndOtherQuotes) {
  EXPECT_THAT(Tokens("<a title=\"a > b\" alt='it\"s'>x"),
              ElementsAre("<a title=a > b alt=it\"s>", "text:x"));
}

TEST(HtmlScanTest, UnquotedValuesEndAtWhitespaceOrGreaterThan) {
  EXPECT_THAT(Tokens("<img src=a/b.png alt=x\"y width=3>t"),
              ElementsAre("<img src=a/b.png alt=x\"y width=3>", "text:t"));
  // A '/' inside an unquoted value is part of it, not a self-closing mark.
  EXPECT_THAT(Tokens("<a href=/>t"), ElementsAre("<a href=/>", "text:t"));
}

TEST(HtmlScanTest, AttributesWithoutValues) {
  // "checked = >": a missing value, so the attribute has none.
  EXPECT_THAT(Tokens("<input disabled checked = >t"),
              ElementsAre("<input disabled checked>", "text:t"));
  EXPECT_THAT(Tokens("<input value=\"\">"), ElementsAre("<input value=>"));
  EXPECT_THAT(Tokens("<br/><hr / x>"), ElementsAre("<br>", "<hr x>"));
}

TEST(HtmlScanTest, AttributeOffsetsAndQuotesPointIntoTheInput) {
  const std::string html = "<a  HREF = 'x.html'>";
  HtmlScanner scanner(html);
  HtmlToken token;
  ASSERT_TRUE(scanner.Next(&token));
  ASSERT_EQ(token.attributes.size(), 1u);
  const HtmlAttribute& href = token.attributes[0];
  EXPECT_TRUE(href.NameIs("href"));
  EXPECT_FALSE(href.NameIs("hre"));
  EXPECT_EQ(href.name, "HREF");
  EXPECT_EQ(href.original, "'x.html'");
  EXPECT_EQ(scanner.OffsetOf(href.original), 11u);
  EXPECT_EQ(scanner.OffsetOf(href.value), 12u);
}

TEST(HtmlScanTest, DuplicateAttributesKeepTheFirstAndAreFlagged) {
  EXPECT_THAT(Tokens("<a href=1 HREF=2 Href>"), ElementsAre("<a href=1 !dup>"));
  EXPECT_THAT(Tokens("<a href=1 src=2>"), ElementsAre("<a href=1 src=2>"));
}

TEST(HtmlScanTest, OddAttributeNames) {
  // '=' first in a name is part of it; quotes and '<' inside names too.
  EXPECT_THAT(Tokens("<a =\"x>y\">"), ElementsAre("<a =\"x>", "text:y\">"));
  EXPECT_THAT(Tokens("<a b<c d\"e>"), ElementsAre("<a b<c d\"e>"));
}

TEST(HtmlScanTest, AbruptAndUnusualCommentEnds) {
  EXPECT_THAT(Tokens("<!-->a"), ElementsAre("comment:<!-->", "text:a"));
  EXPECT_THAT(Tokens("<!--->a"), ElementsAre("comment:<!--->", "text:a"));
  EXPECT_THAT(Tokens("<!-- x --!>a-->"), ElementsAre("comment:<!-- x --!>", "text:a-->"));
  EXPECT_THAT(Tokens("<!-- a -- b --->c"), ElementsAre("comment:<!-- a -- b --->", "text:c"));
  EXPECT_THAT(Tokens("<!-- <p> -->x"), ElementsAre("comment:<!-- <p> -->", "text:x"));
}

TEST(HtmlScanTest, BogusCommentsAndDoctypes) {
  EXPECT_THAT(Tokens("<?x>a"), ElementsAre("bogus:<?x>", "text:a"));
  EXPECT_THAT(Tokens("</ x>a"), ElementsAre("bogus:</ x>", "text:a"));
  EXPECT_THAT(Tokens("<![CDATA[x>y]]>"), ElementsAre("bogus:<![CDATA[x>", "text:y]]>"));
  EXPECT_THAT(Tokens("<!doctype html>a"), ElementsAre("doctype:<!doctype html>", "text:a"));
  EXPECT_THAT(Tokens("<!doc>a"), ElementsAre("bogus:<!doc>", "text:a"));
}

TEST(HtmlScanTest, LessThanThatOpensNoMarkupIsText) {
  EXPECT_THAT(Tokens("1 < 2 <3 <"), ElementsAre("text:1 < 2 <3 <"));
  EXPECT_THAT(Tokens("a</"), ElementsAre("text:a</"));
  // "</>" is markup the tokenizer drops: an end tag without a name.
  EXPECT_THAT(Tokens("a</>b"), ElementsAre("text:a", "</>", "text:b"));
}

TEST(HtmlScanTest, InputEndingInsideMarkupIsCutOff) {
  EXPECT_THAT(Tokens("a<p class=x"), ElementsAre("text:a", "cutoff:<p class=x"));
  EXPECT_THAT(Tokens("a<img alt=\"b>c"), ElementsAre("text:a", "cutoff:<img alt=\"b>c"));
  EXPECT_THAT(Tokens("a<p/"), ElementsAre("text:a", "cutoff:<p/"));
  EXPECT_THAT(Tokens("a<!-- b -> c --"), ElementsAre("text:a", "cutoff:<!-- b -> c --"));
  EXPECT_THAT(Tokens("a<?x"), ElementsAre("text:a", "cutoff:<?x"));
  EXPECT_THAT(Tokens("a<!"), ElementsAre("text:a", "cutoff:<!"));
}

TEST(HtmlScanTest, RawTextRunsToItsOwnEndTagInAnyCase) {
  const std::string html = "<script>if (a</b) x = '</scripts>';</SCRIPT >after";
  HtmlScanner scanner(html);
  HtmlToken token;
  ASSERT_TRUE(scanner.Next(&token));
  ASSERT_EQ(token.kind, HtmlTokenKind::kStartTag);
  EXPECT_EQ(scanner.SkipRawText(token.name), "if (a</b) x = '</scripts>';");
  ASSERT_TRUE(scanner.Next(&token));
  EXPECT_EQ(token.kind, HtmlTokenKind::kEndTag);
  EXPECT_EQ(token.name, "script");
  EXPECT_EQ(token.text, "</SCRIPT >");
  ASSERT_TRUE(scanner.Next(&token));
  EXPECT_EQ(token.text, "after");
  EXPECT_FALSE(scanner.Next(&token));
}

TEST(HtmlScanTest, RawTextWithoutEndTagRunsToTheEnd) {
  EXPECT_THAT(Tokens("<style>p { color: red } </style", true),
              ElementsAre("<style>", "raw:p { color: red } </style"));
  EXPECT_THAT(Tokens("<style>p{}</style x='", true),
              ElementsAre("<style>", "raw:p{}", "cutoff:</style x='"));
}

TEST(HtmlScanTest, RawTextEndTagIsReadAsATag) {
  EXPECT_THAT(Tokens("<Style>a</style/ x='>'>b", true),
              ElementsAre("<style>", "raw:a", "</style x=>>", "text:b"));
}

}  // namespace
}  // namespace tributary::feeds
