#include "feeds/url.h"

#include <curl/curl.h>
#include <gumbo.h>

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "common/curl_url.h"
#include "common/text.h"
#include "feeds/charset.h"
#include "feeds/html_scan.h"

namespace tributary::feeds {
namespace {

bool EndsWithIgnoreCase(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  text = text.substr(text.size() - suffix.size());
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    if (AsciiLower(text[i]) != suffix[i]) return false;
  }
  return true;
}

bool IsUrlAttribute(std::string_view name) {
  return name == "href" || name == "src" || name == "poster";
}

bool IsUrlAttribute(const HtmlAttribute& attr) {
  return attr.NameIs("href") || attr.NameIs("src") || attr.NameIs("poster");
}

// Whether an attribute value needs resolving: not empty, not a fragment,
// not already absolute.
bool NeedsResolving(std::string_view value) {
  value = Trim(value, kAsciiWhitespace);
  return !value.empty() && value[0] != '#' && !HasScheme(value);
}

// An absolute path that libcurl would leave as it is: "/" then only
// unreserved characters and '/', with no segment starting with '.' (so no
// "." or ".." to remove) and not "//" (a host).
bool IsPlainAbsolutePath(std::string_view ref) {
  if (ref.empty() || ref[0] != '/' || (ref.size() > 1 && ref[1] == '/')) return false;
  for (std::size_t i = 1; i < ref.size(); ++i) {
    const char c = ref[i];
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '~' ||
                            c == '/' || c == '.';
    if (!unreserved || (c == '.' && ref[i - 1] == '/')) return false;
  }
  return true;
}

// Cheap pre-check on the raw HTML: does any href=/src=/poster= value look
// relative? Most content links are absolute, and then gumbo is not needed.
// Runs over every item's HTML, so each '=' is judged by the letter before
// it first, and a value only as far as its scheme.
bool MayHaveRelativeUrl(std::string_view html) {
  const char* begin = html.data();
  const char* end = begin + html.size();
  for (const char* eq = begin;
       (eq = static_cast<const char*>(std::memchr(eq, '=', static_cast<std::size_t>(end - eq)))) !=
       nullptr;
       ++eq) {
    const char* name_end = eq;
    while (name_end > begin && IsAsciiWhitespace(name_end[-1])) --name_end;
    if (name_end == begin) continue;
    const std::string_view before(begin, static_cast<std::size_t>(name_end - begin));
    switch (AsciiLower(before.back())) {
      case 'f':
        if (!EndsWithIgnoreCase(before, "href")) continue;
        break;
      case 'c':
        if (!EndsWithIgnoreCase(before, "src")) continue;
        break;
      case 'r':
        if (!EndsWithIgnoreCase(before, "poster")) continue;
        break;
      default:
        continue;
    }
    const char* value = eq + 1;
    while (value < end && IsAsciiWhitespace(*value)) ++value;
    if (value < end && (*value == '"' || *value == '\'')) ++value;
    // An empty value or a fragment needs nothing; a scheme ends at the
    // first byte that cannot be in one, which every delimiter of the value
    // is, so HasScheme need not be told where the value ends.
    if (value == end || *value == '"' || *value == '\'' || *value == '>' || *value == '#' ||
        IsAsciiWhitespace(*value)) {
      continue;
    }
    if (!HasScheme(std::string_view(
            value, std::min<std::size_t>(static_cast<std::size_t>(end - value), 64)))) {
      return true;
    }
  }
  return false;
}

// `url` with the bytes that are not UTF-8, and the controls, escaped as
// %XX. curl decodes escapes in a host ("https://%ba.example/" gives the
// byte BA), so a resolved URL can hold them; every string the parser hands
// out is valid UTF-8 without controls.
std::string EscapeInvalidBytes(std::string url) {
  bool controls = false;
  if (CountInvalidUtf8(url, &controls) == 0 && !controls) return url;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(url.size() + 16);
  for (std::size_t i = 0; i < url.size();) {
    const auto c = static_cast<unsigned char>(url[i]);
    const std::size_t length = Utf8SequenceLength(std::string_view(url).substr(i));
    if (length == 0 || c < 0x20 || c == 0x7F) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
      ++i;
    } else {
      out.append(url, i, length);
      i += length;
    }
  }
  return out;
}

