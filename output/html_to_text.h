// HTML to readable plain text, for the text/plain part of digest e-mails:
// paragraphs separated by blank lines, <br> as line breaks, list items as
// "- " or "1. ", headings as their own paragraphs, and links as
// "text [n]" with the URL kept in a numbered reference list. Built on
// gumbo's HTML5 parser; pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::output {

// Converts `html`. When `links` is given, each http(s)/mailto link gets the
// marker " [n]" where n = its 1-based position in *links (new URLs are
// appended, so one list can number the links of a whole message; a URL seen
// before reuses its number). Without `links`, link text is kept and URLs
// dropped. The result has no trailing newline.
std::string HtmlToText(std::string_view html, std::vector<std::string>* links = nullptr);

// Cuts `text` to at most max_chars code points, at a word boundary when one
// is near, appending "…" if anything was cut. Never splits a UTF-8
// character.
std::string ShortenText(std::string_view text, std::size_t max_chars);

}  // namespace tributary::output
