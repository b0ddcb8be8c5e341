#include "feeds/charset.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace tributary::feeds {
namespace {

TEST(CharsetTest, MapsWhatwgLabels) {
  struct Case {
    const char* label;
    const char* encoding;
  };
  constexpr Case kCases[] = {
      {"gb2312", "GB18030"},
      {"GBK", "GB18030"},
      {" x-gbk ", "GB18030"},
      {"gb18030", "GB18030"},
      {"iso-8859-1", "WINDOWS-1252"},
      {"Latin1", "WINDOWS-1252"},
      {"us-ascii", "WINDOWS-1252"},
      {"ascii", "WINDOWS-1252"},
      {"utf8", "UTF-8"},
      {"UTF-8", "UTF-8"},
      {"windows-1251", "WINDOWS-1251"},
      {"cp1251", "WINDOWS-1251"},
      {"koi8-r", "KOI8-R"},
      {"shift_jis", "CP932"},
      {"euc-jp", "EUC-JP"},
      {"euc-kr", "CP949"},
      {"big5", "BIG5-HKSCS"},
      {"iso-8859-9", "WINDOWS-1254"},
      {"utf-16", "UTF-16LE"},
      {"tis-620", "WINDOWS-874"},
      {"nonsense", ""},
      {"", ""},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(EncodingForLabel(c.label), c.encoding) << c.label;
  }
}

TEST(CharsetTest, ReadsCharsetParameter) {
  EXPECT_EQ(CharsetFromContentType("text/xml; charset=GBK"), "GBK");
  EXPECT_EQ(CharsetFromContentType("text/xml;Charset=\"utf-8\""), "utf-8");
  EXPECT_EQ(CharsetFromContentType("application/rss+xml; q=1; charset = 'koi8-r' "), "koi8-r");
  EXPECT_EQ(CharsetFromContentType("text/xml"), "");
}

TEST(CharsetTest, ReadsXmlDeclaration) {
  EXPECT_EQ(XmlDeclaredEncoding("<?xml version=\"1.0\" encoding=\"gb2312\"?><rss/>"), "gb2312");
  EXPECT_EQ(XmlDeclaredEncoding("  <?xml version='1.0' encoding='ISO-8859-1' ?>"), "ISO-8859-1");
  EXPECT_EQ(XmlDeclaredEncoding("<?xml version=\"1.0\"?><rss/>"), "");
  EXPECT_EQ(XmlDeclaredEncoding("<rss encoding=\"x\"/>"), "");
}

std::string Decode(std::string_view body, std::string_view content_type = "",
                   std::vector<std::string>* warnings = nullptr) {
  std::vector<std::string> local;
  auto result = DecodeToUtf8(body, content_type, warnings ? warnings : &local);
  EXPECT_TRUE(result.has_value());
  return result ? result->utf8 : "";
}

TEST(CharsetTest, DecisionOrderIsBomThenHttpThenDeclaration) {
  // "é" in windows-1252 is E9; in UTF-8 C3 A9.
  std::string latin = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><t>\xE9</t>";
  EXPECT_EQ(Decode(latin), "<?xml version=\"1.0\" encoding=\"UTF-8\"?><t>\xC3\xA9</t>");
  // HTTP charset beats the declaration.
  std::string utf8_declared_latin =
      "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><t>\xC3\xA9</t>";
  EXPECT_EQ(Decode(utf8_declared_latin, "text/xml; charset=utf-8"), utf8_declared_latin);
  // A UTF-8 BOM beats both.
  EXPECT_EQ(Decode("\xEF\xBB\xBF<t>\xC3\xA9</t>", "text/xml; charset=iso-8859-1"),
            "<t>\xC3\xA9</t>");
}

TEST(CharsetTest, DecodesGbkDeclaredGb2312) {
  // 內 (U+5167) is in GBK but not GB2312: 83 C8 in GBK.
  std::string gbk = "<?xml version=\"1.0\" encoding=\"gb2312\"?><t>\x83\xC8</t>";
  EXPECT_EQ(Decode(gbk), "<?xml version=\"1.0\" encoding=\"UTF-8\"?><t>\xE5\x85\xA7</t>");
}

TEST(CharsetTest, DecodesUtf16WithBom) {
  std::string utf16le("\xFF\xFE<\0t\0>\0\x34\x12<\0/\0t\0>\0", 18);
  EXPECT_EQ(Decode(utf16le), "<t>\xE1\x88\xB4</t>");
  std::string utf16be("\xFE\xFF\0<\0t\0>\x12\x34\0<\0/\0t\0>", 18);
  EXPECT_EQ(Decode(utf16be), "<t>\xE1\x88\xB4</t>");
}

TEST(CharsetTest, DecodesWindows1251FromHttpHeader) {
  std::string cyrillic = "<t>\xCF\xF0\xE8\xE2\xE5\xF2</t>";  // "Привет"
  EXPECT_EQ(Decode(cyrillic, "text/xml; charset=windows-1251"),
            "<t>\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82</t>");
}

TEST(CharsetTest, ReplacesInvalidUtf8AndWarns) {
  std::vector<std::string> warnings;
  EXPECT_EQ(Decode("<t>a\xFF\xFE"
                   "b\xC0\xAF"
                   "c\xE4\xB8</t>",
                   "", &warnings),
            "<t>a\xEF\xBF\xBD\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c\xEF\xBF\xBD</t>");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "invalid UTF-8: 6 bad bytes replaced with U+FFFD");
}

