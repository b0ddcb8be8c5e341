#include "output/sanitizer.h"

#include <curl/curl.h>
#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/curl_url.h"
#include "common/text.h"
#include "output/sanitizer_rules.h"

namespace tributary::output {
namespace {

using sanitizer_rules::BrowserNormalisedUrl;
using sanitizer_rules::IsActiveTag;
using sanitizer_rules::IsSafeDataImage;
using sanitizer_rules::IsStrictDroppedTag;
using sanitizer_rules::IsUrlAttribute;
using sanitizer_rules::IsValidAttributeName;
using sanitizer_rules::IsValidTagName;
using sanitizer_rules::IsVoid;
using sanitizer_rules::SchemeOf;
using sanitizer_rules::StrictAllowsAttribute;
using sanitizer_rules::StrictAllowsTag;
using sanitizer_rules::StripForScheme;

// Output nesting deeper than this is flattened (children kept, tags not).
constexpr int kMaxOutputDepth = 256;
// gumbo's tree builder is quadratic in nesting depth (100 000 nested <div>
// take 17 s), so input is cut where a cheap estimate of open tags passes
// this; hostile-inputs B3.
constexpr int kMaxOpenTags = 1024;
// Re-serialised HTML can reparse into a different tree (e.g. <p> inside an
// unwrapped element); passes repeat until the output is a fixed point.
constexpr int kMaxPasses = 4;

bool In(std::string_view name, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), name) != set.end();
}

// Cuts the input where a crude count of open tags (start tags minus end
// tags, ignoring void and self-closing-by-sibling tags) passes kMaxOpenTags.
std::string_view TruncateDeepNesting(std::string_view html, bool& truncated) {
  int open = 0;
  for (std::size_t i = 0; i + 1 < html.size(); ++i) {
    if (html[i] != '<') continue;
    if (html[i + 1] == '/') {
      if (open > 0) --open;
      continue;
    }
    if (!IsAsciiAlpha(html[i + 1])) continue;
    std::size_t end = i + 1;
    while (end < html.size() && (IsAsciiAlpha(html[end]) || IsAsciiDigit(html[end]))) ++end;
    std::string name = ToLowerAscii(html.substr(i + 1, end - i - 1));
    if (IsVoid(name) ||
        In(name, {"p", "li", "dt", "dd", "tr", "td", "th", "option", "tbody", "thead"})) {
      continue;
    }
    if (++open > kMaxOpenTags) {
      truncated = true;
      return html.substr(0, i);
    }
  }
  return html;
}

enum class Verdict { kKeep, kUnwrap, kDrop };

class Sanitizer {
 public:
  explicit Sanitizer(const SanitizeOptions& options)
      : options_(options), strict_(options.mode == SanitizeMode::kStrict) {
    if (IsHttpUrl(options.base_url)) base_ = options.base_url;
  }

  // One parse + filter + serialise pass. Sets changed() when anything was
  // removed or rewritten.
  std::string Run(std::string_view html);
  bool changed() const { return changed_; }

 private:
  struct Frame {
    const GumboNode* node;
    unsigned next_child;
    bool emitted_tag;  // false: unwrapped, only children are written
    bool raw_text;     // children are written unescaped (<style>)
    std::string name;
  };

  std::string TagName(const GumboNode* node) const;
  Verdict Judge(const GumboNode* node, const std::string& name, int depth);
  void OpenTag(const GumboNode* node, const std::string& name);
  std::optional<std::string> FilterAttribute(const std::string& tag, std::string_view name,
                                             std::string_view value);
  std::optional<std::string> FilterUrl(const std::string& tag, std::string_view name,
                                       std::string_view value);
  std::optional<std::string> FilterSrcset(std::string_view value);
  void WriteText(std::string_view text, bool raw);
  void WriteComment(std::string_view text);
  void WriteNode(const GumboNode* node, std::vector<Frame>& stack);

  const SanitizeOptions& options_;
  bool strict_;
  std::string base_;
  std::string out_;
  bool changed_ = false;
};

