#include "daemon/polling/simhash.h"

#include <xxhash.h>

#include <array>
#include <bit>
#include <cstring>
#include <memory>

#include "feeds/entities.h"
#include "feeds/html_scan.h"

namespace tributary::daemon {
namespace {

// Decodes one UTF-8 sequence at `pos`; invalid bytes decode as U+FFFD.
char32_t DecodeUtf8(std::string_view s, std::size_t& pos) {
  const auto byte = [&s](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(pos);
  int length = 1;
  char32_t cp = lead;
  if (lead >= 0xF0 && lead < 0xF8) {
    length = 4;
    cp = lead & 0x07u;
  } else if (lead >= 0xE0) {
    length = 3;
    cp = lead & 0x0Fu;
  } else if (lead >= 0xC0) {
    length = 2;
    cp = lead & 0x1Fu;
  } else if (lead >= 0x80) {
    ++pos;
    return U'\uFFFD';
  }
  if (pos + static_cast<std::size_t>(length) > s.size()) {
    pos = s.size();
    return U'\uFFFD';
  }
  for (int i = 1; i < length; ++i) {
    const unsigned char next = byte(pos + static_cast<std::size_t>(i));
    if ((next & 0xC0u) != 0x80u) {
      pos += static_cast<std::size_t>(i);
      return U'\uFFFD';
    }
    cp = (cp << 6) | (next & 0x3Fu);
  }
  pos += static_cast<std::size_t>(length);
  return cp;
}

bool IsCjk(char32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) ||  // Hiragana, Katakana
         (c >= 0x3400 && c <= 0x4DBF) ||  // CJK extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||  // CJK unified ideographs
         (c >= 0xAC00 && c <= 0xD7AF) ||  // Hangul syllables
         (c >= 0xF900 && c <= 0xFAFF) ||  // compatibility ideographs
         (c >= 0x20000 && c <= 0x2FFFF);  // extensions B and later
}

// Word characters outside ASCII: letters of other alphabets (Latin
// accents, Cyrillic, Greek...). Punctuation blocks and spaces are not.
bool IsOtherWordChar(char32_t c) {
  if (c < 0xC0 || c == 0xD7 || c == 0xF7) return false;
  if (c >= 0x2000 && c <= 0x2BFF) return false;  // punctuation, symbols, arrows
  if (c >= 0x3000 && c <= 0x303F) return false;  // CJK punctuation
  if (c >= 0xFF00 && c <= 0xFF65) return false;  // full-width forms
  if (c == 0xFFFD) return false;
  return true;
}

// Shingles are hashed with XXH64: fast, and specified to give the same
// value on every platform and build, which matters because fingerprints are
// stored. (MD5 through OpenSSL's EVP API cost 40% of ingest time.)

}  // namespace

std::string HtmlToText(std::string_view html) {
  std::string text;
  text.reserve(html.size());
  feeds::HtmlScanner scanner(html, feeds::HtmlAttributes::kSkip);
  feeds::HtmlToken token;
  while (scanner.Next(&token)) {
    if (token.kind == feeds::HtmlTokenKind::kText) {
      text.append(token.text);
      continue;
    }
    if (token.kind == feeds::HtmlTokenKind::kCutOff) break;  // cut off inside markup
    if (token.kind == feeds::HtmlTokenKind::kStartTag &&
        (token.name == "script" || token.name == "style")) {
      // The contents and the end tag go with the start tag: one space for all.
      scanner.SkipRawText(token.name);
      if (!scanner.Next(&token) || token.kind == feeds::HtmlTokenKind::kCutOff) break;
    }
    text += ' ';  // tags separate words
  }
  return feeds::DecodeHtmlEntities(text);
}

namespace {

// The normalised tokens of `text`, each followed by '\x1f', end to end in
// `joined`; `starts` holds where each begins, plus joined.size(). So a
// shingle of tokens i..i+k-1 is joined[starts[i], starts[i+k]): the very
// bytes "t1\x1ft2\x1ft3\x1f" that fingerprints have always hashed,
// without building a string per shingle.
void JoinTokens(std::string_view text, std::string& joined, std::vector<std::uint32_t>& starts) {
  joined.clear();
  starts.clear();
  bool in_word = false;
  const auto flush = [&] {
    if (in_word) joined += '\x1f';
    in_word = false;
  };
  const auto begin_word = [&] {
    if (!in_word) starts.push_back(static_cast<std::uint32_t>(joined.size()));
    in_word = true;
  };
  // CJK text grows by a separator per 3-byte character.
  joined.reserve(text.size() + text.size() / 2 + 1);
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char ascii = text[pos];
    if (static_cast<unsigned char>(ascii) < 0x80) {
      ++pos;
      if (ascii >= 'a' && ascii <= 'z') {
        begin_word();
        joined += ascii;
      } else if (ascii >= 'A' && ascii <= 'Z') {
        begin_word();
        joined += static_cast<char>(ascii - 'A' + 'a');
      } else if (ascii >= '0' && ascii <= '9') {
        begin_word();
        joined += ascii;
      } else {
        flush();
      }
      continue;
    }
    const std::size_t start = pos;
    const char32_t c = DecodeUtf8(text, pos);
    if (IsCjk(c)) {
      flush();
      begin_word();
      joined.append(text.substr(start, pos - start));
      flush();
    } else if (IsOtherWordChar(c)) {
      begin_word();
      joined.append(text.substr(start, pos - start));
    } else {
      flush();
    }
  }
  flush();
  starts.push_back(static_cast<std::uint32_t>(joined.size()));
}

// For each byte value, its 8 bits spread into the 8 bytes of a word, so
// adding it counts each bit in its own byte lane: 8 additions per 64-bit
// hash instead of 64.
constexpr std::array<std::uint64_t, 256> MakeSpread() {
  std::array<std::uint64_t, 256> table{};
  for (std::size_t value = 0; value < 256; ++value) {
    for (std::size_t bit = 0; bit < 8; ++bit) {
      if ((value >> bit) & 1u) table[value] |= std::uint64_t{1} << (8 * bit);
    }
  }
  return table;
}
constexpr std::array<std::uint64_t, 256> kSpread = MakeSpread();

}  // namespace

