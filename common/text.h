// Small text helpers shared by every module: ASCII case, trimming, HTML
// escaping and the FNV-1a hash. ASCII only on purpose: they serve protocol
// tokens, markup and identifiers, never locale-dependent text. Pure and
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tributary {

// The characters each kind of text calls white space.
// HTML's and URLs' ASCII whitespace (WHATWG Infra): space, tab, LF, CR, FF.
inline constexpr std::string_view kAsciiWhitespace = " \t\n\r\f";
// XML's S production: space, tab, CR, LF.
inline constexpr std::string_view kXmlWhitespace = " \t\r\n";
// HTTP's optional whitespace (OWS, RFC 9110): space and tab.
inline constexpr std::string_view kHttpWhitespace = " \t";
// What std::isspace matches in the C locale (adds vertical tab).
inline constexpr std::string_view kCWhitespace = " \t\n\v\f\r";

constexpr bool IsAsciiWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

constexpr bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

constexpr char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// `text` without leading and trailing characters from `whitespace`.
constexpr std::string_view Trim(std::string_view text,
                                std::string_view whitespace = kXmlWhitespace) {
  const auto first = text.find_first_not_of(whitespace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(whitespace);
  return text.substr(first, last - first + 1);
}

// ASCII case-insensitive equality ("Max-Age" == "max-age").
constexpr bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// A copy of `text` with A-Z lowered.
std::string ToLowerAscii(std::string_view text);

// Appends `text` with &, < and > escaped, and " too in an attribute value:
// the least that keeps text from being read as markup.
void AppendHtmlEscaped(std::string& out, std::string_view text, bool attribute = false);
inline std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  AppendHtmlEscaped(out, text);
  return out;
}

// FNV-1a, 64 bits. Stable across runs and platforms, so ids derived from it
// can be published; not for hash tables fed by untrusted input.
inline constexpr std::uint64_t kFnv1a64Basis = 14695981039346656037ULL;
// The offset basis with its last digit missing, as older code had it. Entry
// ids and digest Message-IDs already published were derived with it, so
// those callers keep it: changing it would re-announce every entry and
// break mail threading.
inline constexpr std::uint64_t kFnv1a64LegacyBasis = 1469598103934665603ULL;

constexpr std::uint64_t Fnv1a64(std::string_view text, std::uint64_t basis = kFnv1a64Basis) {
  std::uint64_t hash = basis;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

// `value` in lower-case hex, zero-padded to at least `min_width` digits; the
// default gives the 16 digits of a whole 64-bit hash ("00000000deadbeef").
std::string Hex(std::uint64_t value, std::size_t min_width = 16);

}  // namespace tributary
