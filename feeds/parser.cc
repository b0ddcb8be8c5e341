// ParseFeed: decode the bytes, recognise the format, recover what sloppy
// XML allows, and hand the tree to the dialect parser.
#include "feeds/parser.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <pugixml.hpp>
#include <string>
#include <utility>

#include "feeds/charset.h"
#include "feeds/discover.h"
#include "feeds/entities.h"
#include "feeds/json_feed_parser.h"
#include "feeds/parse_context.h"
#include "feeds/simd.h"
#include "feeds/xml_util.h"

namespace tributary::feeds {
namespace {

constexpr int kMaxDepth = 256;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// What a pass over the raw XML found about its entity references.
struct EntityScan {
  std::vector<std::string> undefined;  // HTML names XML does not define
  std::size_t undefined_count = 0;
  std::size_t bare_ampersands = 0;
  bool numeric_references = false;
  bool nul_references = false;
};

// Calls visit(p) for each '&' and each "<!" in [begin, end), in order;
// visit returns where to go on from, so it can skip a CDATA section or a
// comment. Escaped HTML has an '&' every few bytes, too dense for a memchr
// call per hit; a bitmask per 64 bytes is cheap whether they are dense or
// rare, and mispredicts the end of its loop a quarter as often as one per
// 16 bytes.
template <typename Visit>
void ForEachMark(const char* begin, const char* end, Visit visit) {
  const char* p = begin;
  const char* resume = begin;
#if defined(TRIBUTARY_SIMD_BLOCKS)
  static const simd::MarkClassifier marks = simd::BestMarkClassifier();
  // The classifier looks past the block: a "<!" may straddle two blocks.
  while (end - p >= 64 + simd::kMarkLookahead) {
    for (std::uint64_t mask = marks(p); mask != 0; mask &= mask - 1) {
      const char* q = p + __builtin_ctzll(mask);
      if (q >= resume) resume = visit(q);
    }
    p = std::max(p + 64, resume);
  }
#endif
  for (p = std::max(p, resume); p < end;) {
    p = (*p == '&' || (*p == '<' && end - p > 1 && p[1] == '!')) ? visit(p) : p + 1;
  }
}

// Past the CDATA section or comment that starts at `p` ("<!"), or past
// the "<!" of anything else (a doctype); `end` if it never ends. Their
// '&'s are text, not references.
const char* SkipMarkup(const char* p, const char* end) {
  std::string_view rest(p, static_cast<std::size_t>(end - p));
  std::string_view close;
  std::size_t from = 0;
  if (rest.starts_with("<![CDATA[")) {
    close = "]]>";
    from = 9;
  } else if (rest.starts_with("<!--")) {
    close = "-->";
    from = 4;
  } else {
    return p + 2;
  }
  std::size_t at = rest.find(close, from);
  return at == std::string_view::npos ? end : p + at + close.size();
}

// `text` as the little-endian word its bytes make.
constexpr std::uint64_t Word(std::string_view text) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    value |= static_cast<std::uint64_t>(static_cast<unsigned char>(text[i])) << (8 * i);
  }
  return value;
}
constexpr std::uint64_t kLt = Word("lt;");
constexpr std::uint64_t kGt = Word("gt;");
constexpr std::uint64_t kAmp = Word("amp;");
constexpr std::uint64_t kQuot = Word("quot;");
constexpr std::uint64_t kApos = Word("apos;");

// Whether [name, end) starts with "lt;", "gt;", "amp;", "quot;" or "apos;":
// nearly every reference in escaped HTML, told apart without reading a
// name. Where eight bytes are left they are compared as one word, with no
// branch per name to mispredict.
bool IsXmlEntityReference(const char* name, const char* end) {
  auto is = [&](std::string_view text) {
    return static_cast<std::size_t>(end - name) >= text.size() &&
           std::memcmp(name, text.data(), text.size()) == 0;
  };
  if constexpr (std::endian::native == std::endian::little) {
    if (end - name >= 8) {
      std::uint64_t w;
      std::memcpy(&w, name, sizeof w);
      const std::uint64_t w3 = w & 0xFFFFFF;
      const std::uint64_t w4 = w & 0xFFFFFFFF;
      const std::uint64_t w5 = w & 0xFFFFFFFFFF;
      return static_cast<bool>((w3 == kLt) | (w3 == kGt) | (w4 == kAmp) | (w5 == kQuot) |
                               (w5 == kApos));
    }
  }
  if (name >= end) return false;
  switch (*name) {
    case 'l':
      return is("lt;");
    case 'g':
      return is("gt;");
    case 'a':
      return is("amp;") || is("apos;");
    case 'q':
      return is("quot;");
    default:
      return false;
  }
}