std::string EscapeAttribute(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('"');
  for (char c : value) {
    if (c == '&') {
      out.append("&amp;");
    } else if (c == '"') {
      out.append("&quot;");
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

struct Replacement {
  std::size_t offset;
  std::size_t length;
  std::string text;
};

// Walks the gumbo tree without recursion and records each relative URL
// attribute's replacement.
void CollectReplacements(const GumboNode* root, std::string_view html, const UrlResolver& base,
                         std::vector<Replacement>* out) {
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) continue;
    const GumboElement& element = node->v.element;
    for (unsigned i = 0; i < element.attributes.length; ++i) {
      const auto* attr = static_cast<const GumboAttribute*>(element.attributes.data[i]);
      if (!IsUrlAttribute(attr->name) || !NeedsResolving(attr->value)) continue;
      // Attributes gumbo made up (no source text) cannot be rewritten in place.
      const char* data = attr->original_value.data;
      if (data == nullptr || data < html.data() || data >= html.data() + html.size()) continue;
      std::string resolved = base.Resolve(attr->value);
      if (resolved == Trim(attr->value, kAsciiWhitespace)) continue;
      out->push_back({static_cast<std::size_t>(data - html.data()), attr->original_value.length,
                      EscapeAttribute(resolved)});
    }
    for (unsigned i = 0; i < element.children.length; ++i) {
      stack.push_back(static_cast<const GumboNode*>(element.children.data[i]));
    }
  }
}

// Start tags that the HTML tree builder, in any insertion mode a fragment
// of feed content reaches with only these tags, always turns into an
// element carrying every attribute of the token. Everything else (raw-text
// and RCDATA elements, tables, forms, select, foreign content, <html> and
// <body> merging their attributes, <image> renamed, head elements...) is
// left to gumbo.
bool IsPlainElement(std::string_view name) {
  static constexpr std::string_view kPlain[] = {
      "a",          "abbr",   "address", "area",       "article", "aside",   "audio",  "b",
      "bdi",        "bdo",    "big",     "blockquote", "br",      "center",  "cite",   "code",
      "dd",         "del",    "dfn",     "div",        "dl",      "dt",      "em",     "embed",
      "figcaption", "figure", "font",    "footer",     "h1",      "h2",      "h3",     "h4",
      "h5",         "h6",     "header",  "hr",         "i",       "img",     "ins",    "kbd",
      "li",         "mark",   "nav",     "ol",         "p",       "picture", "pre",    "q",
      "s",          "samp",   "section", "small",      "source",  "span",    "strike", "strong",
      "sub",        "sup",    "time",    "track",      "tt",      "u",       "ul",     "var",
      "video",      "wbr"};
  return std::find(std::begin(kPlain), std::end(kPlain), name) != std::end(kPlain);
}

// The replacements gumbo's tree would give, found by tokenizing only.
// Returns false, leaving the work to gumbo, when the result depends on more
// than the tokenizer: an element the tree builder treats specially (see
// IsPlainElement), or a URL value the tokenizer would rewrite (character
// references, CR and NUL normalisation, invalid UTF-8).
bool CollectReplacementsByScan(std::string_view html, const UrlResolver& base,
                               std::vector<Replacement>* out) {
  // Two memchr passes; find_first_of with a set goes byte by byte.
  if (html.find('\r') != std::string_view::npos || html.find('\0') != std::string_view::npos) {
    return false;
  }
  HtmlScanner scanner(html);
  HtmlToken token;
  while (scanner.Next(&token)) {
    if (token.kind == HtmlTokenKind::kCutOff) break;  // a tag cut by the end is dropped
    // End tags carry no attributes into the tree; comments and text none at all.
    if (token.kind != HtmlTokenKind::kStartTag) continue;
    // gumbo 0.10 drops the value of a later attribute too when a name repeats.
    if (token.duplicate_attribute || !IsPlainElement(token.name)) return false;
    for (const HtmlAttribute& attr : token.attributes) {
      if (!IsUrlAttribute(attr) || !NeedsResolving(attr.value)) continue;
      bool controls = false;
      if (attr.value.find('&') != std::string_view::npos ||
          CountInvalidUtf8(attr.value, &controls) != 0) {
        return false;
      }
      std::string resolved = base.Resolve(attr.value);
      if (resolved == Trim(attr.value, kAsciiWhitespace)) continue;
      out->push_back(
          {scanner.OffsetOf(attr.original), attr.original.size(), EscapeAttribute(resolved)});
    }
  }
  return true;
}

}  // namespace

