#include "daemon/simhash.h"

#include <gumbo.h>
#include <xxhash.h>

#include <array>
#include <bit>
#include <cstring>
#include <memory>

namespace tributary::daemon {
namespace {

void AppendText(const GumboNode* node, std::string& out) {
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) {
    out += node->v.text.text;
    out += ' ';
    return;
  }
  if (node->type != GUMBO_NODE_ELEMENT) return;
  const GumboTag tag = node->v.element.tag;
  if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE) return;
  const GumboVector& children = node->v.element.children;
  for (unsigned int i = 0; i < children.length; ++i) {
    AppendText(static_cast<const GumboNode*>(children.data[i]), out);
  }
  out += ' ';  // block boundaries separate words
}

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

// A 64-bit hash of one shingle: XXH64, fast and specified to give the same
// value on every platform and build, which matters because fingerprints are
// stored. (MD5 through OpenSSL's EVP API cost 40% of ingest time.)
class ShingleHasher {
 public:
  std::uint64_t Hash(std::string_view text) { return XXH64(text.data(), text.size(), 0); }
};

}  // namespace

std::string HtmlToText(std::string_view html) {
  GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  std::string text;
  AppendText(output->root, text);
  gumbo_destroy_output(&kGumboDefaultOptions, output);
  return text;
}

std::vector<std::string> SimHashTokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::string word;
  const auto flush = [&] {
    if (!word.empty()) tokens.push_back(std::move(word));
    word.clear();
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    const char32_t c = DecodeUtf8(text, pos);
    if (c < 0x80) {
      const char ascii = static_cast<char>(c);
      if (ascii >= 'A' && ascii <= 'Z') {
        word += static_cast<char>(ascii - 'A' + 'a');
      } else if ((ascii >= 'a' && ascii <= 'z') || (ascii >= '0' && ascii <= '9')) {
        word += ascii;
      } else {
        flush();
      }
    } else if (IsCjk(c)) {
      flush();
      tokens.emplace_back(text.substr(start, pos - start));
    } else if (IsOtherWordChar(c)) {
      word.append(text.substr(start, pos - start));
    } else {
      flush();
    }
  }
  flush();
  return tokens;
}

std::uint64_t SimHash(std::string_view text) {
  const std::vector<std::string> tokens = SimHashTokens(text.substr(0, kSimHashMaxBytes));
  if (tokens.size() < kShingleTokens + kMinShingles - 1) return 0;
  std::array<int, 64> weights{};
  ShingleHasher hasher;
  std::string shingle;
  for (std::size_t i = 0; i + kShingleTokens <= tokens.size(); ++i) {
    shingle.clear();
    for (std::size_t j = 0; j < kShingleTokens; ++j) {
      shingle += tokens[i + j];
      shingle += '\x1f';
    }
    const std::uint64_t h = hasher.Hash(shingle);
    for (std::size_t bit = 0; bit < 64; ++bit) {
      weights[bit] += ((h >> bit) & 1u) != 0 ? 1 : -1;
    }
  }
  std::uint64_t fingerprint = 0;
  for (std::size_t bit = 0; bit < 64; ++bit) {
    if (weights[bit] > 0) fingerprint |= std::uint64_t{1} << bit;
  }
  // 0 means "no fingerprint"; a real all-zero result is vanishingly rare
  // and is nudged so it still compares.
  return fingerprint == 0 ? 1 : fingerprint;
}

int HammingDistance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

}  // namespace tributary::daemon