TEST(CharsetTest, InvalidUtf8TriesTheOtherLabel) {
  std::vector<std::string> warnings;
  // Declared GBK, served as UTF-8 by HTTP, bytes really GBK.
  std::string body = "<?xml version=\"1.0\" encoding=\"gbk\"?><t>\xC4\xE3\xBA\xC3</t>";
  EXPECT_EQ(Decode(body, "text/xml; charset=utf-8", &warnings),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><t>\xE4\xBD\xA0\xE5\xA5\xBD</t>");
  ASSERT_FALSE(warnings.empty());
  EXPECT_EQ(warnings[0], "document is not valid UTF-8; decoded as GB18030");
}

TEST(CharsetTest, RemovesControlCharacters) {
  std::vector<std::string> warnings;
  EXPECT_EQ(Decode("<t>a\x01\x13\tb\x7F</t>", "", &warnings), "<t>a\tb</t>");
  EXPECT_EQ(warnings, std::vector<std::string>{"control characters removed"});
}

TEST(CharsetTest, RefusesUnknownDeclaredEncoding) {
  std::vector<std::string> warnings;
  auto result = DecodeToUtf8("<?xml version=\"1.0\" encoding=\"x-klingon\"?><t/>", "", &warnings);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kParse);
  EXPECT_EQ(result.error().message, "unsupported encoding \"x-klingon\"");
}

TEST(CharsetTest, CleanUtf8KeepsValidTextAndReplacesTheRest) {
  EXPECT_EQ(CleanUtf8("h\xC3\xA9llo \xF0\x9F\x98\x80"), "h\xC3\xA9llo \xF0\x9F\x98\x80");
  EXPECT_EQ(CleanUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD");      // surrogate
  EXPECT_EQ(CleanUtf8("\xF4\x90\x80\x80"), "\xEF\xBF\xBD");  // > U+10FFFF
  EXPECT_EQ(CleanUtf8("\xEF\xBF\xBE"), "\xEF\xBF\xBD");      // noncharacter U+FFFE
  EXPECT_EQ(CleanUtf8(std::string_view("a\0b", 3)), "ab");
}

// A plain reading of RFC 3629's table, to check the block-wise validator
// against on many random strings, with sequences across 64-byte blocks.
bool ReferenceValidUtf8(const std::string& s) {
  std::size_t i = 0;
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  while (i < s.size()) {
    const unsigned char c = at(i);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (c < 0x80) {
      length = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (i + length > s.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const unsigned char next = at(i + k);
      if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF)) return false;
    }
    i += length;
  }
  return true;
}

TEST(CharsetTest, BlockwiseValidationAgreesWithTheTable) {
  const std::vector<std::string> pieces = {"a",
                                           "abc def ",
                                           "\n",
                                           "\xc3\xa9",
                                           "\xe6\x97\xa5",
                                           "\xf0\x9f\x98\x80",
                                           "\xe0\xa0\x80",
                                           "\xe0\x9f\xbf",
                                           "\xed\x9f\xbf",
                                           "\xed\xa0\x80",
                                           "\xf4\x8f\xbf\xbf",
                                           "\xf4\x90\x80\x80",
                                           "\xc0\x80",
                                           "\xc2\x80",
                                           "\xf5\x80\x80\x80",
                                           "\xff",
                                           "\x80",
                                           "\xe6\x97",
                                           "\xc3",
                                           "0123456789abcdef0123456789abcdef"};
  std::mt19937 random(42);
  int invalid = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const int count = static_cast<int>(random() % 80);
    for (int k = 0; k < count; ++k) {
      // Mostly valid pieces, so that long valid runs reach the block path.
      const std::size_t pick = random() % 100 < 90 ? random() % 6 : random() % pieces.size();
      s += pieces[pick];
    }
    bool controls = false;
    const bool valid = CountInvalidUtf8(s, &controls) == 0;
    ASSERT_EQ(valid, ReferenceValidUtf8(s)) << ::testing::PrintToString(s);
    if (!valid) ++invalid;
  }
  EXPECT_GT(invalid, 1000);  // both kinds were exercised
}

}  // namespace
}  // namespace tributary::feeds
