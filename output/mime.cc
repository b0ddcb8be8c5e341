#include "output/mime.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace tributary::output::mime {
namespace {

constexpr std::size_t kMaxLine = 78;                       // RFC 5322 §2.1.1 "SHOULD"
constexpr std::size_t kMaxEncodedWord = 75;                // RFC 2047 §2
constexpr std::size_t kMaxQpLine = 76;                     // RFC 2045 §6.7 rule 5
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at text[i], or 0 if invalid
// (overlong forms, surrogates and values past U+10FFFF are invalid).
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) return 0;
    code = (code << 6) | (byte(i + k) & 0x3Fu);
  }
  if ((length == 3 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) ||
      (length == 4 && (code < 0x10000 || code > 0x10FFFF))) {
    return 0;
  }
  return length;
}

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Splits valid UTF-8 text into encoded words. The first word fits in
// `first_width` characters, the others in kMaxEncodedWord.
std::vector<std::string> EncodeWords(std::string_view text, std::size_t first_width) {
  constexpr std::size_t kOverhead = 12;  // "=?UTF-8?B?" + "?="
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t width =
        std::min(words.empty() ? first_width : kMaxEncodedWord, kMaxEncodedWord);
    // Largest byte count whose base64 (4 per 3, rounded up) fits.
    const std::size_t max_bytes = width > kOverhead + 4 ? (width - kOverhead) / 4 * 3 : 3;
    std::size_t end = start;
    while (end < text.size()) {
      const std::size_t length = std::max<std::size_t>(1, Utf8SequenceLength(text, end));
      if (end + length - start > max_bytes && end > start) break;
      end += length;
    }
    words.push_back("=?UTF-8?B?" + EncodeBase64(text.substr(start, end - start)) + "?=");
    start = end;
  }
  return words;
}

// Joins atoms with single spaces after "Name: ", breaking lines (CRLF SP)
// before an atom that would pass kMaxLine.
std::string Fold(std::string_view name, const std::vector<std::string>& atoms) {
  std::string out(name);
  out += ':';
  std::size_t line_length = out.size();
  for (const std::string& atom : atoms) {
    if (line_length + 1 + atom.size() > kMaxLine && line_length > name.size() + 1) {
      out += "\r\n";
      line_length = 0;
    }
    out += ' ';
    out += atom;
    line_length += 1 + atom.size();
  }
  out += "\r\n";
  return out;
}

std::vector<std::string> SplitOnSpaces(std::string_view text) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) words.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// Atoms for an unstructured text: plain words if ASCII and every word fits
// on a continuation line, else encoded words.
std::vector<std::string> TextAtoms(std::string_view value, std::size_t first_width) {
  std::vector<std::string> words = SplitOnSpaces(value);
  const bool fits = std::all_of(words.begin(), words.end(),
                                [](const std::string& w) { return w.size() < kMaxLine - 1; });
  // "=?" in plain text would be decoded by readers as an encoded word.
  if (IsAscii(value) && fits && value.find("=?") == std::string_view::npos) return words;
  return EncodeWords(value, first_width);
}

bool IsAtext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos;
}

}  // namespace

std::string SanitizeHeaderValue(std::string_view text, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = Utf8SequenceLength(text, i);
    const auto lead = static_cast<unsigned char>(text[i]);
    if (length == 1 && (lead < 0x20 || lead == 0x7F || lead == ' ')) {
      pending_space = !out.empty();
      ++i;
      continue;
    }
    if (chars == max_chars) {
      out += "\xE2\x80\xA6";  // "…"
      break;
    }
    if (pending_space) {
      out += ' ';
      pending_space = false;
    }
    if (length == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
    ++chars;
  }
  return out;
}

std::string Header(std::string_view name, std::string_view value) {
  const std::string clean = SanitizeHeaderValue(value);
  return Fold(name, TextAtoms(clean, kMaxLine - name.size() - 2));
}

