// Plain text out of an HTML fragment (for Atom titles of type="html"),
// with gumbo as the HTML parser. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace tributary::feeds {

// The text of `html` with tags removed and entities decoded, as a browser
// would show it (script and style contents dropped), whitespace kept.
std::string HtmlToText(std::string_view html);

}  // namespace tributary::feeds
