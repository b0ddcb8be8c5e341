// The HTML sanitiser every renderer uses before item HTML leaves the
// daemon (hostile-inputs E1, E3). The input is parsed by gumbo (a real
// HTML5 parser), filtered against an allow-list, and re-serialised by an
// iterative walk, so depth cannot exhaust the stack (B3). Pure functions;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "output/entry.h"

namespace tributary::output {

enum class SanitizeMode {
  // Feeds, pages, e-mail: an allow-list of tags and attributes; drops
  // script/style/iframe/object/embed/form/base/meta/link and the like, every
  // on* attribute, style/class/id, and URLs other than http(s) (and mailto
  // on <a href>). Comments are dropped. Always re-serialised.
  kStrict,
  // Markdown posts: removes only active content (script, iframe, frames,
  // object/embed/applet, base/meta/link, noscript/template, svg/math,
  // event-handler attributes, javascript:/vbscript:/data: URLs, CSS
  // expressions in style attributes). Style blocks, comments and classes
  // stay. Input that holds no active content is returned byte for byte.
  kActiveContentOnly,
};

struct SanitizeOptions {
  // Relative URLs are resolved against it when it is an absolute http(s)
  // URL; otherwise they are kept as written.
  std::string base_url;
  // Allows data:image/(png|gif|jpeg|webp) in <img src>.
  bool allow_data_images = false;
  SanitizeMode mode = SanitizeMode::kStrict;
};

// Returns safe HTML; never fails (bad input only loses markup). Idempotent:
// SanitizeHtml(SanitizeHtml(x, o), o) == SanitizeHtml(x, o).
std::string SanitizeHtml(std::string_view html, const SanitizeOptions& options);

// Text fit for XML 1.0 and JSON: invalid UTF-8 becomes U+FFFD; C0 controls
// other than TAB, LF, CR, and U+FFFE/U+FFFF, are dropped.
std::string CleanText(std::string_view text);

// Resolves `ref` against the absolute URL `base` (RFC 3986). Returns "" when
// it cannot.
std::string ResolveUrl(std::string_view base, std::string_view ref);

// True when `url` (after the normalisation browsers apply: entity-decoded by
// the caller, controls and whitespace stripped) is absolute http or https.
bool IsHttpUrl(std::string_view url);

// What every feed writer does with an entry's HTML: CleanText, then
// kStrict with the entry's link (else its source's site) as the base.
std::string SanitizeEntryHtml(std::string_view html, const OutputEntry& entry);

// The src attribute of the first <img> in `html` (document order), as
// written; "" when there is none. Iterative walk over gumbo's tree.
std::string FirstImageSource(std::string_view html);

// `url` trimmed as browsers do, when it is absolute http(s); else "".
// For hrefs the writers put in links and enclosures (hostile-inputs E3).
std::string SafeHttpUrl(std::string_view url);

}  // namespace tributary::output
