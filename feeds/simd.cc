#include "feeds/simd.h"

#if defined(TRIBUTARY_SIMD_BLOCKS)
#include <emmintrin.h>

namespace tributary::feeds::simd {
namespace {

std::uint64_t Bits(__m128i compared) {
  return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(compared)));
}

// One bit per byte of the four 16-byte lanes, each compared by `Compare`.
template <typename Compare>
std::uint64_t Mask(const __m128i (&lanes)[4], Compare compare) {
  return Bits(compare(lanes[0])) | (Bits(compare(lanes[1])) << 16) |
         (Bits(compare(lanes[2])) << 32) | (Bits(compare(lanes[3])) << 48);
}

// Signed bytes at or above `lowest` (given as an unsigned byte value).
__m128i AtLeast(__m128i v, int lowest) {
  return _mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lowest - 1)));
}
__m128i Is(__m128i v, int byte) {
  return _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(byte)));
}

}  // namespace

void ClassifyUtf8Sse2(const unsigned char* block, Utf8Masks* out) {
  __m128i lanes[4];
  for (int k = 0; k < 4; ++k) {
    lanes[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * k));
  }
  out->high = Mask(lanes, [](__m128i v) { return v; });
  // Signed bytes below 0x20 are the C0 controls and every byte >= 0x80.
  out->controls = Mask(lanes,
                       [](__m128i v) {
                         __m128i c0 = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
                         __m128i allowed =
                             _mm_or_si128(_mm_or_si128(Is(v, '\t'), Is(v, '\n')), Is(v, '\r'));
                         return _mm_or_si128(_mm_andnot_si128(allowed, c0), Is(v, 0x7F));
                       }) &
                  ~out->high;
  if (out->high == 0) {
    out->continuation = out->from_c2 = out->from_e0 = out->from_f0 = out->from_f5 = out->narrow = 0;
    return;
  }
  // In signed terms 0x80..0xBF are -128..-65 and every lead is above.
  out->continuation = Mask(lanes, [](__m128i v) { return _mm_cmplt_epi8(v, _mm_set1_epi8(-64)); });
  out->from_c2 = Mask(lanes, [](__m128i v) { return AtLeast(v, 0xC2 - 256); }) & out->high;
  out->from_e0 = Mask(lanes, [](__m128i v) { return AtLeast(v, 0xE0 - 256); }) & out->high;
  out->from_f0 = Mask(lanes, [](__m128i v) { return AtLeast(v, 0xF0 - 256); }) & out->high;
  out->from_f5 = Mask(lanes, [](__m128i v) { return AtLeast(v, 0xF5 - 256); }) & out->high;
  out->narrow = Mask(lanes, [](__m128i v) {
    return _mm_or_si128(_mm_or_si128(Is(v, 0xE0), Is(v, 0xED)),
                        _mm_or_si128(Is(v, 0xF0), Is(v, 0xF4)));
  });
}

std::uint64_t MarksSse2(const char* block) {
  std::uint64_t marks = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * k));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * k + 1));
    const __m128i open = _mm_and_si128(Is(v, '<'), Is(next, '!'));
    marks |= Bits(_mm_or_si128(Is(v, '&'), open)) << (16 * k);
  }
  return marks;
}

Utf8Classifier BestUtf8Classifier() {
#if defined(TRIBUTARY_HAVE_AVX2)
  if (__builtin_cpu_supports("avx2")) return &ClassifyUtf8Avx2;
#endif
  return &ClassifyUtf8Sse2;
}

MarkClassifier BestMarkClassifier() {
#if defined(TRIBUTARY_HAVE_AVX2)
  if (__builtin_cpu_supports("avx2")) return &MarksAvx2;
#endif
  return &MarksSse2;
}

}  // namespace tributary::feeds::simd

#endif
