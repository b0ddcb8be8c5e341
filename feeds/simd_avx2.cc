// The AVX2 versions of feeds/simd.h, compiled with -mavx2 and called only
// when the CPU has it. Keep this file free of anything but intrinsics:
// inline functions from other headers compiled here could carry AVX2
// instructions into code that runs on any CPU.
#include <immintrin.h>

#include "feeds/simd.h"

namespace tributary::feeds::simd {
namespace {

std::uint64_t Bits(__m256i compared) {
  return static_cast<std::uint32_t>(_mm256_movemask_epi8(compared));
}
__m256i AtLeast(__m256i v, int lowest) {
  return _mm256_cmpgt_epi8(v, _mm256_set1_epi8(static_cast<char>(lowest - 1)));
}
__m256i Is(__m256i v, int byte) {
  return _mm256_cmpeq_epi8(v, _mm256_set1_epi8(static_cast<char>(byte)));
}
__m256i Load(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

template <typename Compare>
std::uint64_t Mask(__m256i low, __m256i high, Compare compare) {
  return Bits(compare(low)) | (Bits(compare(high)) << 32);
}

}  // namespace

void ClassifyUtf8Avx2(const unsigned char* block, Utf8Masks* out) {
  const __m256i a = Load(block);
  const __m256i b = Load(block + 32);
  out->high = Mask(a, b, [](__m256i v) { return v; });
  out->controls = Mask(a, b,
                       [](__m256i v) {
                         __m256i c0 = _mm256_cmpgt_epi8(_mm256_set1_epi8(0x20), v);
                         __m256i allowed = _mm256_or_si256(
                             _mm256_or_si256(Is(v, '\t'), Is(v, '\n')), Is(v, '\r'));
                         return _mm256_or_si256(_mm256_andnot_si256(allowed, c0), Is(v, 0x7F));
                       }) &
                  ~out->high;
  if (out->high == 0) {
    out->continuation = out->from_c2 = out->from_e0 = out->from_f0 = out->from_f5 = out->narrow = 0;
    return;
  }
  out->continuation =
      Mask(a, b, [](__m256i v) { return _mm256_cmpgt_epi8(_mm256_set1_epi8(-64), v); });
  out->from_c2 = Mask(a, b, [](__m256i v) { return AtLeast(v, 0xC2 - 256); }) & out->high;
  out->from_e0 = Mask(a, b, [](__m256i v) { return AtLeast(v, 0xE0 - 256); }) & out->high;
  out->from_f0 = Mask(a, b, [](__m256i v) { return AtLeast(v, 0xF0 - 256); }) & out->high;
  out->from_f5 = Mask(a, b, [](__m256i v) { return AtLeast(v, 0xF5 - 256); }) & out->high;
  out->narrow = Mask(a, b, [](__m256i v) {
    return _mm256_or_si256(_mm256_or_si256(Is(v, 0xE0), Is(v, 0xED)),
                           _mm256_or_si256(Is(v, 0xF0), Is(v, 0xF4)));
  });
}

std::uint64_t MarksAvx2(const char* block) {
  std::uint64_t marks = 0;
  for (int k = 0; k < 2; ++k) {
    const __m256i v = Load(block + 32 * k);
    const __m256i next = Load(block + 32 * k + 1);
    const __m256i open = _mm256_and_si256(Is(v, '<'), Is(next, '!'));
    marks |= Bits(_mm256_or_si256(Is(v, '&'), open)) << (32 * k);
  }
  return marks;
}

}  // namespace tributary::feeds::simd
