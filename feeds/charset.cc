#include "feeds/charset.h"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "common/text.h"
#include "feeds/simd.h"

namespace tributary::feeds {
namespace {

struct LabelEntry {
  std::string_view label;
  std::string_view encoding;
};

// WHATWG Encoding Standard labels (https://encoding.spec.whatwg.org/#names-and-labels)
// mapped to the glibc iconv names that decode them. Labels not listed here
// are tried with iconv as they are (iso-8859-N and friends).
constexpr LabelEntry kLabels[] = {
    {"ansi_x3.4-1968", "WINDOWS-1252"},
    {"arabic", "ISO-8859-6"},
    {"ascii", "WINDOWS-1252"},
    {"big5", "BIG5-HKSCS"},
    {"big5-hkscs", "BIG5-HKSCS"},
    {"chinese", "GB18030"},
    {"cn-big5", "BIG5-HKSCS"},
    {"cp1250", "WINDOWS-1250"},
    {"cp1251", "WINDOWS-1251"},
    {"cp1252", "WINDOWS-1252"},
    {"cp1253", "WINDOWS-1253"},
    {"cp1254", "WINDOWS-1254"},
    {"cp1255", "WINDOWS-1255"},
    {"cp1256", "WINDOWS-1256"},
    {"cp1257", "WINDOWS-1257"},
    {"cp1258", "WINDOWS-1258"},
    {"cp819", "WINDOWS-1252"},
    {"cp866", "CP866"},
    {"csbig5", "BIG5-HKSCS"},
    {"cseuckr", "CP949"},
    {"cseucpkdfmtjapanese", "EUC-JP"},
    {"csgb2312", "GB18030"},
    {"csibm866", "CP866"},
    {"csiso2022jp", "ISO-2022-JP"},
    {"csiso58gb231280", "GB18030"},
    {"csisolatin1", "WINDOWS-1252"},
    {"csisolatin2", "ISO-8859-2"},
    {"csisolatin9", "ISO-8859-15"},
    {"csisolatincyrillic", "ISO-8859-5"},
    {"csisolatingreek", "ISO-8859-7"},
    {"cskoi8r", "KOI8-R"},
    {"csksc56011987", "CP949"},
    {"csmacintosh", "MACINTOSH"},
    {"csshiftjis", "CP932"},
    {"csunicode", "UTF-16LE"},
    {"cyrillic", "ISO-8859-5"},
    {"euc-jp", "EUC-JP"},
    {"euc-kr", "CP949"},
    {"gb18030", "GB18030"},
    {"gb2312", "GB18030"},
    {"gb_2312", "GB18030"},
    {"gb_2312-80", "GB18030"},
    {"gbk", "GB18030"},
    {"greek", "ISO-8859-7"},
    {"hebrew", "ISO-8859-8"},
    {"ibm819", "WINDOWS-1252"},
    {"ibm866", "CP866"},
    {"iso-10646-ucs-2", "UTF-16LE"},
    {"iso-2022-jp", "ISO-2022-JP"},
    {"iso-8859-1", "WINDOWS-1252"},
    {"iso-8859-11", "WINDOWS-874"},
    {"iso-8859-9", "WINDOWS-1254"},
    {"iso-ir-100", "WINDOWS-1252"},
    {"iso-ir-149", "CP949"},
    {"iso-ir-58", "GB18030"},
    {"iso8859-1", "WINDOWS-1252"},
    {"iso8859-9", "WINDOWS-1254"},
    {"iso88591", "WINDOWS-1252"},
    {"iso88599", "WINDOWS-1254"},
    {"iso_8859-1", "WINDOWS-1252"},
    {"iso_8859-1:1987", "WINDOWS-1252"},
    {"iso_8859-9", "WINDOWS-1254"},
    {"koi", "KOI8-R"},
    {"koi8", "KOI8-R"},
    {"koi8-r", "KOI8-R"},
    {"koi8-ru", "KOI8-U"},
    {"koi8-u", "KOI8-U"},
    {"koi8_r", "KOI8-R"},
    {"korean", "CP949"},
    {"ks_c_5601-1987", "CP949"},
    {"ks_c_5601-1989", "CP949"},
    {"ksc5601", "CP949"},
    {"ksc_5601", "CP949"},
    {"l1", "WINDOWS-1252"},
    {"l2", "ISO-8859-2"},
    {"l5", "WINDOWS-1254"},
    {"l9", "ISO-8859-15"},
    {"latin1", "WINDOWS-1252"},
    {"latin2", "ISO-8859-2"},
    {"latin5", "WINDOWS-1254"},
    {"mac", "MACINTOSH"},
    {"macintosh", "MACINTOSH"},
    {"ms932", "CP932"},
    {"ms_kanji", "CP932"},
    {"shift-jis", "CP932"},
    {"shift_jis", "CP932"},
    {"sjis", "CP932"},
    {"tis-620", "WINDOWS-874"},
    {"ucs-2", "UTF-16LE"},
    {"unicode", "UTF-16LE"},
    {"unicode-1-1-utf-8", "UTF-8"},
    {"unicode11utf8", "UTF-8"},
    {"unicode20utf8", "UTF-8"},
    {"unicodefeff", "UTF-16LE"},
    {"unicodefffe", "UTF-16BE"},
    {"us-ascii", "WINDOWS-1252"},
    {"utf-16", "UTF-16LE"},
    {"utf-16be", "UTF-16BE"},
    {"utf-16le", "UTF-16LE"},
    {"utf-8", "UTF-8"},
    {"utf8", "UTF-8"},
    {"windows-1250", "WINDOWS-1250"},
    {"windows-1251", "WINDOWS-1251"},
    {"windows-1252", "WINDOWS-1252"},
    {"windows-1253", "WINDOWS-1253"},
    {"windows-1254", "WINDOWS-1254"},
    {"windows-1255", "WINDOWS-1255"},
    {"windows-1256", "WINDOWS-1256"},
    {"windows-1257", "WINDOWS-1257"},
    {"windows-1258", "WINDOWS-1258"},
    {"windows-31j", "CP932"},
    {"windows-874", "WINDOWS-874"},
    {"windows-949", "CP949"},
    {"x-cp1250", "WINDOWS-1250"},
    {"x-cp1251", "WINDOWS-1251"},
    {"x-cp1252", "WINDOWS-1252"},
    {"x-euc-jp", "EUC-JP"},
    {"x-gbk", "GB18030"},
    {"x-mac-cyrillic", "MAC-CYRILLIC"},
    {"x-mac-roman", "MACINTOSH"},
    {"x-sjis", "CP932"},
    {"x-unicode20utf8", "UTF-8"},
    {"x-x-big5", "BIG5-HKSCS"},
};

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

bool IsBadControl(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
}

// Length of the valid UTF-8 sequence at the start of `s`, or 0.
std::size_t ValidSequenceLength(const unsigned char* s, std::size_t n) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;
  if (c < 0xE0) return (n >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
  if (c < 0xF0) {
    if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && s[1] < 0xA0) return 0;   // overlong
    if (c == 0xED && s[1] >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c < 0xF5) {
    if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) return 0;
    if (c == 0xF0 && s[1] < 0x90) return 0;   // overlong
    if (c == 0xF4 && s[1] >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// Converts with iconv; invalid or incomplete input becomes U+FFFD. Returns
// false if iconv does not know `encoding`. *bad counts replaced sequences.
bool Transcode(std::string_view input, const char* encoding, std::string* out, std::size_t* bad) {
  iconv_t cd = iconv_open("UTF-8", encoding);
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  out->clear();
  out->resize(input.size() * 2 + 16);
  std::size_t used = 0;
  // iconv's interface takes char** although it never writes the input.
  char* in = const_cast<char*>(input.data());
  std::size_t in_left = input.size();
  *bad = 0;
  while (true) {
    char* out_ptr = out->data() + used;
    std::size_t out_left = out->size() - used;
    std::size_t rc = iconv(cd, in_left > 0 ? &in : nullptr, &in_left, &out_ptr, &out_left);
    used = out->size() - out_left;
    if (rc != static_cast<std::size_t>(-1)) {
      if (in_left == 0) break;
      continue;
    }
    if (errno == E2BIG) {
      out->resize(out->size() * 2);
    } else if (errno == EILSEQ || errno == EINVAL) {
      // Skip one byte of the bad (or truncated) sequence and mark it.
      ++*bad;
      if (out->size() - used < kReplacement.size()) out->resize(out->size() * 2);
      std::memcpy(out->data() + used, kReplacement.data(), kReplacement.size());
      used += kReplacement.size();
      ++in;
      --in_left;
      if (in_left == 0) break;
    } else {
      break;
    }
  }
  iconv_close(cd);
  out->resize(used);
  return true;
}

// Replaces a leading XML declaration's encoding with UTF-8.
void RewriteDeclaration(std::string* doc) {
  std::size_t start = doc->find_first_not_of(" \t\r\n");
  if (start == std::string::npos || doc->compare(start, 5, "<?xml") != 0) return;
  std::size_t end = doc->find("?>", start);
  if (end == std::string::npos || end - start > 512) return;
  doc->replace(start, end + 2 - start, R"(<?xml version="1.0" encoding="UTF-8"?>)");
}

// Raw C0 controls are not XML; drop them from the whole document at once.
void RemoveControls(DecodedDocument* doc, std::vector<std::string>* warnings) {
  if (!doc->has_controls) return;
  warnings->push_back("control characters removed");
  doc->utf8 = CleanUtf8(doc->utf8);
}

std::string_view SniffBom(std::string_view body, std::size_t* bom_size) {
  auto b = [&](std::size_t i) { return static_cast<unsigned char>(body[i]); };
  if (body.size() >= 3 && b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) {
    *bom_size = 3;
    return "UTF-8";
  }
  if (body.size() >= 4 && b(0) == 0xFF && b(1) == 0xFE && b(2) == 0 && b(3) == 0) {
    *bom_size = 4;
    return "UTF-32LE";
  }
  if (body.size() >= 4 && b(0) == 0 && b(1) == 0 && b(2) == 0xFE && b(3) == 0xFF) {
    *bom_size = 4;
    return "UTF-32BE";
  }
  if (body.size() >= 2 && b(0) == 0xFF && b(1) == 0xFE) {
    *bom_size = 2;
    return "UTF-16LE";
  }
  if (body.size() >= 2 && b(0) == 0xFE && b(1) == 0xFF) {
    *bom_size = 2;
    return "UTF-16BE";
  }
  // UTF-16 without a BOM still starts "<?" or "<" with zero bytes between.
  if (body.size() >= 4 && b(0) == '<' && b(1) == 0 && b(2) != 0 && b(3) == 0) return "UTF-16LE";
  if (body.size() >= 4 && b(0) == 0 && b(1) == '<' && b(2) == 0 && b(3) != 0) return "UTF-16BE";
  return {};
}

}  // namespace

std::string_view EncodingForLabel(std::string_view label) {
  label = Trim(label, kAsciiWhitespace);
  if (label.empty() || label.size() > 40) return {};
  std::array<char, 40> lowered{};
  for (std::size_t i = 0; i < label.size(); ++i) lowered[i] = AsciiLower(label[i]);
  std::string_view key(lowered.data(), label.size());
  auto it = std::lower_bound(std::begin(kLabels), std::end(kLabels), key,
                             [](const LabelEntry& e, std::string_view k) { return e.label < k; });
  if (it != std::end(kLabels) && it->label == key) return it->encoding;
  return {};
}

namespace {

// The encoding for a label: the WHATWG table first, then any name iconv
// itself knows (iso-8859-3, cp437...). "" when neither knows it.
std::string ResolveLabel(std::string_view label) {
  if (label.empty()) return {};
  std::string_view known = EncodingForLabel(label);
  if (!known.empty()) return std::string(known);
  std::string name(Trim(label, kAsciiWhitespace));
  if (name.empty() || name.size() > 40) return {};
  for (char& c : name) {
    c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    // Encoding names are ASCII letters, digits and a little punctuation.
    bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == ':';
    if (!ok) return {};
  }
  // UTF-7 hides markup from filters; the Encoding Standard refuses it.
  if (name.starts_with("UTF-7") || name.starts_with("UTF7")) return {};
  iconv_t cd = iconv_open("UTF-8", name.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return {};
  iconv_close(cd);
  return name;
}

}  // namespace

std::string_view CharsetFromContentType(std::string_view content_type) {
  std::size_t pos = 0;
  while ((pos = content_type.find(';', pos)) != std::string_view::npos) {
    ++pos;
    std::string_view param = content_type.substr(pos);
    param = param.substr(0, param.find(';'));
    std::size_t eq = param.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = Trim(param.substr(0, eq), kAsciiWhitespace);
    if (name.size() != 7) continue;
    bool match = true;
    for (std::size_t i = 0; i < 7; ++i) match = match && AsciiLower(name[i]) == "charset"[i];
    if (!match) continue;
    std::string_view value = Trim(param.substr(eq + 1), kAsciiWhitespace);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    return Trim(value, kAsciiWhitespace);
  }
  return {};
}

std::string_view XmlDeclaredEncoding(std::string_view document) {
  std::size_t start = 0;
  while (start < document.size() && IsAsciiWhitespace(document[start])) ++start;
  document.remove_prefix(start);
  if (document.substr(0, 5) != "<?xml") return {};
  std::string_view decl = document.substr(0, document.find("?>"));
  if (decl.size() > 512) return {};
  std::size_t pos = decl.find("encoding");
  if (pos == std::string_view::npos) return {};
  pos = decl.find_first_of("\"'", pos);
  if (pos == std::string_view::npos) return {};
  std::size_t end = decl.find(decl[pos], pos + 1);
  if (end == std::string_view::npos) return {};
  return decl.substr(pos + 1, end - pos - 1);
}

namespace {

#if defined(TRIBUTARY_SIMD_BLOCKS)
// True when `text` is valid UTF-8; then sets *has_controls as
// CountInvalidUtf8 does. Mixed CJK and Latin text defeats any byte-wise
// ASCII fast path (a branch per word), so whole 64-byte blocks are
// classified at once and checked with bit arithmetic: every continuation
// byte must be one that a lead byte before it asks for, and vice versa.
// Leads whose second byte has a narrower range (E0, ED, F0, F4) are rare
// and checked one by one.
bool IsValidUtf8Blocks(std::string_view text, bool* has_controls) {
  const auto* data = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::uint64_t carry = 0;  // continuation bytes the previous block asked for
  std::uint64_t controls = 0;
  unsigned char tail[64];
  simd::Utf8Masks m;
  for (std::size_t i = 0; i < n; i += 64) {
    const unsigned char* block = data + i;
    if (n - i < 64) {
      // Spaces: valid, not controls, and not the continuation a cut
      // sequence at the end would need.
      std::memset(tail, ' ', sizeof tail);
      std::memcpy(tail, block, n - i);
      block = tail;
    }
    simd::ClassifyUtf8Sse2(block, &m);
    controls |= m.controls;
    if (m.high == 0 && carry == 0) continue;
    const std::uint64_t leads = m.from_c2 & ~m.from_f5;   // C2..F4
    const std::uint64_t leads3 = m.from_e0 & ~m.from_f5;  // E0..F4: 3 or 4 bytes
    const std::uint64_t leads4 = m.from_f0 & ~m.from_f5;  // F0..F4
    const std::uint64_t bad_leads = (m.high & ~m.continuation & ~m.from_c2) | m.from_f5;
    const std::uint64_t wanted = (leads << 1) | (leads3 << 2) | (leads4 << 3) | carry;
    if (bad_leads != 0 || wanted != m.continuation) return false;
    carry = (leads >> 63) | (leads3 >> 62) | (leads4 >> 61);
    for (std::uint64_t narrow = m.narrow; narrow != 0; narrow &= narrow - 1) {
      std::size_t at = i + static_cast<std::size_t>(__builtin_ctzll(narrow));
      // A sequence cut by the end was caught above; here the bytes exist.
      if (at + 1 < n && ValidSequenceLength(data + at, n - at) == 0) return false;
    }
  }
  if (controls != 0) *has_controls = true;
  return carry == 0;
}
#endif

// Byte by byte; exact count of the bytes that are not part of a valid
// sequence.
std::size_t CountInvalidUtf8Bytes(std::string_view text, bool* has_controls) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size();
  std::size_t i = 0;
  std::size_t bad = 0;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  while (i < n) {
    // ASCII eight bytes at a time; bytes below 0x20 (mostly newlines) are
    // looked at one by one only when the word holds one.
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, p + i, sizeof w);
      if (w & kHigh) break;
      std::uint64_t del = w ^ (kOnes * 0x7F);
      if (((w - kOnes * 0x20) & ~w & kHigh) != 0 || ((del - kOnes) & ~del & kHigh) != 0) {
        for (std::size_t k = 0; k < 8; ++k) {
          if (IsBadControl(p[i + k])) *has_controls = true;
        }
      }
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = p[i];
    if (c < 0x80) {
      if (IsBadControl(c)) *has_controls = true;
      ++i;
      continue;
    }
    // Runs of multi-byte characters (CJK text) without leaving this loop;
    // the common 2- and 3-byte forms are checked inline.
    while (i < n && p[i] >= 0x80) {
      unsigned char lead = p[i];
      if (lead >= 0xE1 && lead <= 0xEC && i + 3 <= n && (p[i + 1] & 0xC0) == 0x80 &&
          (p[i + 2] & 0xC0) == 0x80) {
        i += 3;
        continue;
      }
      if (lead >= 0xC2 && lead <= 0xDF && i + 2 <= n && (p[i + 1] & 0xC0) == 0x80) {
        i += 2;
        continue;
      }
      std::size_t len = ValidSequenceLength(p + i, n - i);
      if (len == 0) {
        ++bad;
        len = 1;
      }
      i += len;
    }
  }
  return bad;
}

}  // namespace

std::size_t Utf8SequenceLength(std::string_view text) {
  if (text.empty()) return 0;
  return ValidSequenceLength(reinterpret_cast<const unsigned char*>(text.data()), text.size());
}

std::size_t CountInvalidUtf8(std::string_view text, bool* has_controls) {
#if defined(TRIBUTARY_SIMD_BLOCKS)
  // Short field values are done sooner byte by byte than padded to a block.
  bool controls = false;
  static const simd::Utf8Validator validate = simd::BestUtf8Validator();
  if (text.size() >= 64 &&
      (validate != nullptr
           ? validate(reinterpret_cast<const unsigned char*>(text.data()), text.size(), &controls)
           : IsValidUtf8Blocks(text, &controls))) {
    if (controls) *has_controls = true;
    return 0;
  }
#endif
  return CountInvalidUtf8Bytes(text, has_controls);
}

std::string CleanUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      if (!IsBadControl(p[i])) out.push_back(static_cast<char>(p[i]));
      ++i;
      continue;
    }
    std::size_t len = ValidSequenceLength(p + i, n - i);
    if (len == 0) {
      out.append(kReplacement);
      ++i;
      // A run of continuation bytes belongs to the same broken sequence.
      while (i < n && (p[i] & 0xC0) == 0x80) ++i;
      continue;
    }
    // Noncharacters U+FFFE/U+FFFF are not text either.
    if (len == 3 && p[i] == 0xEF && p[i + 1] == 0xBF && p[i + 2] >= 0xBE) {
      out.append(kReplacement);
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

Result<DecodedDocument> DecodeToUtf8(std::string_view body, std::string_view content_type,
                                     std::vector<std::string>* warnings) {
  DecodedDocument doc;
  std::size_t bom_size = 0;
  std::string encoding(SniffBom(body, &bom_size));
  std::string_view http_label = CharsetFromContentType(content_type);
  std::string http_encoding = ResolveLabel(http_label);
  if (!http_label.empty() && http_encoding.empty()) {
    warnings->push_back("unknown charset \"" + CleanUtf8(http_label.substr(0, 40)) +
                        "\" in Content-Type ignored");
  }
  body.remove_prefix(bom_size);
  std::string_view declared_label = encoding.empty() ? XmlDeclaredEncoding(body) : "";
  std::string declared = ResolveLabel(declared_label);
  // A declaration read as ASCII cannot truly be UTF-16 (WHATWG: use UTF-8).
  if (declared.starts_with("UTF-16") || declared.starts_with("UTF-32")) declared = "UTF-8";
  if (encoding.empty()) encoding = http_encoding;
  if (encoding.empty() && !declared_label.empty()) {
    if (declared.empty()) {
      return Error{ErrorCode::kParse,
                   "unsupported encoding \"" + CleanUtf8(declared_label.substr(0, 40)) + "\"", ""};
    }
    encoding = declared;
  }
  if (encoding.empty()) encoding = "UTF-8";
  doc.encoding = encoding;

  if (encoding == "UTF-8") {
    std::size_t bad = CountInvalidUtf8(body, &doc.has_controls);
    if (bad == 0) {
      doc.utf8.assign(body);
      RemoveControls(&doc, warnings);
      return doc;
    }
    // Declared UTF-8 but is not: the other label, if any, may be right.
    std::string other = !declared.empty() && declared != "UTF-8" ? declared : http_encoding;
    if (!other.empty() && other != "UTF-8") {
      std::string converted;
      std::size_t other_bad = 0;
      if (Transcode(body, other.c_str(), &converted, &other_bad) && other_bad == 0) {
        warnings->push_back("document is not valid UTF-8; decoded as " + other);
        doc.encoding = other;
        doc.utf8 = std::move(converted);
        RewriteDeclaration(&doc.utf8);
        CountInvalidUtf8(doc.utf8, &doc.has_controls);
        RemoveControls(&doc, warnings);
        return doc;
      }
    }
    warnings->push_back("invalid UTF-8: " + std::to_string(bad) +
                        " bad bytes replaced with U+FFFD");
    CountInvalidUtf8(body, &doc.has_controls);
    if (doc.has_controls) warnings->push_back("control characters removed");
    doc.utf8 = CleanUtf8(body);  // also drops the controls
    return doc;
  }

  std::size_t bad = 0;
  if (!Transcode(body, doc.encoding.c_str(), &doc.utf8, &bad)) {
    return Error{ErrorCode::kParse, "unsupported encoding \"" + CleanUtf8(doc.encoding) + "\"", ""};
  }
  if (bad > 0) {
    warnings->push_back(std::to_string(bad) + " bytes invalid in " + doc.encoding +
                        " replaced with U+FFFD");
  }
  RewriteDeclaration(&doc.utf8);
  // iconv's output is valid UTF-8, but may hold controls (and CJK codecs may
  // map odd bytes to noncharacters); one pass finds out.
  if (CountInvalidUtf8(doc.utf8, &doc.has_controls) > 0) {
    doc.utf8 = CleanUtf8(doc.utf8);
  } else {
    RemoveControls(&doc, warnings);
  }
  return doc;
}

}  // namespace tributary::feeds
