// Building blocks of RFC 5322 / MIME messages: safe header values, RFC 2047
// encoded words, folding, addresses, quoted-printable bodies and the
// multipart/alternative envelope. Pure functions, no I/O; thread-safe.
//
// Every header this module writes is ASCII, CRLF-terminated and folded to
// at most 78 characters per line; every body line is at most 76 characters
// and no line ever starts with '.' (so SMTP dot-stuffing cannot matter).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tributary::output::mime {

// Makes feed or config text safe for a header value: invalid UTF-8 becomes
// U+FFFD, CR/LF/NUL and every other C0 control (and DEL) become spaces,
// runs of whitespace collapse to one space, the ends are trimmed, and the
// result is cut at max_chars code points (on a character boundary, with
// "…" appended when cut). A value can therefore never start a new header.
std::string SanitizeHeaderValue(std::string_view text, std::size_t max_chars = 200);

// Returns one complete header field "Name: value\r\n", folded. ASCII values
// are folded at spaces; values with non-ASCII characters (or words too
// long to fold) are written as RFC 2047 "B" encoded words, each at most 75
// characters, split only between UTF-8 characters. The value is sanitised
// first.
std::string Header(std::string_view name, std::string_view value);

// An address parsed from config: "user@example.org" or
// "Display Name <user@example.org>".
struct Address {
  std::string display_name;  // UTF-8, may be empty
  std::string addr_spec;     // local@domain, ASCII
};

// Parses one address; rejects anything whose addr-spec is not a plain
// ASCII local@domain (no spaces, controls, quotes, angle brackets, commas).
Result<Address> ParseAddress(std::string_view text);

// "From"/"To"-style header with one or more addresses; display names are
// quoted or RFC 2047-encoded, addresses separated by ", " and folded.
std::string AddressHeader(std::string_view name, const std::vector<Address>& addresses);

// Quoted-printable (RFC 2045 §6.7) of a UTF-8 text whose line breaks may be
// LF or CRLF. Output lines end in CRLF and are at most 76 characters; a
// leading '.' and trailing white space are encoded.
std::string EncodeQuotedPrintable(std::string_view text);

// Base64 without line breaks (for encoded words).
std::string EncodeBase64(std::string_view bytes);

// A leaf part of a multipart message.
struct TextPart {
  std::string subtype;  // "plain" or "html"
  std::string text;     // UTF-8
};

// The body of a multipart/alternative message (everything after the
// top-level headers), with `boundary`. The caller adds the top-level
// Content-Type header naming the same boundary. The boundary must not occur
// in any encoded part; one starting with "=_" cannot appear in
// quoted-printable text.
std::string MultipartAlternativeBody(std::string_view boundary, const std::vector<TextPart>& parts);

// Replaces every line ending (CRLF, lone LF, lone CR) with CRLF.
std::string NormalizeCrlf(std::string_view text);

}  // namespace tributary::output::mime