Result<Address> ParseAddress(std::string_view text) {
  Address address;
  std::string_view spec = text;
  const std::size_t open = text.rfind('<');
  if (open != std::string_view::npos) {
    const std::size_t close = text.find('>', open);
    if (close == std::string_view::npos || close + 1 != text.find_last_not_of(" \t") + 1) {
      return Error{ErrorCode::kInvalidArgument, "unbalanced '<' in address", std::string(text)};
    }
    spec = text.substr(open + 1, close - open - 1);
    std::string name = SanitizeHeaderValue(text.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    address.display_name = name;
  } else {
    const std::size_t first = spec.find_first_not_of(" \t");
    const std::size_t last = spec.find_last_not_of(" \t");
    spec =
        first == std::string_view::npos ? std::string_view() : spec.substr(first, last - first + 1);
  }
  const std::size_t at = spec.rfind('@');
  const bool valid =
      at != std::string_view::npos && at > 0 && at + 1 < spec.size() &&
      std::all_of(spec.begin(), spec.end(), [](char c) { return IsAtext(c) || c == '@'; }) &&
      spec.find('@') == at;
  if (!valid) {
    return Error{ErrorCode::kInvalidArgument,
                 "not an e-mail address (expected local@domain or \"Name <local@domain>\")",
                 std::string(text)};
  }
  address.addr_spec = std::string(spec);
  return address;
}

std::string AddressHeader(std::string_view name, const std::vector<Address>& addresses) {
  std::vector<std::string> atoms;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    const Address& address = addresses[i];
    const std::string display = SanitizeHeaderValue(address.display_name, 100);
    if (!display.empty()) {
      if (IsAscii(display) && display.size() < 60 && display.find("=?") == std::string::npos) {
        std::string quoted = "\"";
        for (char c : display) {
          if (c == '"' || c == '\\') quoted += '\\';
          quoted += c;
        }
        atoms.push_back(quoted + "\"");
      } else {
        for (std::string& word : EncodeWords(display, kMaxEncodedWord)) atoms.push_back(word);
      }
    }
    std::string spec = display.empty() ? address.addr_spec : "<" + address.addr_spec + ">";
    if (i + 1 < addresses.size()) spec += ',';
    atoms.push_back(std::move(spec));
  }
  return Fold(name, atoms);
}

std::string EncodeBase64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t chunk = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size())
      chunk |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size()) chunk |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(chunk >> 18) & 0x3F];
    out += kAlphabet[(chunk >> 12) & 0x3F];
    out += i + 1 < bytes.size() ? kAlphabet[(chunk >> 6) & 0x3F] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[chunk & 0x3F] : '=';
  }
  return out;
}

std::string NormalizeCrlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string EncodeQuotedPrintable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const std::string normalized = NormalizeCrlf(text);
  std::string out;
  std::size_t line_start = 0;
  while (line_start < normalized.size() || line_start == 0) {
    std::size_t line_end = normalized.find("\r\n", line_start);
    if (line_end == std::string::npos) line_end = normalized.size();
    const std::string_view line(normalized.data() + line_start, line_end - line_start);
    std::size_t physical = 0;  // characters on the current output line
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      const bool last = i + 1 == line.size();
      const bool encode = c == '=' || c > 126 || (c < 32 && c != '\t') ||
                          ((c == ' ' || c == '\t') && last) || (c == '.' && physical == 0);
      std::array<char, 3> token{};
      std::size_t token_size = 1;
      token[0] = static_cast<char>(c);
      if (encode) {
        token = {'=', kHex[c >> 4], kHex[c & 0x0F]};
        token_size = 3;
      }
      // Leave room for the soft break "=" unless this ends the line.
      const std::size_t limit = last ? kMaxQpLine : kMaxQpLine - 1;
      if (physical + token_size > limit) {
        out += "=\r\n";
        physical = 0;
        if (c == '.') {
          token = {'=', '2', 'E'};
          token_size = 3;
        }
      }
      out.append(token.data(), token_size);
      physical += token_size;
    }
    out += "\r\n";
    if (line_end == normalized.size()) break;
    line_start = line_end + 2;
    if (line_start == normalized.size()) break;
  }
  return out;
}

std::string MultipartAlternativeBody(std::string_view boundary,
                                     const std::vector<TextPart>& parts) {
  std::string out = "This is a multi-part message in MIME format.\r\n";
  for (const TextPart& part : parts) {
    out += "\r\n--";
    out += boundary;
    out += "\r\nContent-Type: text/" + part.subtype + "; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += EncodeQuotedPrintable(part.text);
    // The CRLF before the next delimiter belongs to the delimiter (RFC
    // 2046 §5.1.1), so the encoded text keeps its own final line break.
  }
  out += "\r\n--";
  out += boundary;
  out += "--\r\n";
  return out;
}

}  // namespace tributary::output::mime