std::vector<std::string> SimHashTokens(std::string_view text) {
  std::string joined;
  std::vector<std::uint32_t> starts;
  JoinTokens(text, joined, starts);
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i + 1 < starts.size(); ++i) {
    tokens.emplace_back(joined, starts[i], starts[i + 1] - starts[i] - 1);  // without '\x1f'
  }
  return tokens;
}

std::uint64_t SimHash(std::string_view text) {
  std::string joined;
  std::vector<std::uint32_t> starts;
  JoinTokens(text.substr(0, kSimHashMaxBytes), joined, starts);
  const std::size_t token_count = starts.size() - 1;
  if (token_count < kShingleTokens + kMinShingles - 1) return 0;
  const std::size_t shingles = token_count - kShingleTokens + 1;
  // ones[bit]: how many shingle hashes have that bit set. Byte lanes of
  // `lanes` count up to 255 before they are emptied into `ones`.
  std::array<std::uint32_t, 64> ones{};
  std::array<std::uint64_t, 8> lanes{};
  std::size_t pending = 0;
  const auto empty_lanes = [&] {
    for (std::size_t byte = 0; byte < 8; ++byte) {
      for (std::size_t bit = 0; bit < 8; ++bit) {
        ones[8 * byte + bit] += static_cast<std::uint32_t>((lanes[byte] >> (8 * bit)) & 0xFFu);
      }
      lanes[byte] = 0;
    }
    pending = 0;
  };
  for (std::size_t i = 0; i < shingles; ++i) {
    const std::uint64_t h =
        XXH64(joined.data() + starts[i], starts[i + kShingleTokens] - starts[i], 0);
    for (std::size_t byte = 0; byte < 8; ++byte) lanes[byte] += kSpread[(h >> (8 * byte)) & 0xFFu];
    if (++pending == 255) empty_lanes();
  }
  empty_lanes();
  // A bit is set when more shingles have it than not (weight > 0).
  std::uint64_t fingerprint = 0;
  for (std::size_t bit = 0; bit < 64; ++bit) {
    if (2 * static_cast<std::size_t>(ones[bit]) > shingles) fingerprint |= std::uint64_t{1} << bit;
  }
  // 0 means "no fingerprint"; a real all-zero result is vanishingly rare
  // and is nudged so it still compares.
  return fingerprint == 0 ? 1 : fingerprint;
}

int HammingDistance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

}  // namespace tributary::daemon
