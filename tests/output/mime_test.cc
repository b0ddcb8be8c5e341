#include "output/mime.h"

#include <gtest/gtest.h>

namespace tributary::output::mime {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find("\r\n", start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

TEST(MimeTest, SanitizeStripsControlsAndCollapsesWhitespace) {
  EXPECT_EQ(SanitizeHeaderValue("Hi\r\nBcc: x@evil\r\n\r\nINJECTED"), "Hi Bcc: x@evil INJECTED");
  EXPECT_EQ(SanitizeHeaderValue(std::string("a\0b\x01\x7f c", 7)), "a b c");
  EXPECT_EQ(SanitizeHeaderValue("  lead  trail \t"), "lead trail");
  EXPECT_EQ(SanitizeHeaderValue("bad \xff utf8"), "bad \xEF\xBF\xBD utf8");
  EXPECT_EQ(SanitizeHeaderValue("每日摘要", 2), "每日…");
}

TEST(MimeTest, ShortAsciiHeaderIsVerbatim) {
  EXPECT_EQ(Header("Subject", "Daily digest 2026-12-01"), "Subject: Daily digest 2026-12-01\r\n");
}

TEST(MimeTest, InjectionCannotAddAHeader) {
  const std::string header = Header("Subject", "Hi\r\nBcc: x@evil\r\n\r\nINJECTED");
  EXPECT_EQ(header, "Subject: Hi Bcc: x@evil INJECTED\r\n");
}

TEST(MimeTest, LongAsciiHeaderFoldsAtSpaces) {
  std::string value;
  for (int i = 0; i < 30; ++i) value += "word" + std::to_string(i) + " ";
  const std::string header = Header("Subject", value);
  for (const std::string& line : Lines(header)) EXPECT_LE(line.size(), 78u) << line;
  EXPECT_EQ(header.find("=?"), std::string::npos);
  EXPECT_GT(Lines(header).size(), 2u);
}

TEST(MimeTest, NonAsciiBecomesEncodedWordsOnCharacterBoundaries) {
  std::string value = "每日摘要 ";
  for (int i = 0; i < 10; ++i) value += "金融新闻";
  const std::string header = Header("Subject", value);
  for (const std::string& line : Lines(header)) {
    EXPECT_LE(line.size(), 78u) << line;
    EXPECT_NE(line.find("=?UTF-8?B?"), std::string::npos) << line;
  }
  EXPECT_EQ(Header("Subject", "Caf\xC3\xA9"), "Subject: =?UTF-8?B?Q2Fmw6k=?=\r\n");
}

TEST(MimeTest, ParsesAndFormatsAddresses) {
  Result<Address> plain = ParseAddress("reader@example.org");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->addr_spec, "reader@example.org");
  EXPECT_EQ(plain->display_name, "");
  Result<Address> named = ParseAddress("\"Tributary \\\"Bot\\\"\" <bot@example.org>");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->addr_spec, "bot@example.org");
  EXPECT_FALSE(ParseAddress("no-at-sign"));
  EXPECT_FALSE(ParseAddress("a@b\r\nBcc: c@d"));
  EXPECT_FALSE(ParseAddress("a b@example.org"));
  EXPECT_EQ(AddressHeader("To", {{"", "a@example.org"}, {"Ann \"Q\"", "ann@example.org"}}),
            "To: a@example.org, \"Ann \\\"Q\\\"\" <ann@example.org>\r\n");
  EXPECT_EQ(AddressHeader("From", {{"摘要", "d@example.org"}}),
            "From: =?UTF-8?B?5pGY6KaB?= <d@example.org>\r\n");
}

TEST(MimeTest, QuotedPrintableKeepsLinesShortAndSafe) {
  EXPECT_EQ(EncodeQuotedPrintable("a=b\n"), "a=3Db\r\n");
  EXPECT_EQ(EncodeQuotedPrintable("trailing \nx"), "trailing=20\r\nx\r\n");
  EXPECT_EQ(EncodeQuotedPrintable(".\r\n.leading"), "=2E\r\n=2Eleading\r\n");
  EXPECT_EQ(EncodeQuotedPrintable("lone\rcr"), "lone\r\ncr\r\n");
  // A 100 kB single line and SMTP smuggling attempts (hostile-inputs E5).
  std::string hostile(100 * 1024, 'x');
  hostile += "\n.\r\n\r\n.\r\nMAIL FROM:<a@b>\r\n";
  hostile += std::string(500, '.');
  const std::string encoded = EncodeQuotedPrintable(hostile);
  for (const std::string& line : Lines(encoded)) {
    EXPECT_LE(line.size(), 76u);
    EXPECT_FALSE(!line.empty() && line[0] == '.') << line;
    EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos);
  }
  EXPECT_EQ(encoded.substr(encoded.size() - 2), "\r\n");
}

TEST(MimeTest, QuotedPrintableNeverSplitsAnEscape) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "é";
  for (const std::string& line : Lines(EncodeQuotedPrintable(text))) {
    EXPECT_LE(line.size(), 76u);
    const std::string body = line.back() == '=' ? line.substr(0, line.size() - 1) : line;
    EXPECT_EQ(body.size() % 3, 0u) << line;
  }
}

TEST(MimeTest, Base64) {
  EXPECT_EQ(EncodeBase64(""), "");
  EXPECT_EQ(EncodeBase64("f"), "Zg==");
  EXPECT_EQ(EncodeBase64("fo"), "Zm8=");
  EXPECT_EQ(EncodeBase64("foobar"), "Zm9vYmFy");
}

TEST(MimeTest, MultipartBodyHasBothPartsAndClosingDelimiter) {
  const std::string body =
      MultipartAlternativeBody("=_b", {{"plain", "hi"}, {"html", "<p>hi</p>"}});
  EXPECT_NE(body.find("\r\n--=_b\r\nContent-Type: text/plain; charset=utf-8\r\n"),
            std::string::npos);
  EXPECT_NE(body.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  EXPECT_TRUE(body.ends_with("\r\n--=_b--\r\n"));
}

}  // namespace
}  // namespace tributary::output::mime
