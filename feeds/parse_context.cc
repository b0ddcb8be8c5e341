#include "feeds/parse_context.h"

#include <algorithm>
#include <boost/archive/iterators/binary_from_base64.hpp>
#include <boost/archive/iterators/dataflow_exception.hpp>
#include <boost/archive/iterators/transform_width.hpp>
#include <charconv>
#include <cstdint>
#include <utility>

#include "common/text.h"
#include "feeds/charset.h"
#include "feeds/dates.h"
#include "feeds/entities.h"
#include "feeds/html_text.h"

namespace tributary::feeds {
namespace {

// Markup that was escaped twice reads as "&lt;p&gt;" after XML decoding and
// holds no tag at all.
bool LooksEscapedTwice(std::string_view html) {
  if (html.find('<') != std::string_view::npos) return false;
  std::size_t lt = html.find("&lt;");
  if (lt == std::string_view::npos || lt + 4 >= html.size()) return false;
  char next = html[lt + 4];
  bool tag_start =
      (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || next == '/' || next == '!';
  return tag_start && html.find("&gt;", lt) != std::string_view::npos;
}

std::string_view TypeOf(pugi::xml_node node) {
  std::string_view type = Trim(Attribute(node, "type"));
  if (type.empty()) type = Trim(Attribute(node, "mode"));
  return type;
}

// Base64 (Atom 0.3 mode="base64") through Boost's dataflow iterators: white
// space dropped, padding restored, then six bits in, eight out. False when
// a byte is not of the alphabet.
bool DecodeBase64(std::string_view text, std::string* out) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') clean.push_back(c);
  }
  while (!clean.empty() && clean.back() == '=') clean.pop_back();
  if (clean.size() % 4 == 1) return false;
  const std::size_t bytes = clean.size() * 3 / 4;
  clean.append((4 - clean.size() % 4) % 4, 'A');
  using Decoder = boost::archive::iterators::transform_width<
      boost::archive::iterators::binary_from_base64<std::string::const_iterator>, 8, 6>;
  try {
    std::string decoded(Decoder(clean.cbegin()), Decoder(clean.cend()));
    decoded.resize(std::min(bytes, decoded.size()));
    *out = std::move(decoded);
  } catch (const boost::archive::iterators::dataflow_exception&) {
    return false;  // a byte outside the alphabet
  }
  return true;
}

// The character data of a text construct: decoded first when it was given
// in base64; kept as it is (with a warning) when that does not decode.
std::string ConstructData(pugi::xml_node node, ParseContext& ctx) {
  std::string text = NodeText(node);
  if (!NameIs(Trim(Attribute(node, "mode")), "base64")) return text;
  std::string decoded;
  if (!DecodeBase64(text, &decoded)) {
    ctx.Warn("<" + CleanUtf8(std::string_view(node.name()).substr(0, 40)) +
             "> in mode=\"base64\" is not base64; kept as text");
    return text;
  }
  std::string clean = CleanUtf8(decoded);
  if (clean != decoded) ctx.Warn("base64 text is not valid UTF-8; bad bytes replaced");
  return clean;
}

bool IsHtmlType(std::string_view type) {
  return NameIs(type, "html") || NameIs(type, "text/html") || NameIs(type, "escaped");
}
bool IsXhtmlType(std::string_view type) {
  return NameIs(type, "xhtml") || NameIs(type, "application/xhtml+xml") || NameIs(type, "xml");
}

// The markup of xhtml content without its <div> wrapper.
std::string XhtmlInner(pugi::xml_node node) {
  pugi::xml_node first;
  int elements = 0;
  for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element) {
      if (!first) first = child;
      ++elements;
    } else if (child.type() == pugi::node_pcdata && !Trim(child.value()).empty()) {
      elements = 2;  // text beside the div: not a plain wrapper
    }
  }
  std::string_view name = first ? std::string_view(first.name()) : std::string_view();
  std::size_t colon = name.find(':');
  if (colon != std::string_view::npos) name.remove_prefix(colon + 1);
  if (elements == 1 && NameIs(name, "div")) return InnerXml(first);
  return InnerXml(node);
}

}  // namespace

ParseContext::ParseContext(const ParseOptions& options, std::vector<std::string>* warnings)
    : warnings_(warnings), names_(warnings), base_(options.feed_url) {}

void ParseContext::UseLinkAsBase(std::string_view link) {
  if (!base_.valid() && HasScheme(link)) base_ = UrlResolver(link);
}

std::string ParseContext::Clean(std::string text) const {
  if (!clean_strings_) return text;
  bool controls = false;
  if (CountInvalidUtf8(text, &controls) == 0 && !controls) return text;
  return CleanUtf8(text);
}