// std::string == std::string_view calls memcmp; every HTML name (&eacute;
// &mdash; ...) is compared with up to five seen ones, and an inline loop
// over a handful of bytes is cheaper than those calls.
bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Past the ';' of the &#0; reference (any number of zeros, decimal or
// hex) whose '#' is at `hash`, or nullptr when there is none there.
const char* NulReferenceEnd(const char* hash, const char* end) {
  const char* q = hash + 1;
  if (q < end && (*q == 'x' || *q == 'X')) ++q;
  const char* digits = q;
  while (q < end && *q == '0') ++q;
  return q > digits && q < end && *q == ';' ? q + 1 : nullptr;
}

// One pass over the references of the document, outside CDATA sections
// and comments.
EntityScan ScanEntities(std::string_view doc) {
  EntityScan scan;
  const char* begin = doc.data();
  const char* end = begin + doc.size();
  ForEachMark(begin, end, [&](const char* p) -> const char* {
    if (*p == '<') return SkipMarkup(p, end);
    const char* name = p + 1;
    if (IsXmlEntityReference(name, end)) return name;
    if (name < end && *name == '#') {
      scan.numeric_references = true;
      if (NulReferenceEnd(name, end) != nullptr) scan.nul_references = true;
      return name;
    }
    const char* q = name;
    while (q < end && q - name < 40 && IsNameChar(*q)) ++q;
    if (q == name || q >= end || *q != ';') {
      ++scan.bare_ampersands;
      return name;
    }
    // Not one of the five XML names: IsXmlEntityReference said so.
    std::string_view entity(name, static_cast<std::size_t>(q - name));
    ++scan.undefined_count;
    if (scan.undefined.size() < 5 &&
        std::none_of(scan.undefined.begin(), scan.undefined.end(),
                     [&](const std::string& seen) { return SameName(seen, entity); })) {
      scan.undefined.emplace_back(entity);
    }
    return q + 1;
  });
  return scan;
}

// pugixml decodes &#0; to a NUL that silently truncates the text; make it
// the replacement character instead.
std::string ReplaceNulReferences(std::string_view doc) {
  std::string out;
  out.reserve(doc.size());
  const char* end = doc.data() + doc.size();
  const char* done = doc.data();
  ForEachMark(doc.data(), end, [&](const char* p) -> const char* {
    if (*p == '<') return SkipMarkup(p, end);
    const char* hash = p + 1;
    const char* past = hash < end && *hash == '#' ? NulReferenceEnd(hash, end) : nullptr;
    if (past == nullptr) return hash;
    out.append(done, p);
    out.append("&#xFFFD;");
    done = past;
    return done;
  });
  out.append(done, end);
  return out;
}

void WarnAboutEntities(const EntityScan& scan, ParseContext& ctx) {
  if (scan.undefined_count > 0) {
    std::string names;
    for (const std::string& name : scan.undefined)
      names += (names.empty() ? "&" : ", &") + name + ";";
    ctx.Warn("undefined XML entities decoded as HTML: " + names +
             (scan.undefined_count > scan.undefined.size()
                  ? " (" + std::to_string(scan.undefined_count) + " in all)"
                  : ""));
  }
  if (scan.bare_ampersands > 0) {
    ctx.Warn(std::to_string(scan.bare_ampersands) + " bare & characters read as text");
  }
  if (scan.nul_references) ctx.Warn("&#0; character references replaced with U+FFFD");
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view lower) {
  return text.size() >= lower.size() && NameIs(text.substr(0, lower.size()), lower);
}

// An HTML page: starts with a doctype or <html>, or its root says html.
bool LooksLikeHtml(std::string_view doc) {
  std::string_view head = doc.substr(0, 1024);
  for (std::size_t pos = head.find('<'); pos != std::string_view::npos;
       pos = head.find('<', pos + 1)) {
    std::string_view tag = head.substr(pos + 1);
    if (StartsWithIgnoreCase(tag, "!doctype html") || StartsWithIgnoreCase(tag, "html"))
      return true;
    if (StartsWithIgnoreCase(tag, "rss") || StartsWithIgnoreCase(tag, "feed") ||
        StartsWithIgnoreCase(tag, "rdf:rdf")) {
      return false;
    }
  }
  return false;
}

