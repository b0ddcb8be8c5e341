// Classification of 64-byte blocks for the two whole-document passes of
// ParseFeed (the UTF-8 check and the entity scan), one bit per byte. Each
// has an SSE2 version (every x86-64) and an AVX2 version, chosen once at
// run time: AVX2 classifies a block in half the instructions, and these
// passes are a quarter of parsing. Internal to feeds/.
#pragma once

#if defined(__SSE2__)
#define TRIBUTARY_SIMD_BLOCKS 1

#include <cstdint>

namespace tributary::feeds::simd {

struct Utf8Masks {
  std::uint64_t high = 0;      // bytes >= 0x80
  std::uint64_t controls = 0;  // C0 controls but TAB, LF and CR; DEL
  // The rest is set only when `high` is not zero.
  std::uint64_t continuation = 0;  // 80..BF
  std::uint64_t from_c2 = 0;       // C2..FF
  std::uint64_t from_e0 = 0;       // E0..FF
  std::uint64_t from_f0 = 0;       // F0..FF
  std::uint64_t from_f5 = 0;       // F5..FF
  std::uint64_t narrow = 0;        // E0, ED, F0, F4: leads with a narrower second byte
};

// Classifies block[0, 64).
using Utf8Classifier = void (*)(const unsigned char* block, Utf8Masks* out);
// The bytes of block[0, 64) that are '&', or '<' followed by '!'. Reads
// block[64]: kMarkLookahead bytes past the block must exist.
using MarkClassifier = std::uint64_t (*)(const char* block);
inline constexpr int kMarkLookahead = 1;

void ClassifyUtf8Sse2(const unsigned char* block, Utf8Masks* out);
std::uint64_t MarksSse2(const char* block);
#if defined(TRIBUTARY_HAVE_AVX2)
void ClassifyUtf8Avx2(const unsigned char* block, Utf8Masks* out);
std::uint64_t MarksAvx2(const char* block);
#endif

// The fastest versions this CPU runs.
Utf8Classifier BestUtf8Classifier();
MarkClassifier BestMarkClassifier();

}  // namespace tributary::feeds::simd

#endif
