#include "feeds/simd.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "feeds/charset.h"

#if defined(TRIBUTARY_SIMD_BLOCKS)
namespace tributary::feeds::simd {
namespace {

// The masks as their comments define them, a byte at a time.
Utf8Masks Reference(const unsigned char* block) {
  Utf8Masks m;
  for (int i = 0; i < 64; ++i) {
    const unsigned c = block[i];
    const std::uint64_t bit = std::uint64_t{1} << i;
    if (c >= 0x80) m.high |= bit;
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) m.controls |= bit;
    if (c >= 0x80 && c <= 0xBF) m.continuation |= bit;
    if (c >= 0xC2) m.from_c2 |= bit;
    if (c >= 0xE0) m.from_e0 |= bit;
    if (c >= 0xF0) m.from_f0 |= bit;
    if (c >= 0xF5) m.from_f5 |= bit;
    if (c == 0xE0 || c == 0xED || c == 0xF0 || c == 0xF4) m.narrow |= bit;
  }
  if (m.high == 0) m = Utf8Masks{0, m.controls};
  return m;
}

std::uint64_t ReferenceStopsBytewise(const char* block) {
  std::uint64_t stops = 0;
  for (int i = 0; i < 64; ++i) {
    if (block[i] == '&' || block[i] == '\0') stops |= std::uint64_t{1} << i;
  }
  return stops;
}

void ExpectSame(const Utf8Masks& got, const Utf8Masks& want, int round) {
  EXPECT_EQ(got.high, want.high) << round;
  EXPECT_EQ(got.controls, want.controls) << round;
  EXPECT_EQ(got.continuation, want.continuation) << round;
  EXPECT_EQ(got.from_c2, want.from_c2) << round;
  EXPECT_EQ(got.from_e0, want.from_e0) << round;
  EXPECT_EQ(got.from_f0, want.from_f0) << round;
  EXPECT_EQ(got.from_f5, want.from_f5) << round;
  EXPECT_EQ(got.narrow, want.narrow) << round;
}

// Blocks drawn from the bytes each mask turns on (and their neighbours),
// some all ASCII, so that the SSE2 classifier agrees with the reference.
TEST(SimdTest, ClassifiersAgreeWithTheBytewiseDefinitions) {
  constexpr unsigned char kInteresting[] = {0x00, 0x01, 0x08, 0x09, 0x0A, 0x0B, 0x0D, 0x1F, 0x20,
                                            '!',  '&',  '<',  'a',  0x7E, 0x7F, 0x80, 0xBF, 0xC0,
                                            0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF,
                                            0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFE, 0xFF};
  std::mt19937 random(20261202);
  unsigned char block[65];
  for (int round = 0; round < 20000; ++round) {
    const bool ascii = round % 4 == 0;
    for (unsigned char& c : block) {
      c = kInteresting[random() % sizeof kInteresting];
      if (ascii) c &= 0x7F;
    }
    const Utf8Masks want = Reference(block);
    Utf8Masks got;
    got.narrow = ~std::uint64_t{0};  // stale values from a previous block must not stay
    ClassifyUtf8Sse2(block, &got);
    ExpectSame(got, want, round);
  }
  // Reference stops: blocks of references, NULs and text.
  constexpr std::string_view kPieces[] = {"&lt;", "&", "a", std::string_view("\0", 1), ";", "é"};
  std::string text;
  for (int round = 0; round < 20000; ++round) {
    text.clear();
    while (text.size() < 64) text += kPieces[random() % std::size(kPieces)];
    ASSERT_EQ(ReferenceStops(text.data()), ReferenceStopsBytewise(text.data())) << round;
  }
  char copy[64];
  Copy64(copy, text.data());
  EXPECT_EQ(std::string_view(copy, 64), std::string_view(text).substr(0, 64));
}

// Valid UTF-8 as the byte-by-byte reader defines it, and its controls.
bool ValidBytewise(std::string_view text, bool* controls) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) *controls = true;
    const std::size_t length = Utf8SequenceLength(text.substr(i));
    if (length == 0) return false;
    i += length;
  }
  return true;
}

void ExpectValidatorAgrees(Utf8Validator validate, std::string_view text) {
  bool want_controls = false;
  const bool want = ValidBytewise(text, &want_controls);
  bool got_controls = false;
  const bool got =
      validate(reinterpret_cast<const unsigned char*>(text.data()), text.size(), &got_controls);
  ASSERT_EQ(got, want) << ::testing::PrintToString(std::string(text));
  if (want) {
    ASSERT_EQ(got_controls, want_controls) << ::testing::PrintToString(std::string(text));
  }
}

// Every sequence of up to four bytes from the bytes that decide validity
// (each lead and the edges of every continuation range), at every offset
// of a 32-byte chunk and at the end of the text, after ASCII and after
// CJK text; then random mixtures.
TEST(SimdTest, Utf8ValidatorAgreesWithTheBytewiseReader) {
  const Utf8Validator validate = BestUtf8Validator();
  if (validate == nullptr) GTEST_SKIP() << "no whole-text validator on this CPU";
  constexpr unsigned char kEdges[] = {0x00, 0x09, 0x1F, 0x20, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F,
                                      0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED,
                                      0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
  const std::string kCjk = "\u4e2d\u6587\u65b0\u95fb";
  std::mt19937 random(20261202);
  std::string sequence;
  for (unsigned char a : kEdges) {
    for (unsigned char b : kEdges) {
      for (unsigned char c : kEdges) {
        for (int length = 1; length <= 4; ++length) {
          sequence.assign({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c),
                           static_cast<char>(kEdges[random() % std::size(kEdges)])});
          sequence.resize(static_cast<std::size_t>(length));
          const std::size_t offset = random() % 40;
          const std::string before =
              random() % 2 ? std::string(offset, 'a') : kCjk + std::string(offset, 'b');
          ExpectValidatorAgrees(validate, before + sequence + std::string(random() % 40, 'z'));
          ExpectValidatorAgrees(validate, before + sequence);
          if (::testing::Test::HasFailure()) return;
        }
      }
    }
  }
  constexpr std::string_view kPieces[] = {"a",        " ",          "\n",   "\u00e9",
                                          "\u4e2d",   "\U0001F600", "\x80", "\xE4\xB8",
                                          "\xF0\x9F", "\x01",       "\x7F", "\xED\xA0\x80"};
  std::string text;
  for (int round = 0; round < 20000; ++round) {
    text.clear();
    const std::size_t pieces = random() % 80;
    for (std::size_t k = 0; k < pieces; ++k) {
      // Mostly valid text, so that what is invalid falls anywhere.
      const std::size_t pick = random() % 100 < 97 ? random() % 6 : 6 + random() % 6;
      text += kPieces[pick];
    }
    ExpectValidatorAgrees(validate, text);
    if (::testing::Test::HasFailure()) return;
  }
}

}  // namespace
}  // namespace tributary::feeds::simd
#endif