std::string Sanitizer::TagName(const GumboNode* node) const {
  const GumboElement& element = node->v.element;
  if (element.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(element.tag);
  GumboStringPiece piece = element.original_tag;
  if (piece.data == nullptr || piece.length == 0) return "";
  gumbo_tag_from_original_text(&piece);
  return ToLowerAscii(std::string_view(piece.data, piece.length));
}

Verdict Sanitizer::Judge(const GumboNode* node, const std::string& name, int depth) {
  const GumboElement& element = node->v.element;
  if (element.tag_namespace != GUMBO_NAMESPACE_HTML || IsActiveTag(name)) return Verdict::kDrop;
  if (strict_) {
    if (IsStrictDroppedTag(name)) return Verdict::kDrop;
    if (!StrictAllowsTag(name)) return Verdict::kUnwrap;
  } else if (!IsValidTagName(name)) {
    return Verdict::kUnwrap;
  }
  if (depth > kMaxOutputDepth) return Verdict::kUnwrap;
  return Verdict::kKeep;
}

std::optional<std::string> Sanitizer::FilterUrl(const std::string& tag, std::string_view name,
                                                std::string_view value) {
  std::string stripped = StripForScheme(value);
  std::string scheme = SchemeOf(stripped);
  std::string url = BrowserNormalisedUrl(value);
  if (scheme == "data") {
    bool image_slot = tag == "img" && name == "src";
    if (options_.allow_data_images && image_slot && IsSafeDataImage(stripped)) return url;
    return std::nullopt;
  }
  if (strict_) {
    if (scheme == "mailto" && tag == "a" && name == "href") return url;
    if (!scheme.empty() && scheme != "http" && scheme != "https") return std::nullopt;
    // A relative reference cannot have ':' in its first segment (RFC 3986
    // 4.2); such a value is no URL any browser agrees on, so it goes.
    std::size_t colon = stripped.find(':');
    if (scheme.empty() && colon != std::string::npos && colon < stripped.find_first_of("/?#")) {
      return std::nullopt;
    }
  } else if (In(scheme, {"javascript", "vbscript", "livescript", "mocha", "jscript"})) {
    return std::nullopt;
  }
  if (scheme.empty() && !base_.empty() && !url.empty()) {
    std::string resolved = ResolveUrl(base_, url);
    if (resolved.empty() || (strict_ && !IsHttpUrl(resolved))) return std::nullopt;
    return resolved;
  }
  return url;
}

std::optional<std::string> Sanitizer::FilterSrcset(std::string_view value) {
  // Candidates are "url [descriptor]" separated by commas; any bad one
  // drops the attribute (rewriting srcset is not worth its parser).
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    std::string_view candidate =
        value.substr(start, comma == std::string_view::npos ? value.npos : comma - start);
    std::string stripped = StripForScheme(candidate);
    std::string scheme = SchemeOf(stripped);
    if (!scheme.empty() && scheme != "http" && scheme != "https") return std::nullopt;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return std::string(value);
}

std::optional<std::string> Sanitizer::FilterAttribute(const std::string& tag, std::string_view name,
                                                      std::string_view value) {
  if (!IsValidAttributeName(name) || ToLowerAscii(name).starts_with("on")) return std::nullopt;
  if (strict_) {
    if (!StrictAllowsAttribute(tag, name)) return std::nullopt;
    if (IsUrlAttribute(name)) return FilterUrl(tag, name, value);
    return std::string(value);
  }
  if (IsUrlAttribute(name)) return FilterUrl(tag, name, value);
  if (name == "srcset" || name == "imagesrcset") return FilterSrcset(value);
  std::string stripped = ToLowerAscii(StripForScheme(value));
  if (stripped.starts_with("javascript:") || stripped.starts_with("vbscript:")) {
    return std::nullopt;
  }
  if (name == "style" && (stripped.find("expression(") != std::string::npos ||
                          stripped.find("javascript:") != std::string::npos ||
                          stripped.find("behavior:") != std::string::npos ||
                          stripped.find("-moz-binding") != std::string::npos)) {
    return std::nullopt;
  }
  return std::string(value);
}

void Sanitizer::OpenTag(const GumboNode* node, const std::string& name) {
  out_ += '<';
  out_ += name;
  const GumboVector& attributes = node->v.element.attributes;
  for (unsigned i = 0; i < attributes.length; ++i) {
    const auto* attribute = static_cast<const GumboAttribute*>(attributes.data[i]);
    if (attribute->attr_namespace != GUMBO_ATTR_NAMESPACE_NONE) {
      changed_ = true;
      continue;
    }
    std::string_view attr_name = attribute->name;
    std::string_view attr_value = attribute->value;
    std::optional<std::string> kept = FilterAttribute(name, attr_name, attr_value);
    if (!kept) {
      changed_ = true;
      continue;
    }
    if (*kept != attr_value) changed_ = true;
    out_ += ' ';
    out_ += attr_name;
    out_ += "=\"";
    AppendHtmlEscaped(out_, *kept, true);
    out_ += '"';
  }
  out_ += '>';
}

void Sanitizer::WriteText(std::string_view text, bool raw) {
  if (raw) {
    out_ += text;
  } else {
    AppendHtmlEscaped(out_, text, false);
  }
}

void Sanitizer::WriteComment(std::string_view text) {
  if (strict_) {
    changed_ = true;
    return;
  }
  // A comment that could end early when reparsed is dropped.
  if (text.starts_with(">") || text.starts_with("->") ||
      (text.find("--") != std::string_view::npos &&
       (text.find("-->") != std::string_view::npos || text.find("--!") != std::string_view::npos ||
        text.ends_with("-")))) {
    changed_ = true;
    return;
  }
  out_ += "<!--";
  out_ += text;
  out_ += "-->";
}

// Writes a text-like node, or pushes an element frame.
void Sanitizer::WriteNode(const GumboNode* node, std::vector<Frame>& stack) {
  bool raw_parent = !stack.empty() && stack.back().raw_text;
  switch (node->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE:
      WriteText(node->v.text.text, raw_parent);
      return;
    case GUMBO_NODE_CDATA:
      WriteText(node->v.text.text, false);
      changed_ = true;
      return;
    case GUMBO_NODE_COMMENT:
      WriteComment(node->v.text.text);
      return;
    case GUMBO_NODE_DOCUMENT:
    case GUMBO_NODE_TEMPLATE:
      changed_ = true;
      return;
    case GUMBO_NODE_ELEMENT:
      break;
  }
  std::string name = TagName(node);
  int depth = static_cast<int>(stack.size());
  Verdict verdict = Judge(node, name, depth);
  if (verdict == Verdict::kDrop) {
    changed_ = true;
    return;
  }
  Frame frame{node, 0, verdict == Verdict::kKeep, false, name};
  if (verdict == Verdict::kUnwrap) {
    changed_ = true;
  } else {
    OpenTag(node, name);
    frame.raw_text = name == "style";
    // The parser eats one newline after these start tags; keep a leading
    // newline of the content alive through a reparse.
    if (In(name, {"pre", "textarea", "listing"}) && node->v.element.children.length > 0) {
      const auto* first = static_cast<const GumboNode*>(node->v.element.children.data[0]);
      if ((first->type == GUMBO_NODE_TEXT || first->type == GUMBO_NODE_WHITESPACE) &&
          first->v.text.text[0] == '\n') {
        out_ += '\n';
      }
    }
  }
  stack.push_back(std::move(frame));
}

std::string Sanitizer::Run(std::string_view input) {
  bool truncated = false;
  std::string_view html = TruncateDeepNesting(input, truncated);
  if (truncated) changed_ = true;
  GumboOptions gumbo_options = kGumboDefaultOptions;
  gumbo_options.fragment_context = GUMBO_TAG_BODY;
  gumbo_options.fragment_namespace = GUMBO_NAMESPACE_HTML;
  gumbo_options.max_errors = 0;
  GumboOutput* output = gumbo_parse_with_options(&gumbo_options, html.data(), html.size());
  out_.clear();
  out_.reserve(html.size());

  // Iterative pre-order walk; the root is the synthetic <html> of the
  // fragment, whose children are the fragment itself.
  std::vector<Frame> stack;
  stack.push_back(Frame{output->root, 0, false, false, ""});
  while (!stack.empty()) {
    Frame& top = stack.back();
    const GumboVector& children = top.node->v.element.children;
    if (top.next_child < children.length) {
      const auto* child = static_cast<const GumboNode*>(children.data[top.next_child++]);
      WriteNode(child, stack);
      continue;
    }
    if (top.emitted_tag && !IsVoid(top.name)) {
      out_ += "</";
      out_ += top.name;
      out_ += '>';
    }
    stack.pop_back();
  }
  gumbo_destroy_output(&gumbo_options, output);
  return std::move(out_);
}

// Decodes one UTF-8 sequence at `i`; returns the code point and advances,
// or returns nullopt (and advances one byte) on an invalid sequence.
std::optional<char32_t> DecodeUtf8(std::string_view text, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  int length = 0;
  char32_t code = 0;
  char32_t minimum = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code = lead & 0x1Fu, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code = lead & 0x0Fu, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code = lead & 0x07u, minimum = 0x10000;
  } else {
    ++i;
    return std::nullopt;
  }
  if (i + static_cast<std::size_t>(length) > text.size()) {
    ++i;
    return std::nullopt;
  }
  for (int k = 1; k < length; ++k) {
    unsigned char next = byte(i + static_cast<std::size_t>(k));
    if ((next & 0xC0) != 0x80) {
      ++i;
      return std::nullopt;
    }
    code = (code << 6) | (next & 0x3Fu);
  }
  if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    ++i;
    return std::nullopt;
  }
  i += static_cast<std::size_t>(length);
  return code;
}

}  // namespace

