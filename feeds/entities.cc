#include "feeds/entities.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace tributary::feeds {
namespace {

struct NamedEntity {
  std::string_view name;
  std::string_view text;
};

constexpr NamedEntity kEntities[] = {
#include "feeds/html_entities.inc"
};

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes a numeric reference body ("#233" or "#xE9"); false if malformed.
bool DecodeNumeric(std::string_view body, std::string* out) {
  bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
  std::size_t i = hex ? 2 : 1;
  char32_t cp = 0;
  std::size_t digits = ReadCodePointDigits(body.substr(i), hex, &cp);
  if (digits == 0 || i + digits != body.size()) return false;
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) {
    AppendUtf8(out, 0xFFFD);
  } else if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F) {
    // Control characters are not text: drop them.
  } else {
    AppendUtf8(out, cp);
  }
  return true;
}

}  // namespace

std::optional<std::string_view> LookupHtmlEntity(std::string_view name) {
  auto it = std::lower_bound(std::begin(kEntities), std::end(kEntities), name,
                             [](const NamedEntity& e, std::string_view n) { return e.name < n; });
  if (it != std::end(kEntities) && it->name == name) return it->text;
  return std::nullopt;
}

bool IsXmlEntity(std::string_view name) {
  return name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos";
}

std::size_t ReadCodePointDigits(std::string_view text, bool hex, char32_t* code_point) {
  std::uint32_t cp = 0;
  std::size_t i = 0;
  for (; i < text.size(); ++i) {
    const int digit =
        hex ? HexDigitValue(text[i]) : (text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1);
    if (digit < 0) break;
    cp = std::min<std::uint32_t>(cp * (hex ? 16u : 10u) + static_cast<std::uint32_t>(digit),
                                 0x110000);  // saturate: stays invalid, never overflows
  }
  *code_point = cp;
  return i;
}

char* EncodeUtf8(char32_t cp, char* out) {
  auto put = [&out](std::uint32_t b) { *out++ = static_cast<char>(b); };
  auto c = static_cast<std::uint32_t>(cp);
  if (c < 0x80) {
    put(c);
  } else if (c < 0x800) {
    put(0xC0 | (c >> 6));
    put(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    put(0xE0 | (c >> 12));
    put(0x80 | ((c >> 6) & 0x3F));
    put(0x80 | (c & 0x3F));
  } else {
    put(0xF0 | (c >> 18));
    put(0x80 | ((c >> 12) & 0x3F));
    put(0x80 | ((c >> 6) & 0x3F));
    put(0x80 | (c & 0x3F));
  }
  return out;
}

void AppendUtf8(std::string* out, char32_t cp) {
  char bytes[4];
  out->append(bytes, static_cast<std::size_t>(EncodeUtf8(cp, bytes) - bytes));
}

std::string DecodeHtmlEntities(std::string_view text) {
  std::size_t amp = text.find('&');
  if (amp == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t done = 0;
  while (amp != std::string_view::npos) {
    out.append(text.substr(done, amp - done));
    done = amp;
    // The longest entity name in the table has 32 characters.
    std::size_t end = amp + 1;
    while (end < text.size() && end - amp <= 40 && (IsAlnum(text[end]) || text[end] == '#')) ++end;
    if (end < text.size() && text[end] == ';' && end > amp + 1) {
      std::string_view body = text.substr(amp + 1, end - amp - 1);
      bool decoded = false;
      if (body[0] == '#') {
        decoded = DecodeNumeric(body, &out);
      } else if (auto value = LookupHtmlEntity(body)) {
        out.append(*value);
        decoded = true;
      }
      if (decoded) done = end + 1;
    }
    if (done == amp) {  // not a reference: keep the '&' literally
      out.push_back('&');
      done = amp + 1;
    }
    amp = text.find('&', done);
  }
  out.append(text.substr(done));
  return out;
}

}  // namespace tributary::feeds
