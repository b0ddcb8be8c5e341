// Vector code for ParseFeed. The UTF-8 check of whole documents: by nibble
// lookups where the CPU has AVX2 (chosen once at run time), else by SSE2
// masks of 64-byte blocks, one bit per byte. The reference decoding of
// texts uses SSE2 inline.
// Internal to feeds/.
#pragma once

#if defined(__SSE2__)
#define TRIBUTARY_SIMD_BLOCKS 1

#include <emmintrin.h>

#include <cstddef>
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
void ClassifyUtf8Sse2(const unsigned char* block, Utf8Masks* out);
#if defined(TRIBUTARY_HAVE_AVX2)
// Whether data[0, size) is valid UTF-8; sets *has_controls when it holds
// a C0 control but TAB, LF and CR, or DEL (and leaves it otherwise). Call
// only where the CPU has AVX2.
bool ValidUtf8Avx2(const unsigned char* data, std::size_t size, bool* has_controls);
#endif

// The bytes of block[0, 64) that are '&' or NUL: where a text's next
// reference is, or its end. Every x86-64 has SSE2, and four compares
// inline beat a call to a wider version.
inline std::uint64_t ReferenceStops(const char* block) {
  const __m128i amp = _mm_set1_epi8('&');
  const __m128i nul = _mm_setzero_si128();
  std::uint64_t stops = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * k));
    const auto bits = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, nul))));
    stops |= static_cast<std::uint64_t>(bits) << (16 * k);
  }
  return stops;
}

// Copies from[0, 64) to out[0, 64) (which must not overlap): a run of
// text of any length up to 64 in the same few instructions, the caller
// keeping only as much of it as it needs.
inline void Copy64(char* out, const char* from) {
  for (int k = 0; k < 4; ++k) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16 * k),
                     _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + 16 * k)));
  }
}

// A whole-text validator with ValidUtf8Avx2's contract where the CPU runs
// one (AVX2), else nullptr: then blocks classified by ClassifyUtf8Sse2
// are checked.
using Utf8Validator = bool (*)(const unsigned char* data, std::size_t size, bool* has_controls);
Utf8Validator BestUtf8Validator();

}  // namespace tributary::feeds::simd

#endif