std::string SanitizeHtml(std::string_view html, const SanitizeOptions& options) {
  std::string previous;
  std::string_view input = html;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    Sanitizer sanitizer(options);
    std::string output = sanitizer.Run(input);
    if (!sanitizer.changed() && options.mode == SanitizeMode::kActiveContentOnly) {
      return pass == 0 ? std::string(html) : previous;
    }
    if (pass > 0 && output == previous) return output;
    previous = std::move(output);
    input = previous;
  }
  return previous;
}

std::string CleanText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    std::optional<char32_t> code = DecodeUtf8(text, i);
    if (!code) {
      out += "\xEF\xBF\xBD";
      continue;
    }
    char32_t c = *code;
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF) {
      continue;
    }
    out.append(text.substr(start, i - start));
  }
  return out;
}

bool IsHttpUrl(std::string_view url) {
  std::string scheme = SchemeOf(StripForScheme(url));
  if (scheme != "http" && scheme != "https") return false;
  std::string stripped = StripForScheme(url);
  return stripped.substr(scheme.size()).starts_with("://") && stripped.size() > scheme.size() + 3;
}

std::string SanitizeEntryHtml(std::string_view html, const OutputEntry& entry) {
  if (html.empty()) return "";
  SanitizeOptions options;
  options.base_url = SafeHttpUrl(entry.link);
  if (options.base_url.empty() && !entry.sources.empty()) {
    options.base_url = SafeHttpUrl(entry.sources.front().link);
  }
  return SanitizeHtml(CleanText(html), options);
}

