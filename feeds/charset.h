// Character encoding of feed documents: deciding which encoding a body is
// in (BOM, then HTTP charset, then the XML declaration, then UTF-8, as RFC
// 7303 and the WHATWG Encoding Standard say) and converting it to UTF-8
// with iconv. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tributary::feeds {

// The iconv name of the encoding a WHATWG label stands for ("gb2312" ->
// "GB18030", "latin1" -> "WINDOWS-1252", "utf8" -> "UTF-8"), or "" when the
// label is unknown. Case and surrounding whitespace are ignored.
std::string_view EncodingForLabel(std::string_view label);

// The charset parameter of a Content-Type header value, unquoted, or "".
std::string_view CharsetFromContentType(std::string_view content_type);

// The encoding label in a leading <?xml ... encoding="..."?>, or "".
std::string_view XmlDeclaredEncoding(std::string_view document);

struct DecodedDocument {
  std::string utf8;           // the whole document, valid UTF-8, BOM removed
  std::string encoding;       // the iconv name that was used ("UTF-8", "GB18030"...)
  bool has_controls = false;  // C0 controls (not TAB/LF/CR) were found and removed
};

// Decides the encoding of `body` and returns it as valid UTF-8: invalid
// sequences become U+FFFD. An XML declaration naming another encoding is
// rewritten to say UTF-8. Recovered problems are appended to `warnings`.
// Fails (kParse) only for an encoding that cannot be decoded at all.
Result<DecodedDocument> DecodeToUtf8(std::string_view body, std::string_view content_type,
                                     std::vector<std::string>* warnings);

// The length of the valid UTF-8 sequence `text` starts with (1 for an
// ASCII byte), or 0 when it does not start with one (or is empty).
std::size_t Utf8SequenceLength(std::string_view text);

// Checks `text` for invalid UTF-8. Returns the number of bytes that are not
// part of a valid sequence; sets *has_controls when a C0 control other than
// TAB/LF/CR (or DEL) is present.
std::size_t CountInvalidUtf8(std::string_view text, bool* has_controls);

// `text` with every invalid UTF-8 sequence replaced by U+FFFD and every C0
// control except TAB/LF/CR removed. Noncharacters and surrogates (which
// are invalid UTF-8) become U+FFFD.
std::string CleanUtf8(std::string_view text);

}  // namespace tributary::feeds