Error NotAFeedFromHtml(std::string_view doc, const ParseOptions& options) {
  std::vector<DiscoveredFeed> feeds = DiscoverFeeds(doc, options.feed_url);
  std::string message = "this is an HTML page, not a feed";
  if (!feeds.empty()) {
    message += "; it advertises the feed " + feeds.front().url;
    if (feeds.size() > 1) message += " (and " + std::to_string(feeds.size() - 1) + " more)";
  } else {
    message += ", and it advertises no feed";
  }
  return Error{ErrorCode::kNotAFeed, message, options.feed_url};
}

// Whether a closing tag of an item or entry ("</item", "</rss:item",
// "</ENTRY") lies in `window` of the parsed buffer. pugixml parsing in place
// may have overwritten the '<' with a NUL, so either is accepted.
bool HasItemClose(std::string_view window) {
  for (std::size_t pos = window.find('/'); pos != std::string_view::npos;
       pos = window.find('/', pos + 1)) {
    if (pos == 0 || (window[pos - 1] != '<' && window[pos - 1] != '\0')) continue;
    std::size_t end = pos + 1;
    while (end < window.size() && end - pos < 64 &&
           (IsNameChar(window[end]) || window[end] == ':' || window[end] == '-' ||
            window[end] == '_' || window[end] == '.')) {
      ++end;
    }
    std::string_view name = window.substr(pos + 1, end - pos - 1);
    std::size_t colon = name.find(':');
    if (colon != std::string_view::npos) name.remove_prefix(colon + 1);
    if (NameIs(name, "item") || NameIs(name, "entry")) return true;
  }
  return false;
}

// After a parse error pugixml keeps the tree built so far. Elements on the
// path to the last node were never closed: an item among them is cut.
std::vector<pugi::xml_node> OpenElements(const pugi::xml_document& document) {
  std::vector<pugi::xml_node> open;
  for (pugi::xml_node n = document.last_child(); n; n = n.last_child()) {
    if (n.type() == pugi::node_element) open.push_back(n);
  }
  return open;
}

// Non-space text after the last tag: pugixml ignores it silently.
bool HasTrailingText(std::string_view doc) {
  std::size_t last = doc.rfind('>');
  if (last == std::string_view::npos) return false;
  for (std::size_t i = last + 1; i < doc.size(); ++i) {
    if (!IsSpace(doc[i])) return true;
  }
  return false;
}