std::string FirstImageSource(std::string_view html) {
  GumboOptions gumbo_options = kGumboDefaultOptions;
  gumbo_options.fragment_context = GUMBO_TAG_BODY;
  gumbo_options.fragment_namespace = GUMBO_NAMESPACE_HTML;
  gumbo_options.max_errors = 0;
  bool truncated = false;
  std::string_view input = TruncateDeepNesting(html, truncated);
  GumboOutput* output = gumbo_parse_with_options(&gumbo_options, input.data(), input.size());
  std::string source;
  // Depth-first, document order, with an explicit stack of nodes to visit.
  std::vector<const GumboNode*> pending{output->root};
  while (!pending.empty() && source.empty()) {
    const GumboNode* node = pending.back();
    pending.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    if (node->v.element.tag == GUMBO_TAG_IMG) {
      const GumboAttribute* src = gumbo_get_attribute(&node->v.element.attributes, "src");
      if (src != nullptr && src->value[0] != '\0') source = BrowserNormalisedUrl(src->value);
      continue;
    }
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i > 0; --i) {
      pending.push_back(static_cast<const GumboNode*>(children.data[i - 1]));
    }
  }
  gumbo_destroy_output(&gumbo_options, output);
  return source;
}

std::string SafeHttpUrl(std::string_view url) {
  std::string normalised = BrowserNormalisedUrl(url);
  if (!IsHttpUrl(normalised)) return "";
  // Spaces and controls have no place in an href we write.
  for (char c : normalised) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return "";
  }
  return CleanText(normalised);
}

std::string ResolveUrl(std::string_view base, std::string_view ref) {
  std::string base_text(base);
  std::string ref_text(ref);
  // curl 7.88 drops the base's path and query for a fragment-only
  // reference, so that case is done here (RFC 3986 5.2.2).
  if (ref_text.starts_with('#')) {
    return base_text.substr(0, base_text.find('#')) + ref_text;
  }
  const curl::Url handle = curl::ParseUrl(base_text);
  if (!handle ||
      curl_url_set(handle.get(), CURLUPART_URL, ref_text.c_str(), CURLU_URLENCODE) != CURLUE_OK) {
    return "";
  }
  return curl::Part(handle.get(), CURLUPART_URL).value_or(std::string());
}

}  // namespace tributary::output
