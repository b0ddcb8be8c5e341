#include "feeds/simd.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

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
// some all ASCII, so that every classifier this CPU runs (SSE2 and the
// one chosen at run time, AVX2 where there is) agrees with the reference.
TEST(SimdTest, ClassifiersAgreeWithTheBytewiseDefinitions) {
  constexpr unsigned char kInteresting[] = {0x00, 0x01, 0x08, 0x09, 0x0A, 0x0B, 0x0D, 0x1F, 0x20,
                                            '!',  '&',  '<',  'a',  0x7E, 0x7F, 0x80, 0xBF, 0xC0,
                                            0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF,
                                            0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFE, 0xFF};
  std::mt19937 random(20261202);
  const Utf8Classifier best = BestUtf8Classifier();
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
    Utf8Masks chosen;
    chosen.continuation = ~std::uint64_t{0};
    best(block, &chosen);
    ExpectSame(chosen, want, round);
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

}  // namespace
}  // namespace tributary::feeds::simd
#endif