bool HasScheme(std::string_view url) {
  url = Trim(url, kAsciiWhitespace);
  if (url.empty() || !((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z'))) {
    return false;
  }
  for (std::size_t i = 1; i < url.size() && i < 40; ++i) {
    char c = url[i];
    if (c == ':') return true;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return false;
}

UrlResolver::UrlResolver(std::string_view base) : base_(Trim(base, kAsciiWhitespace)) {
  if (base_.empty() || !HasScheme(base_)) return;
  handle_ = curl::ParseUrl(base_, CURLU_NON_SUPPORT_SCHEME).release();
}

UrlResolver::~UrlResolver() {
  if (handle_ != nullptr) curl_url_cleanup(static_cast<CURLU*>(handle_));
}

UrlResolver::UrlResolver(UrlResolver&& other) noexcept
    : base_(std::move(other.base_)),
      handle_(std::exchange(other.handle_, nullptr)),
      last_ref_(std::move(other.last_ref_)),
      last_result_(std::move(other.last_result_)),
      origin_(std::move(other.origin_)) {}

UrlResolver& UrlResolver::operator=(UrlResolver&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) curl_url_cleanup(static_cast<CURLU*>(handle_));
    base_ = std::move(other.base_);
    handle_ = std::exchange(other.handle_, nullptr);
    last_ref_ = std::move(other.last_ref_);
    last_result_ = std::move(other.last_result_);
    origin_ = std::move(other.origin_);
  }
  return *this;
}

std::string UrlResolver::Resolve(std::string_view ref) const {
  ref = Trim(ref, kAsciiWhitespace);
  if (handle_ == nullptr || HasScheme(ref)) return std::string(ref);
  if (ref.empty()) return {};
  if (ref == last_ref_) return last_result_;
  // The common relative form, "/path/to/page.html", is the base's origin
  // and the path as it is, with no handle to copy and no URL to parse.
  if (IsPlainAbsolutePath(ref)) {
    if (origin_.empty()) {
      origin_ = ResolveWithCurl("/");
      const std::size_t authority = origin_.find("://");
      if (authority != std::string::npos &&
          origin_.find('/', authority + 3) == origin_.size() - 1) {
        origin_.pop_back();
      } else {
        origin_ = "-";
      }
    }
    if (origin_ != "-") return origin_ + std::string(ref);
  }
  std::string result = ResolveWithCurl(ref);
  last_ref_.assign(ref);
  last_result_ = result;
  return result;
}

std::string UrlResolver::ResolveWithCurl(std::string_view ref) const {
  const curl::Url url(curl_url_dup(static_cast<CURLU*>(handle_)));
  if (!url) return std::string(ref);
  std::string result(ref);
  // Setting a relative URL on a handle that holds one resolves it (RFC 3986).
  if (curl_url_set(url.get(), CURLUPART_URL, result.c_str(),
                   CURLU_NON_SUPPORT_SCHEME | CURLU_ALLOW_SPACE) == CURLUE_OK) {
    if (auto text = curl::Part(url.get(), CURLUPART_URL)) result = EscapeInvalidBytes(*text);
  }
  return result;
}

std::string AbsolutizeHtmlUrls(std::string html_text, const UrlResolver& base) {
  if (!base.valid() || !MayHaveRelativeUrl(html_text)) return html_text;
  std::string_view html = html_text;
  std::vector<Replacement> replacements;
  // Building gumbo's tree costs some forty times a pugixml parse of the same
  // bytes; for ordinary markup the tokenizer alone tells the same.
  if (!CollectReplacementsByScan(html, base, &replacements)) {
    replacements.clear();
    GumboOptions options = kGumboDefaultOptions;
    options.max_errors = 0;
    GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
    CollectReplacements(output->root, html, base, &replacements);
    gumbo_destroy_output(&options, output);
  }
  if (replacements.empty()) return html_text;
  std::sort(replacements.begin(), replacements.end(),
            [](const Replacement& a, const Replacement& b) { return a.offset < b.offset; });
  std::string out;
  out.reserve(html.size() + replacements.size() * 32);
  std::size_t done = 0;
  for (const Replacement& r : replacements) {
    if (r.offset < done) continue;  // overlapping: keep the first
    out.append(html.substr(done, r.offset - done));
    out.append(r.text);
    done = r.offset + r.length;
  }
  out.append(html.substr(done));
  return out;
}

}  // namespace tributary::feeds
