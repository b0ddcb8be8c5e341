#include "feeds/simd.h"

#if defined(TRIBUTARY_SIMD_BLOCKS)
#include <emmintrin.h>

namespace tributary::feeds::simd {
namespace {

struct Isa {
  using V = __m128i;
  static constexpr int kWidth = 16;
  static V Load(const void* p) { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }
  static V Splat(int byte) { return _mm_set1_epi8(static_cast<char>(byte)); }
  static V Equal(V a, V b) { return _mm_cmpeq_epi8(a, b); }
  static V Greater(V a, V b) { return _mm_cmpgt_epi8(a, b); }
  static V Or(V a, V b) { return _mm_or_si128(a, b); }
  static V And(V a, V b) { return _mm_and_si128(a, b); }
  static V AndNot(V a, V b) { return _mm_andnot_si128(a, b); }
  static std::uint64_t Bits(V v) { return static_cast<unsigned>(_mm_movemask_epi8(v)); }
};

#include "feeds/simd_blocks.inc"

}  // namespace

void ClassifyUtf8Sse2(const unsigned char* block, Utf8Masks* out) { ClassifyUtf8Block(block, out); }

Utf8Validator BestUtf8Validator() {
#if defined(TRIBUTARY_HAVE_AVX2)
  if (__builtin_cpu_supports("avx2")) return &ValidUtf8Avx2;
#endif
  return nullptr;
}

}  // namespace tributary::feeds::simd

#endif