std::string ParseContext::PlainText(std::string_view raw) const {
  raw = Trim(raw);
  if (raw.find('&') == std::string_view::npos) return Clean(std::string(raw));
  std::string decoded = DecodeHtmlEntities(raw);
  std::string_view trimmed = Trim(decoded);
  if (trimmed.size() != decoded.size()) {
    decoded.erase(static_cast<std::size_t>(trimmed.data() + trimmed.size() - decoded.data()));
    decoded.erase(0, static_cast<std::size_t>(trimmed.data() - decoded.data()));
  }
  return Clean(std::move(decoded));
}

std::string ParseContext::Html(std::string raw, const UrlResolver& base, bool escaped_by_us) {
  if (!escaped_by_us && LooksEscapedTwice(raw)) {
    if (!warned_double_escape_) {
      warned_double_escape_ = true;
      Warn("HTML escaped twice; unescaped once");
    }
    raw = DecodeHtmlEntities(raw);
  }
  return Clean(AbsolutizeHtmlUrls(std::move(raw), base));
}

std::string ParseContext::Url(std::string_view raw, const UrlResolver& base) const {
  raw = Trim(raw);
  if (raw.empty()) return {};
  if (raw.find('&') != std::string_view::npos) {
    std::string decoded = DecodeHtmlEntities(raw);
    return Clean(base.Resolve(decoded));
  }
  return Clean(base.Resolve(raw));
}

std::optional<Timestamp> ParseContext::Date(std::string_view raw, std::string_view where) {
  raw = Trim(raw);
  if (raw.empty()) return std::nullopt;
  auto date = ParseFeedDate(raw);
  if (!date) {
    Warn(std::string(where) + ": unreadable date \"" + CleanUtf8(raw.substr(0, 80)) + "\"");
  }
  return date;
}

std::string ParseContext::PlainTextOf(pugi::xml_node node) const {
  std::string storage;
  return PlainText(NodeTextView(node, &storage));
}

std::string ParseContext::UrlOf(pugi::xml_node node, const UrlResolver& base) const {
  std::string storage;
  return Url(NodeTextView(node, &storage), base);
}

std::optional<Timestamp> ParseContext::DateOf(pugi::xml_node node, std::string_view where) {
  std::string storage;
  return Date(NodeTextView(node, &storage), where);
}

std::optional<UrlResolver> ParseContext::XmlBaseFor(pugi::xml_node node) const {
  if (!MayHaveXmlBase()) return std::nullopt;
  std::vector<std::string_view> chain;
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    if (!holders_.MayHold(n)) continue;
    pugi::xml_attribute attr = n.attribute("xml:base");
    if (attr) chain.emplace_back(attr.value());
  }
  if (chain.empty()) return std::nullopt;
  std::string current = base_.base();
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    UrlResolver outer(current);
    current = outer.valid() ? outer.Resolve(*it) : std::string(Trim(*it));
  }
  return UrlResolver(current);
}

void ParseContext::Warn(std::string message) {
  // A hostile document could produce one warning per item; keep the list short.
  constexpr std::size_t kMaxWarnings = 100;
  if (warnings_->size() < kMaxWarnings) {
    warnings_->push_back(std::move(message));
  } else if (warnings_->size() == kMaxWarnings) {
    warnings_->push_back("more warnings omitted");
  }
}

std::optional<std::int64_t> ParseLength(std::string_view text) {
  text = Trim(text);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

std::string LanguageTag(std::string text) {
  std::replace(text.begin(), text.end(), '_', '-');
  return text;
}

std::string AuthorDisplayName(std::string_view text) {
  text = Trim(text);
  // "jo@example.org (Jo Smith)"
  std::size_t open = text.find('(');
  if (open != std::string_view::npos && text.back() == ')' &&
      text.substr(0, open).find('@') != std::string_view::npos) {
    std::string_view name = Trim(text.substr(open + 1, text.size() - open - 2));
    if (!name.empty()) return std::string(name);
  }
  return std::string(text);
}

std::string TextConstructHtml(pugi::xml_node node, ParseContext& ctx) {
  std::string_view type = TypeOf(node);
  if (IsXhtmlType(type) || HasElementChildren(node)) return XhtmlInner(node);
  if (IsHtmlType(type)) return ConstructData(node, ctx);
  return EscapeHtml(ConstructData(node, ctx));
}

bool TextConstructIsText(pugi::xml_node node) {
  std::string_view type = TypeOf(node);
  return !IsXhtmlType(type) && !HasElementChildren(node) && !IsHtmlType(type);
}

std::string TextConstructText(pugi::xml_node node, ParseContext& ctx) {
  std::string_view type = TypeOf(node);
  if (IsXhtmlType(type) || HasElementChildren(node)) return NodeText(node);
  if (IsHtmlType(type)) return HtmlToText(ConstructData(node, ctx));
  return ConstructData(node, ctx);
}

}  // namespace tributary::feeds
