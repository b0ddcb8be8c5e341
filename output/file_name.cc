#include "output/file_name.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "common/text.h"
#include "output/sanitizer.h"

namespace tributary::output {
namespace {

constexpr std::size_t kMaxSlugBytes = 120;

// Code points that separate words: Latin-1 punctuation and symbols, general
// punctuation (includes quotes, invisible and bidi controls), arrows and
// technical symbols, CJK punctuation, fullwidth ASCII punctuation,
// variation selectors, specials and private use.
bool IsSeparator(char32_t c) {
  return (c >= 0x80 && c <= 0xBF) || c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x2BFF) ||
         (c >= 0x3000 && c <= 0x303F) || (c >= 0xE000 && c <= 0xF8FF) ||
         (c >= 0xFE00 && c <= 0xFE1F) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
         (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) || c >= 0xFFF0;
}

// Length of the UTF-8 sequence starting with `lead` (input is valid UTF-8).
std::size_t SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  return 4;
}

char32_t CodePoint(std::string_view sequence) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(sequence[k]); };
  switch (sequence.size()) {
    case 1:
      return byte(0);
    case 2:
      return ((byte(0) & 0x1Fu) << 6) | (byte(1) & 0x3Fu);
    case 3:
      return ((byte(0) & 0x0Fu) << 12) | ((byte(1) & 0x3Fu) << 6) | (byte(2) & 0x3Fu);
    default:
      return ((byte(0) & 0x07u) << 18) | ((byte(1) & 0x3Fu) << 12) | ((byte(2) & 0x3Fu) << 6) |
             (byte(3) & 0x3Fu);
  }
}

std::string Slug(std::string_view title) {
  // Controls separate words too; CleanText alone would just drop them.
  std::string spaced(title);
  for (char& c : spaced) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  std::string clean = CleanText(spaced);
  std::string slug;
  bool pending_dash = false;
  for (std::size_t i = 0; i < clean.size();) {
    std::size_t length =
        std::min(SequenceLength(static_cast<unsigned char>(clean[i])), clean.size() - i);
    std::string_view sequence(clean.data() + i, length);
    i += length;
    char32_t c = CodePoint(sequence);
    bool keep = length == 1
                    ? ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
                    : !IsSeparator(c);
    if (!keep) {
      pending_dash = !slug.empty();
      continue;
    }
    if (slug.size() + length + (pending_dash ? 1 : 0) > kMaxSlugBytes) break;
    if (pending_dash) slug += '-';
    pending_dash = false;
    if (length == 1 && c >= 'A' && c <= 'Z') {
      slug += static_cast<char>(c - 'A' + 'a');
    } else {
      slug += sequence;
    }
  }
  return slug.empty() ? "post" : slug;
}

}  // namespace

std::string PostFileName(const OutputEntry& entry) {
  Timestamp when = entry.published.value_or(entry.updated);
  std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(when)};
  char date[32];
  std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  // The standard basis: file names were always derived with it.
  const std::string hash = Hex(Fnv1a64(entry.id) & 0xFFFFFFu, 6);
  return std::string(date) + "-" + Slug(entry.title) + "-" + hash + ".md";
}

}  // namespace tributary::output
