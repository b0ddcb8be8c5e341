#include "common/text.h"

#include <charconv>

namespace tributary {

void AppendHtmlEscaped(std::string& out, std::string_view text, bool attribute) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      default:
        out.push_back(c);
    }
  }
}

std::string ToLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

std::string Hex(std::uint64_t value, std::size_t min_width) {
  char digits[16];
  // 16 hex digits always fit a 64-bit value, so to_chars cannot fail.
  char* end = std::to_chars(digits, digits + sizeof digits, value, 16).ptr;
  std::string out(digits, static_cast<std::size_t>(end - digits));
  if (out.size() < min_width) out.insert(0, min_width - out.size(), '0');
  return out;
}

}  // namespace tributary
