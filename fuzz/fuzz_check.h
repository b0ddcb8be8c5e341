// Checks shared by the fuzz targets. A violated property aborts with the
// offending bytes in hex, so libFuzzer reports it as a crash and keeps the
// input. The UTF-8 validator is written here on purpose, independent of
// the project's own (feeds/charset.h), so each can check the other.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace tributary::fuzz {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF).
inline bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned min_second = 0x80, max_second = 0xBF;
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) min_second = 0xA0;  // overlong
      if (lead == 0xED) max_second = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) min_second = 0x90;  // overlong
      if (lead == 0xF4) max_second = 0x8F;  // past U+10FFFF
    } else {
      return false;
    }
    if (text.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      const unsigned low = k == 1 ? min_second : 0x80;
      const unsigned high = k == 1 ? max_second : 0xBF;
      if (next < low || next > high) return false;
    }
    i += length;
  }
  return true;
}

// True when `text` holds a C0 control other than TAB, LF and CR.
inline bool HasControl(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') return true;
  }
  return false;
}

[[noreturn]] inline void Fail(const char* what, std::string_view text) {
  std::fprintf(stderr, "fuzz check failed: %s (%zu bytes):", what, text.size());
  for (char c : text) std::fprintf(stderr, " %02x", static_cast<unsigned char>(c));
  std::fprintf(stderr, "\n");
  std::abort();
}

[[noreturn]] inline void FailPair(const char* what, std::string_view first,
                                  std::string_view second) {
  std::fprintf(stderr, "fuzz check failed: %s\n  first:  \"%.*s\"\n  second: \"%.*s\"\n", what,
               static_cast<int>(first.size()), first.data(), static_cast<int>(second.size()),
               second.data());
  std::abort();
}

inline void CheckUtf8(std::string_view text, const char* what) {
  if (!IsValidUtf8(text)) Fail(what, text);
}

// True when `url` starts with "http://" or "https://", in any case.
inline bool IsHttpScheme(std::string_view url) {
  auto starts = [url](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      char c = url[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  return starts("http://") || starts("https://");
}

// Splits off the part of `input` before the first '\n' (all of it when
// there is none) and returns it; `input` keeps the rest.
inline std::string_view TakeLine(std::string_view& input) {
  const std::size_t newline = input.find('\n');
  std::string_view line = input.substr(0, newline);
  input = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  return line;
}

}  // namespace tributary::fuzz
