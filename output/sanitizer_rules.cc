#include "output/sanitizer_rules.h"

#include <algorithm>
#include <map>
#include <vector>

#include "common/text.h"

namespace tributary::output::sanitizer_rules {
namespace {

bool In(std::string_view name, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), name) != set.end();
}

}  // namespace

bool IsVoid(std::string_view tag) {
  return In(tag,
            {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
             "param", "source", "track", "wbr", "basefont", "bgsound", "frame", "menuitem"});
}

// Tags whose whole subtree goes, in every mode: they run code, load other
// documents, change how the page resolves URLs, or parse differently in
// different contexts (mXSS).
bool IsActiveTag(std::string_view tag) {
  return In(tag, {"script", "iframe", "frame", "frameset", "object",   "embed",     "applet",
                  "param",  "base",   "meta",  "link",     "noscript", "template",  "svg",
                  "math",   "portal", "xmp",   "noembed",  "noframes", "plaintext", "fencedframe"});
}

// Strict mode: subtrees dropped beyond the active ones.
bool IsStrictDroppedTag(std::string_view tag) {
  return In(tag, {"style", "title", "head", "textarea", "select", "option", "optgroup", "input",
                  "keygen", "datalist", "output", "dialog", "marquee", "canvas"});
}

// Strict mode allow-list: each allowed tag with the attributes it may keep
// beyond the global ones (title, lang, dir).
const std::map<std::string_view, std::vector<std::string_view>>& StrictAllowList() {
  static const auto* const kAllowed = [] {
    auto* allowed = new std::map<std::string_view, std::vector<std::string_view>>{
        {"a", {"href"}},
        {"img", {"src", "alt", "width", "height"}},
        {"blockquote", {"cite"}},
        {"q", {"cite"}},
        {"del", {"cite", "datetime"}},
        {"ins", {"cite", "datetime"}},
        {"time", {"datetime"}},
        {"td", {"colspan", "rowspan", "headers", "scope", "align", "valign"}},
        {"th", {"colspan", "rowspan", "headers", "scope", "align", "valign"}},
        {"table", {"border", "cellpadding", "cellspacing", "width"}},
        {"col", {"span", "width"}},
        {"colgroup", {"span", "width"}},
        {"ol", {"start", "reversed", "type"}},
        {"li", {"value"}},
        {"details", {"open"}},
        {"video", {"src", "poster", "controls", "width", "height", "loop", "muted", "preload"}},
        {"audio", {"src", "controls", "loop", "muted", "preload"}},
        {"source", {"src", "type"}},
        {"track", {"src", "kind", "label", "srclang"}},
    };
    for (std::string_view tag :
         {"abbr", "acronym", "address", "article",    "aside",   "b",      "bdi",    "bdo",
          "big",  "br",      "caption", "center",     "code",    "dd",     "dfn",    "div",
          "dl",   "dt",      "em",      "figcaption", "figure",  "footer", "h1",     "h2",
          "h3",   "h4",      "h5",      "h6",         "header",  "hgroup", "hr",     "i",
          "kbd",  "main",    "mark",    "nav",        "p",       "pre",    "rp",     "rt",
          "ruby", "s",       "samp",    "section",    "small",   "span",   "strike", "strong",
          "sub",  "sup",     "tbody",   "tfoot",      "thead",   "tr",     "tt",     "u",
          "ul",   "var",     "wbr",     "cite",       "summary", "picture"}) {
      allowed->emplace(tag, std::vector<std::string_view>{});
    }
    return allowed;
  }();
  return *kAllowed;
}

bool StrictAllowsTag(std::string_view tag) { return StrictAllowList().count(tag) > 0; }

bool StrictAllowsAttribute(std::string_view tag, std::string_view name) {
  if (In(name, {"title", "lang", "dir"})) return true;
  auto found = StrictAllowList().find(tag);
  if (found == StrictAllowList().end()) return false;
  return std::find(found->second.begin(), found->second.end(), name) != found->second.end();
}

bool IsUrlAttribute(std::string_view name) {
  return In(name,
            {"href",       "src",    "cite",     "poster",  "action",  "formaction", "background",
             "longdesc",   "data",   "codebase", "dynsrc",  "lowsrc",  "ping",       "manifest",
             "xlink:href", "usemap", "profile",  "classid", "archive", "itemtype"});
}

bool IsValidAttributeName(std::string_view name) {
  if (name.empty() || !(IsAsciiAlpha(name[0]) || name[0] == '_' || name[0] == ':')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '-' || c == '_' || c == ':' || c == '.';
  });
}

bool IsValidTagName(std::string_view name) {
  if (name.empty() || !IsAsciiAlpha(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '-'; });
}

// What a browser makes of an attribute value before URL parsing, made
// stricter for the scheme test: every control and white space removed.
std::string StripForScheme(std::string_view url) {
  std::string out;
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u > 0x20 && u != 0x7f) out.push_back(c);
  }
  return out;
}

// Browsers trim C0 controls and spaces at both ends and drop TAB/LF/CR.
std::string BrowserNormalisedUrl(std::string_view url) {
  std::size_t begin = 0;
  std::size_t end = url.size();
  while (begin < end && static_cast<unsigned char>(url[begin]) <= 0x20) ++begin;
  while (end > begin && static_cast<unsigned char>(url[end - 1]) <= 0x20) --end;
  std::string out;
  for (char c : url.substr(begin, end - begin)) {
    if (c != '\t' && c != '\n' && c != '\r') out.push_back(c);
  }
  return out;
}

// The lower-cased scheme of `url`, or "" for a relative reference.
std::string SchemeOf(std::string_view stripped) {
  std::size_t colon = stripped.find(':');
  if (colon == std::string_view::npos || colon == 0 || !IsAsciiAlpha(stripped[0])) return "";
  for (std::size_t i = 0; i < colon; ++i) {
    char c = stripped[i];
    if (!(IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '+' || c == '-' || c == '.')) return "";
  }
  return ToLowerAscii(stripped.substr(0, colon));
}

bool IsSafeDataImage(std::string_view stripped) {
  std::string lower = ToLowerAscii(stripped.substr(0, std::min<std::size_t>(stripped.size(), 20)));
  for (std::string_view prefix :
       {"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"}) {
    if (lower.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace tributary::output::sanitizer_rules
