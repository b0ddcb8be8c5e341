// HTML character references: the WHATWG named-entity table and a decoder
// for the `&name;`, `&#N;` and `&#xH;` forms. Feeds use HTML entities that
// XML does not define (&nbsp; &eacute;); pugixml leaves them as literal
// text, and this turns them into characters in plain-text fields.
// Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tributary::feeds {

// The UTF-8 text of an HTML5 named reference without its '&' and ';'
// ("eacute" -> "é"), or nullopt. Names are case-sensitive.
std::optional<std::string_view> LookupHtmlEntity(std::string_view name);

// True for amp, lt, gt, quot, apos: the entities XML itself defines.
bool IsXmlEntity(std::string_view name);

// `text` with every HTML character reference decoded. Unknown names stay
// literal. A numeric reference to NUL, a surrogate or a code point past
// U+10FFFF becomes U+FFFD; one to a C0 control (not TAB/LF/CR) is dropped.
std::string DecodeHtmlEntities(std::string_view text);

// Appends code point `cp` as UTF-8 (no validation).
void AppendUtf8(std::string* out, char32_t cp);
// Writes code point `cp` as UTF-8 (one to four bytes, no validation) at
// `out` and returns the end.
char* EncodeUtf8(char32_t cp, char* out);

// Reads the digits of a character reference's number at the start of
// `text` (hexadecimal when `hex`) into *code_point, which saturates at
// 0x110000 (past U+10FFFF); returns how many digits there were.
std::size_t ReadCodePointDigits(std::string_view text, bool hex, char32_t* code_point);

}  // namespace tributary::feeds
