// libFuzzer target for the HTML sanitiser (output/sanitizer.h). Beyond the
// sanitizers, for every input:
//  - the output is stable: sanitising it again changes nothing;
//  - valid UTF-8 in gives valid UTF-8 out;
//  - reparsed by gumbo (a real HTML5 parser, as a browser would), the output
//    holds nothing the mode forbids. Strict: only allow-listed HTML tags with
//    their allow-listed attributes, no comments, URL attributes http(s) or
//    relative (mailto on <a href>, data images on <img src> when allowed).
//    Active content only: no script-like element, no foreign (svg/math)
//    content, no on* attribute, no javascript:-like or data: URL.
// The allow-list below is written out again on purpose: an oracle that
// shared the sanitiser's tables would agree with its mistakes.
//
// Input layout: the first byte selects the options (bit 0: active content
// only, bit 1: data images allowed, bit 2: a base URL); the rest is HTML.
#include <gumbo.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "output/sanitizer.h"

namespace output = tributary::output;
namespace fuzz = tributary::fuzz;

namespace {

bool In(std::string_view name, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), name) != set.end();
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Tags strict mode may emit, each with its own attributes (title, lang
// and dir are allowed everywhere).
bool StrictAllowsTag(std::string_view tag) {
  return In(tag, {"a",       "img",     "blockquote", "q",          "del",      "ins",    "time",
                  "td",      "th",      "table",      "col",        "colgroup", "ol",     "li",
                  "details", "video",   "audio",      "source",     "track",    "abbr",   "acronym",
                  "address", "article", "aside",      "b",          "bdi",      "bdo",    "big",
                  "br",      "caption", "center",     "code",       "dd",       "dfn",    "div",
                  "dl",      "dt",      "em",         "figcaption", "figure",   "footer", "h1",
                  "h2",      "h3",      "h4",         "h5",         "h6",       "header", "hgroup",
                  "hr",      "i",       "kbd",        "main",       "mark",     "nav",    "p",
                  "pre",     "rp",      "rt",         "ruby",       "s",        "samp",   "section",
                  "small",   "span",    "strike",     "strong",     "sub",      "sup",    "tbody",
                  "tfoot",   "thead",   "tr",         "tt",         "u",        "ul",     "var",
                  "wbr",     "cite",    "summary",    "picture"});
}

bool StrictAllowsAttribute(std::string_view tag, std::string_view name) {
  if (In(name, {"title", "lang", "dir"})) return true;
  if (tag == "a") return name == "href";
  if (tag == "img") return In(name, {"src", "alt", "width", "height"});
  if (In(tag, {"blockquote", "q"})) return name == "cite";
  if (In(tag, {"del", "ins"})) return In(name, {"cite", "datetime"});
  if (tag == "time") return name == "datetime";
  if (In(tag, {"td", "th"})) {
    return In(name, {"colspan", "rowspan", "headers", "scope", "align", "valign"});
  }
  if (tag == "table") return In(name, {"border", "cellpadding", "cellspacing", "width"});
  if (In(tag, {"col", "colgroup"})) return In(name, {"span", "width"});
  if (tag == "ol") return In(name, {"start", "reversed", "type"});
  if (tag == "li") return name == "value";
  if (tag == "details") return name == "open";
  if (tag == "video") {
    return In(name, {"src", "poster", "controls", "width", "height", "loop", "muted", "preload"});
  }
  if (tag == "audio") return In(name, {"src", "controls", "loop", "muted", "preload"});
  if (tag == "source") return In(name, {"src", "type"});
  if (tag == "track") return In(name, {"src", "kind", "label", "srclang"});
  return false;
}

bool IsScriptLike(std::string_view tag) {
  return In(tag,
            {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "param", "base",
             "meta", "link", "noscript", "template", "svg", "math", "portal", "fencedframe"});
}

bool IsUrlAttribute(std::string_view name) {
  return In(name,
            {"href",       "src",    "cite",     "poster",  "action",  "formaction", "background",
             "longdesc",   "data",   "codebase", "dynsrc",  "lowsrc",  "ping",       "manifest",
             "xlink:href", "usemap", "profile",  "classid", "archive", "itemtype"});
}

// The scheme a browser sees: controls and white space anywhere are ignored.
std::string SchemeOf(std::string_view value) {
  std::string stripped;
  for (char c : value) {
    if (static_cast<unsigned char>(c) > 0x20 && c != 0x7f) stripped.push_back(c);
  }
  const std::size_t colon = stripped.find(':');
  if (colon == std::string::npos) return "";
  const std::size_t end = stripped.find_first_of("/?#");
  if (end != std::string::npos && end < colon) return "";
  return Lower(stripped.substr(0, colon));
}

bool IsDataImage(std::string_view value) {
  std::string stripped;
  for (char c : value) {
    if (static_cast<unsigned char>(c) > 0x20) stripped.push_back(c);
  }
  stripped = Lower(stripped.substr(0, 20));
  for (std::string_view prefix :
       {"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"}) {
    if (stripped.starts_with(prefix)) return true;
  }
  return false;
}

std::string TagName(const GumboElement& element) {
  if (element.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(element.tag);
  GumboStringPiece piece = element.original_tag;
  if (piece.data == nullptr || piece.length == 0) return "";
  gumbo_tag_from_original_text(&piece);
  return Lower(std::string_view(piece.data, piece.length));
}

struct Checker {
  const output::SanitizeOptions& options;
  std::string_view input;
  std::string_view html;

  [[noreturn]] void Violation(const char* what, std::string_view detail) const {
    fuzz::FailPair(what, html, detail);
  }

  void CheckUrl(const std::string& tag, const std::string& name, std::string_view value) const {
    const std::string scheme = SchemeOf(value);
    const bool data_image =
        options.allow_data_images && tag == "img" && name == "src" && IsDataImage(value);
    if (scheme == "data" && !data_image) Violation("data: URL survived", value);
    if (In(scheme, {"javascript", "vbscript", "livescript", "mocha", "jscript"})) {
      Violation("script URL survived", value);
    }
    if (options.mode != output::SanitizeMode::kStrict || scheme.empty() || data_image) return;
    if (scheme == "mailto" && tag == "a" && name == "href") return;
    if (scheme != "http" && scheme != "https")
      Violation("URL scheme outside the allow-list", value);
  }

  void CheckElement(const GumboElement& element) const {
    const std::string tag = TagName(element);
    if (element.tag_namespace != GUMBO_NAMESPACE_HTML) Violation("foreign content survived", tag);
    if (IsScriptLike(tag)) Violation("active element survived", tag);
    const bool strict = options.mode == output::SanitizeMode::kStrict;
    if (strict && !StrictAllowsTag(tag)) Violation("tag outside the allow-list survived", tag);
    for (unsigned i = 0; i < element.attributes.length; ++i) {
      const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[i]);
      const std::string name = Lower(attribute->name);
      const std::string_view value = attribute->value;
      if (name.starts_with("on")) Violation("event handler survived", name);
      if (strict && !StrictAllowsAttribute(tag, name)) {
        Violation("attribute outside the allow-list survived", tag + " " + name);
      }
      if (IsUrlAttribute(name)) CheckUrl(tag, name, value);
      // Active-content mode also clears script URLs from other attributes.
      const std::string scheme = SchemeOf(value);
      if (!strict && (scheme == "javascript" || scheme == "vbscript")) {
        Violation("script value survived", value);
      }
    }
  }

  // Iterative walk: the output may nest deeply.
  void Walk(const GumboNode* root) const {
    std::vector<const GumboNode*> pending{root};
    bool is_root = true;
    while (!pending.empty()) {
      const GumboNode* node = pending.back();
      pending.pop_back();
      if (node->type == GUMBO_NODE_COMMENT && options.mode == output::SanitizeMode::kStrict) {
        Violation("comment survived strict mode", node->v.text.text);
      }
      if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) continue;
      if (!is_root) CheckElement(node->v.element);  // the root is the fragment's <html>
      is_root = false;
      const GumboVector& children = node->v.element.children;
      for (unsigned i = 0; i < children.length; ++i) {
        pending.push_back(static_cast<const GumboNode*>(children.data[i]));
      }
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned flags = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  output::SanitizeOptions options;
  options.mode =
      (flags & 1) != 0 ? output::SanitizeMode::kActiveContentOnly : output::SanitizeMode::kStrict;
  options.allow_data_images = (flags & 2) != 0;
  if ((flags & 4) != 0) options.base_url = "https://example.org/dir/page.html";

  const std::string once = output::SanitizeHtml(input, options);
  const std::string twice = output::SanitizeHtml(once, options);
  if (twice != once) fuzz::FailPair("sanitising twice changed the output", once, twice);
  if (fuzz::IsValidUtf8(input)) fuzz::CheckUtf8(once, "valid UTF-8 in, invalid out");

  GumboOptions gumbo_options = kGumboDefaultOptions;
  gumbo_options.fragment_context = GUMBO_TAG_BODY;
  gumbo_options.fragment_namespace = GUMBO_NAMESPACE_HTML;
  gumbo_options.max_errors = 0;
  GumboOutput* parsed = gumbo_parse_with_options(&gumbo_options, once.data(), once.size());
  Checker{options, input, once}.Walk(parsed->root);
  gumbo_destroy_output(&gumbo_options, parsed);
  return 0;
}
