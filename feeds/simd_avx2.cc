// The AVX2 versions of feeds/simd.h, compiled with -mavx2 and called only
// when the CPU has it. Keep this file free of anything but intrinsics and
// simd_blocks.inc: inline functions from other headers compiled here could
// carry AVX2 instructions into code that runs on any CPU.
#include <immintrin.h>

#include "feeds/simd.h"

namespace tributary::feeds::simd {
namespace {

struct Isa {
  using V = __m256i;
  static constexpr int kWidth = 32;
  static V Load(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
  static V Splat(int byte) { return _mm256_set1_epi8(static_cast<char>(byte)); }
  static V Equal(V a, V b) { return _mm256_cmpeq_epi8(a, b); }
  static V Greater(V a, V b) { return _mm256_cmpgt_epi8(a, b); }
  static V Or(V a, V b) { return _mm256_or_si256(a, b); }
  static V And(V a, V b) { return _mm256_and_si256(a, b); }
  static V AndNot(V a, V b) { return _mm256_andnot_si256(a, b); }
  static std::uint64_t Bits(V v) { return static_cast<std::uint32_t>(_mm256_movemask_epi8(v)); }
};

#include "feeds/simd_blocks.inc"

}  // namespace

void ClassifyUtf8Avx2(const unsigned char* block, Utf8Masks* out) { ClassifyUtf8Block(block, out); }

}  // namespace tributary::feeds::simd