// `body` is the undecoded response, decoded again only in the rare case of
// an HTML page not recognised before pugixml rewrote `doc` in place.
Result<ParsedFeed> ParseXml(std::string doc, std::string_view body, const ParseOptions& options,
                            ParsedFeed out) {
  if (LooksLikeHtml(doc)) return NotAFeedFromHtml(doc, options);
  ParseContext ctx(options, &out.warnings);
  // Leading junk before the first '<' (a BOM was removed already).
  std::size_t first = doc.find('<');
  if (first == std::string::npos) {
    return Error{ErrorCode::kNotAFeed, "document holds no markup at all", options.feed_url};
  }
  bool junk = false;
  for (std::size_t i = 0; i < first; ++i) junk = junk || !IsSpace(doc[i]);
  if (first > 0) {
    ctx.Warn(junk ? std::to_string(first) + " bytes of junk before the document skipped"
                  : "whitespace before the XML declaration");
  }
  bool trailing_text = HasTrailingText(doc);
  EntityScan scan = ScanEntities(doc);
  WarnAboutEntities(scan, ctx);
  if (scan.nul_references) doc = ReplaceNulReferences(doc);

  pugi::xml_document document;
  // parse_default minus parse_eol would keep CRs; XML says newlines are LF.
  pugi::xml_parse_result parsed = document.load_buffer_inplace(
      doc.data() + first, doc.size() - first, pugi::parse_default, pugi::encoding_utf8);
  // pugixml writes character references as given (surrogates, controls),
  // and a text cut by a parse error may end inside a character.
  ctx.set_clean_strings(scan.numeric_references || parsed.status != pugi::status_ok);
  pugi::xml_node root = document.document_element();
  std::string_view root_name = root ? std::string_view(root.name()) : std::string_view();
  std::size_t colon = root_name.find(':');
  std::string_view root_local =
      colon == std::string_view::npos ? root_name : root_name.substr(colon + 1);
  if (NameIs(root_local, "html")) {
    std::vector<std::string> ignored;
    Result<DecodedDocument> again = DecodeToUtf8(body, options.content_type, &ignored);
    return NotAFeedFromHtml(again ? std::string_view(again->utf8) : std::string_view(), options);
  }
  if (!root) {
    return Error{ErrorCode::kParse,
                 std::string("not XML: ") + parsed.description() + " at byte " +
                     std::to_string(parsed.offset + static_cast<std::ptrdiff_t>(first)),
                 options.feed_url};
  }
  if (MaxDepth(document, kMaxDepth) > kMaxDepth) {
    return Error{
        ErrorCode::kParse,
        "document nested deeper than " + std::to_string(kMaxDepth) + " elements (too_deep)",
        options.feed_url};
  }
  bool lowercase = std::none_of(root_local.begin(), root_local.end(),
                                [](char c) { return c >= 'A' && c <= 'Z'; });
  QName root_q = ctx.names().Resolve(root);
  bool rss = NameIs(root_local, "rss");
  bool rdf = NameIs(root_local, "rdf") && (root_q.ns == Ns::kRdf || root_q.ns == Ns::kNone);
  bool atom = NameIs(root_local, "feed");
  if (!rss && !rdf && !atom) {
    return Error{ErrorCode::kNotAFeed,
                 "root element <" + CleanUtf8(std::string_view(root_name).substr(0, 60)) +
                     "> is not rss, rdf:RDF or feed",
                 options.feed_url};
  }
  if (!lowercase && root_local != "RDF") ctx.Warn("upper-case element names read as lower-case");

  if (rss || rdf) {
    ParseRss(root, rdf, ctx, &out);
  } else {
    ParseAtom(root, ctx, &out);
  }
  if (parsed.status == pugi::status_ok && trailing_text) {
    ctx.Warn("text after the root element ignored");
  }
  if (parsed.status != pugi::status_ok) {
    // ParseRss/ParseAtom ran over the partial tree; now drop the item that was cut.
    std::vector<pugi::xml_node> open = OpenElements(document);
    bool root_open = std::find(open.begin(), open.end(), root) != open.end();
    std::string where = std::string(parsed.description()) + " at byte " +
                        std::to_string(parsed.offset + static_cast<std::ptrdiff_t>(first));
    if (!root_open) {
      ctx.Warn("trailing garbage after the root element ignored (" + where + ")");
    } else {
      // The last item is cut when no closing tag follows its start.
      std::string_view buffer = std::string_view(doc).substr(first);
      auto from = static_cast<std::size_t>(std::max<std::ptrdiff_t>(ctx.last_item_offset(), 0));
      auto to = std::min(static_cast<std::size_t>(std::max<std::ptrdiff_t>(parsed.offset, 0)),
                         buffer.size());
      bool last_cut = !out.items.empty() && ctx.last_item_offset() >= 0 &&
                      (from >= to || !HasItemClose(buffer.substr(from, to - from)));
      if (last_cut) out.items.pop_back();
      ctx.Warn("document truncated or malformed (" + where + "); kept the " +
               std::to_string(out.items.size()) + " complete items before it");
    }
  }
  return out;
}

}  // namespace

Result<ParsedFeed> ParseFeed(std::string_view body, const ParseOptions& options) {
  ParsedFeed out;
  Result<DecodedDocument> decoded = DecodeToUtf8(body, options.content_type, &out.warnings);
  if (!decoded) {
    Error error = decoded.error();
    error.context = options.feed_url;
    return error;
  }
  std::string doc = std::move(decoded->utf8);
  std::size_t first = 0;
  while (first < doc.size() && IsSpace(doc[first])) ++first;
  if (first == doc.size()) {
    return Error{ErrorCode::kNotAFeed, "empty document", options.feed_url};
  }
  if (doc[first] == '{' || doc[first] == '[') {
    ParseContext ctx(options, &out.warnings);
    Result<ParsedFeed> json = ParseJsonFeed(std::string_view(doc).substr(first), ctx);
    if (!json) {
      Error error = json.error();
      error.context = options.feed_url;
      return error;
    }
    json->warnings = std::move(out.warnings);
    return json;
  }
  return ParseXml(std::move(doc), body, options, std::move(out));
}

}  // namespace tributary::feeds
