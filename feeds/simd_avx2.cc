// The AVX2 UTF-8 validator of feeds/simd.h, compiled with -mavx2 and called
// only when the CPU has it. Keep this file free of anything but intrinsics:
// inline functions from other headers compiled here could carry AVX2
// instructions into code that runs on any CPU.
#include <immintrin.h>

#include <cstddef>

#include "feeds/simd.h"

namespace tributary::feeds::simd {
namespace {

// UTF-8 validation by nibble lookups (Keiser and Lemire, "Validating UTF-8
// in less than one instruction per byte", 2021). Each byte is judged with
// the one before it: three tables, indexed by the high and low nibble of
// the previous byte and the high nibble of this one, give each the set of
// errors it could be part of; a pair is wrong when all three agree. What
// the pairs cannot see (the third and fourth byte of a sequence) is
// checked against the bytes two and three back.
constexpr char kTooShort = 1 << 0;   // a lead, then no continuation
constexpr char kTooLong = 1 << 1;    // ASCII, then a continuation
constexpr char kOverlong3 = 1 << 2;  // E0 80..9F
constexpr char kTooLarge = 1 << 3;   // F4 90..BF, or F5..FF
constexpr char kSurrogate = 1 << 4;  // ED A0..BF
constexpr char kOverlong2 = 1 << 5;  // C0, C1
constexpr char kTooLarge1000 = 1 << 6;
constexpr char kOverlong4 = 1 << 6;                    // F0 80..8F
constexpr char kTwoConts = static_cast<char>(1 << 7);  // two continuations in a row
constexpr char kCarry = kTooShort | kTooLong | kTwoConts;

__m256i Table(char b0, char b1, char b2, char b3, char b4, char b5, char b6, char b7, char b8,
              char b9, char b10, char b11, char b12, char b13, char b14, char b15) {
  // _mm256_shuffle_epi8 looks up within each 128-bit half.
  return _mm256_setr_epi8(b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b0,
                          b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15);
}

// The bytes of `input` shifted by `n` (1..3), the first taken from the
// end of `previous`.
template <int n>
__m256i Prev(__m256i input, __m256i previous) {
  return _mm256_alignr_epi8(input, _mm256_permute2x128_si256(previous, input, 0x21), 16 - n);
}

__m256i HighNibbles(__m256i v) {
  return _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0F));
}

__m256i ErrorsOf(__m256i input, __m256i previous) {
  const __m256i prev1 = Prev<1>(input, previous);
  const __m256i byte_1_high = _mm256_shuffle_epi8(
      Table(kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong,
            kTwoConts, kTwoConts, kTwoConts, kTwoConts, kTooShort | kOverlong2, kTooShort,
            kTooShort | kOverlong3 | kSurrogate,
            kTooShort | kTooLarge | kTooLarge1000 | kOverlong4),
      HighNibbles(prev1));
  const __m256i byte_1_low = _mm256_shuffle_epi8(
      Table(kCarry | kOverlong3 | kOverlong2 | kOverlong4, kCarry | kOverlong2, kCarry, kCarry,
            kCarry | kTooLarge, kCarry | kTooLarge | kTooLarge1000,
            kCarry | kTooLarge | kTooLarge1000, kCarry | kTooLarge | kTooLarge1000,
            kCarry | kTooLarge | kTooLarge1000, kCarry | kTooLarge | kTooLarge1000,
            kCarry | kTooLarge | kTooLarge1000, kCarry | kTooLarge | kTooLarge1000,
            kCarry | kTooLarge | kTooLarge1000, kCarry | kTooLarge | kTooLarge1000 | kSurrogate,
            kCarry | kTooLarge | kTooLarge1000, kCarry | kTooLarge | kTooLarge1000),
      _mm256_and_si256(prev1, _mm256_set1_epi8(0x0F)));
  constexpr char kCont8 =
      kTooLong | kOverlong2 | kTwoConts | kOverlong3 | kTooLarge1000 | kOverlong4;
  constexpr char kCont9 = kTooLong | kOverlong2 | kTwoConts | kOverlong3 | kTooLarge;
  constexpr char kContAB = kTooLong | kOverlong2 | kTwoConts | kSurrogate | kTooLarge;
  const __m256i byte_2_high = _mm256_shuffle_epi8(
      Table(kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort,
            kCont8, kCont9, kContAB, kContAB, kTooShort, kTooShort, kTooShort, kTooShort),
      HighNibbles(input));
  const __m256i special = _mm256_and_si256(_mm256_and_si256(byte_1_high, byte_1_low), byte_2_high);
  // A third byte (two after E0..FF) or fourth (three after F0..FF) must
  // be a continuation, which the pair check saw as kTwoConts.
  const __m256i third = _mm256_subs_epu8(Prev<2>(input, previous), _mm256_set1_epi8(0xE0 - 0x80));
  const __m256i fourth =
      _mm256_subs_epu8(Prev<3>(input, previous), _mm256_set1_epi8(static_cast<char>(0xF0 - 0x80)));
  const __m256i must_be_continuation =
      _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8(kTwoConts));
  return _mm256_xor_si256(must_be_continuation, special);
}

// Bytes that end `input` in the middle of a sequence.
__m256i Incomplete(__m256i input) {
  const __m256i max =
      _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                       -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, static_cast<char>(0xF0 - 1),
                       static_cast<char>(0xE0 - 1), static_cast<char>(0xC0 - 1));
  return _mm256_subs_epu8(input, max);
}

// C0 controls but TAB, LF and CR; DEL.
__m256i Controls(__m256i input) {
  const __m256i c0 = _mm256_cmpeq_epi8(_mm256_min_epu8(input, _mm256_set1_epi8(0x1F)), input);
  const __m256i allowed =
      _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(input, _mm256_set1_epi8('\t')),
                                      _mm256_cmpeq_epi8(input, _mm256_set1_epi8('\n'))),
                      _mm256_cmpeq_epi8(input, _mm256_set1_epi8('\r')));
  return _mm256_or_si256(_mm256_andnot_si256(allowed, c0),
                         _mm256_cmpeq_epi8(input, _mm256_set1_epi8(0x7F)));
}

}  // namespace

bool ValidUtf8Avx2(const unsigned char* data, std::size_t size, bool* has_controls) {
  __m256i error = _mm256_setzero_si256();
  __m256i controls = _mm256_setzero_si256();
  __m256i previous = _mm256_setzero_si256();
  __m256i previous_incomplete = _mm256_setzero_si256();
  auto check = [&](__m256i input) {
    controls = _mm256_or_si256(controls, Controls(input));
    if (_mm256_movemask_epi8(input) == 0) {
      // ASCII: valid unless the chunk before ended inside a sequence.
      error = _mm256_or_si256(error, previous_incomplete);
      previous_incomplete = _mm256_setzero_si256();
    } else {
      error = _mm256_or_si256(error, ErrorsOf(input, previous));
      previous_incomplete = Incomplete(input);
    }
    previous = input;
  };
  std::size_t i = 0;
  for (; i + 32 <= size; i += 32) {
    check(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i)));
  }
  // The rest padded with spaces (valid, not controls): at least one
  // space follows the last byte, or the chunk is all spaces, so a sequence
  // cut by the end is found either way.
  alignas(32) unsigned char tail[32];
  for (std::size_t k = 0; k < 32; ++k) tail[k] = i + k < size ? data[i + k] : ' ';
  check(_mm256_load_si256(reinterpret_cast<const __m256i*>(tail)));
  if (!_mm256_testz_si256(controls, controls)) *has_controls = true;
  return _mm256_testz_si256(error, error) != 0;
}

}  // namespace tributary::feeds::simd
