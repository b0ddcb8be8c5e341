// ParseFeed: decode the bytes, recognise the format, recover what sloppy
// XML allows, and hand the tree to the dialect parser.
#include "feeds/parser.h"

#include <algorithm>
#include <array>
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

// The bytes an entity name is read from: ASCII letters and digits.
constexpr std::array<bool, 256> kNameChars = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[static_cast<std::size_t>(c)] =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
  return table;
}();
bool IsNameChar(char c) { return kNameChars[static_cast<unsigned char>(c)]; }

// What decoding the document's references found.
struct ReferenceReport {
  static constexpr std::size_t kNamesKept = 5;
  std::vector<std::string> undefined;  // HTML names XML does not define
  // A kept name of up to seven bytes and its ';' as a word, and the mask
  // of its bytes (zero for longer names): escaped HTML repeats &nbsp; and
  // &mdash;, and SeenAgain tells them by one compare each.
  std::uint64_t keys[kNamesKept] = {};
  std::uint64_t key_masks[kNamesKept] = {};
  std::size_t undefined_count = 0;
  std::size_t bare_ampersands = 0;
  bool numeric_references = false;
  bool nul_references = false;

  // Whether the eight bytes at `name` start with a kept name and its ';':
  // then it is counted again, without reading the name byte by byte.
  bool SeenAgain(const char* name) {
    if constexpr (std::endian::native != std::endian::little) return false;
    std::uint64_t word;
    std::memcpy(&word, name, sizeof word);
    for (std::size_t i = 0; i < undefined.size(); ++i) {
      if (key_masks[i] != 0 && (word & key_masks[i]) == keys[i]) {
        ++undefined_count;
        return true;
      }
    }
    return false;
  }
};

// Counts an undefined entity `name` and keeps the first few distinct ones.
void NoteUndefined(std::string_view name, ReferenceReport* report) {
  ++report->undefined_count;
  if (report->undefined.size() == ReferenceReport::kNamesKept ||
      std::find(report->undefined.begin(), report->undefined.end(), name) !=
          report->undefined.end()) {
    return;
  }
  const std::size_t kept = report->undefined.size();
  if (name.size() <= 7) {
    std::uint64_t key = std::uint64_t{';'} << (8 * name.size());
    for (std::size_t i = 0; i < name.size(); ++i) {
      key |= static_cast<std::uint64_t>(static_cast<unsigned char>(name[i])) << (8 * i);
    }
    const std::size_t bytes = name.size() + 1;
    report->key_masks[kept] =
        bytes == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * bytes)) - 1;
    report->keys[kept] = key;
  }
  report->undefined.emplace_back(name);
}

// Reads the character reference whose '#' is at `hash` ("#65;", "#x41;"),
// in a NUL-terminated text before `limit`: past its ';', or nullptr when it
// is not one (then it stays text, as pugixml leaves it).
const char* ReadCharacterReference(const char* hash, const char* limit, char32_t* code_point) {
  const bool hex = hash[1] == 'x';  // XML: a lower-case x only
  const char* digits = hash + (hex ? 2 : 1);
  const char* q = digits + ReadCodePointDigits(
                               std::string_view(digits, static_cast<std::size_t>(limit - digits)),
                               hex, code_point);
  return q > digits && *q == ';' ? q + 1 : nullptr;
}

// Writes `cp` as UTF-8 at `out` and returns the end. NUL, surrogates and
// code points past U+10FFFF become U+FFFD; other controls are written as
// they are and removed with the rest of the document's (clean strings).
char* WriteCodePoint(char32_t cp, char* out) {
  if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = 0xFFFD;
  return EncodeUtf8(cp, out);
}

// `text` as the little-endian word its bytes make.
constexpr std::uint64_t Word(std::string_view text) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    value |= static_cast<std::uint64_t>(static_cast<unsigned char>(text[i])) << (8 * i);
  }
  return value;
}

// The character one of the five XML entities at `name` stands for, with
// the length of the name and its ';'; 0 when it is not one of them. Where
// eight bytes are left before `limit` they are compared as one word, with
// no branch per name to mispredict: escaped HTML is mostly &lt; and &gt;.
[[gnu::always_inline]] inline char XmlEntityAt(const char* name, const char* limit,
                                               std::size_t* length) {
  if (std::endian::native == std::endian::little && limit - name >= 8) {
    std::uint64_t w;
    std::memcpy(&w, name, sizeof w);
    const std::uint64_t w3 = w & 0xFFFFFF;
    const std::uint64_t w4 = w & 0xFFFFFFFF;
    const std::uint64_t w5 = w & 0xFFFFFFFFFF;
    const unsigned kind = (w3 == Word("lt;") ? 1U : 0U) | (w3 == Word("gt;") ? 2U : 0U) |
                          (w4 == Word("amp;") ? 3U : 0U) | (w5 == Word("quot;") ? 4U : 0U) |
                          (w5 == Word("apos;") ? 5U : 0U);
    static constexpr char kChars[] = {0, '<', '>', '&', '"', '\''};
    static constexpr unsigned char kLengths[] = {0, 3, 3, 4, 5, 5};
    *length = kLengths[kind];
    return kChars[kind];
  }
  auto is = [&](std::string_view entity) {
    return std::strncmp(name, entity.data(), entity.size()) == 0;
  };
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"quot;", '"'}, {"apos;", '\''}};
  for (const auto& [entity, c] : kEntities) {
    if (is(entity)) {
      *length = entity.size();
      return c;
    }
  }
  return 0;
}

// Where decoding a reference leaves the input and the output.
struct Decoded {
  const char* in;
  char* out;
};
// A character reference, an undefined name or a bare '&' at `name`, the
// byte after the '&'.
[[gnu::noinline]] Decoded DecodeOtherReference(const char* name, const char* limit, char* out,
                                               ReferenceReport* report) {
  *out = '&';
  char32_t cp = 0;
  if (*name == '#') {
    if (const char* past = ReadCharacterReference(name, limit, &cp)) {
      report->numeric_references = true;
      if (cp == 0) report->nul_references = true;
      return {past, WriteCodePoint(cp, out)};
    }
  } else if (limit - name >= 8 && report->SeenAgain(name)) {
    return {name, out + 1};
  }
  const char* q = name;
  while (q - name < 40 && IsNameChar(*q)) ++q;
  if (q == name || *q != ';') {
    ++report->bare_ampersands;
  } else {
    NoteUndefined(std::string_view(name, static_cast<std::size_t>(q - name)), report);
  }
  return {name, out + 1};
}

// Decodes the reference at `amp` (an '&' in a NUL-terminated text) into
// `out`: one of the five XML entities or a character reference becomes
// what it stands for; an undefined name or a bare '&' stays as it is and
// is noted in `report` (the HTML decoding of plain-text fields reads the
// names later).
[[gnu::always_inline]] inline Decoded DecodeReference(const char* amp, const char* limit, char* out,
                                                      ReferenceReport* report) {
  const char* name = amp + 1;
  std::size_t length = 0;
  if (const char c = XmlEntityAt(name, limit, &length); c != 0) {
    *out = c;
    return {name + length, out + 1};
  }
  return DecodeOtherReference(name, limit, out, report);
}

// Decodes the references of the NUL-terminated `text` in place, through
// `scratch`; a reference is never shorter than what it decodes to. Reads
// up to `limit`, the end of the buffer the text lies in.
void DecodeReferences(char* text, const char* limit, ReferenceReport* report,
                      std::string* scratch) {
  char* first = std::strchr(text, '&');
  if (first == nullptr) return;
  const std::size_t size = std::strlen(first);
  if (scratch->size() < size + 128) scratch->resize(size + 128);
  char* out = scratch->data();
  const char* in = first;
#if defined(TRIBUTARY_SIMD_BLOCKS)
  // A block of 64 bytes at a time: its references in turn, and the text
  // between them copied 64 bytes at a time, so that escaped HTML, with a
  // reference every few bytes, costs no mispredicted branch per reference.
  while (limit - in >= 128) {
    std::size_t pos = 0;
    bool ended = false;
    for (std::uint64_t stops = simd::ReferenceStops(in); stops != 0; stops &= stops - 1) {
      const auto at = static_cast<std::size_t>(__builtin_ctzll(stops));
      if (at < pos) continue;  // inside a reference already read
      simd::Copy64(out, in + pos);
      out += at - pos;
      if (in[at] == '\0') {
        ended = true;
        pos = at;
        break;
      }
      const Decoded next = DecodeReference(in + at, limit, out, report);
      out = next.out;
      pos = static_cast<std::size_t>(next.in - in);
      if (pos >= 64) break;
    }
    if (!ended && pos < 64) {
      simd::Copy64(out, in + pos);
      out += 64 - pos;
      pos = 64;
    }
    in += pos;
    if (ended) break;
  }
#endif
  while (*in != '\0') {
    if (*in == '&') {
      const Decoded next = DecodeReference(in, limit, out, report);
      in = next.in;
      out = next.out;
    } else {
      *out++ = *in++;
    }
  }
  const auto decoded = static_cast<std::size_t>(out - scratch->data());
  std::memcpy(first, scratch->data(), decoded);
  first[decoded] = '\0';
}

// One walk over the tree parsed in place in `buffer`: decodes the
// references of every text and attribute value (pugixml was told to leave
// them, so that what they were is still there to see) and measures the
// nesting, stopping once it passes `limit`. pugixml walks the tree itself
// and calls back once per node, about half the cost of walking it through
// first_child/next_sibling/parent.
class DocumentWalker final : public pugi::xml_tree_walker {
 public:
  DocumentWalker(std::string_view buffer, int limit, ReferenceReport* report)
      : buffer_(buffer), limit_(limit), report_(report) {}
  bool for_each(pugi::xml_node& node) override {
    const int node_depth = depth() + 1;  // pugixml counts the root's children as 0
    if (node_depth > max_depth_) max_depth_ = node_depth;
    const pugi::xml_node_type type = node.type();
    if (type == pugi::node_pcdata) {
      Decode(node.value());
    } else if (type == pugi::node_element) {
      bool holder = false;
      for (pugi::xml_attribute attribute = node.first_attribute(); attribute;
           attribute = attribute.next_attribute()) {
        Decode(attribute.value());
        const char* name = attribute.name();
        if (name[0] == 'x' && name[1] == 'm' && name[2] == 'l') {
          holder = true;
          if (std::strcmp(name + 3, ":base") == 0) holders_.NoteXmlBase();
        }
      }
      if (holder) holders_.Add(node);
    }
    return max_depth_ <= limit_;  // stop as soon as the limit is passed
  }
  int max_depth() const { return max_depth_; }
  // The elements with attributes named xml... (xmlns, xml:base, xml:lang).
  XmlAttributeHolders TakeHolders(pugi::xml_node root) {
    holders_.Complete(root);
    return std::move(holders_);
  }

 private:
  // Only strings in the buffer are written; an empty value is pugixml's own.
  void Decode(const char* value) {
    if (value >= buffer_.data() && value < buffer_.data() + buffer_.size()) {
      DecodeReferences(const_cast<char*>(value), buffer_.data() + buffer_.size(), report_,
                       &scratch_);
    }
  }

  std::string_view buffer_;
  int limit_;
  ReferenceReport* report_;
  std::string scratch_;
  XmlAttributeHolders holders_;
  int max_depth_ = 0;
};

void WarnAboutEntities(const ReferenceReport& report, ParseContext& ctx) {
  if (report.undefined_count > 0) {
    std::string names;
    for (const std::string& name : report.undefined)
      names += (names.empty() ? "&" : ", &") + name + ";";
    ctx.Warn("undefined XML entities decoded as HTML: " + names +
             (report.undefined_count > report.undefined.size()
                  ? " (" + std::to_string(report.undefined_count) + " in all)"
                  : ""));
  }
  if (report.bare_ampersands > 0) {
    ctx.Warn(std::to_string(report.bare_ampersands) + " bare & characters read as text");
  }
  if (report.nul_references) ctx.Warn("&#0; character references replaced with U+FFFD");
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view lower) {
  return text.size() >= lower.size() && NameIs(text.substr(0, lower.size()), lower);
}

// An HTML page: its first element is <html>. A doctype says nothing on its
// own (feeds are served behind XHTML doctypes too; feedparser strips them
// and reads on): only the element after it decides. A bare HTML5 doctype
// with no element in the first KB is a page all the same, and so is one
// followed by <head> or <body>. `*html_doctype` is the offset of an HTML
// doctype seen before the first element, npos when there is none.
bool LooksLikeHtml(std::string_view doc, std::size_t* html_doctype) {
  std::string_view head = doc.substr(0, 1024);
  *html_doctype = std::string_view::npos;
  for (std::size_t pos = head.find('<'); pos != std::string_view::npos;
       pos = head.find('<', pos + 1)) {
    std::string_view tag = head.substr(pos + 1);
    if (StartsWithIgnoreCase(tag, "!doctype html")) {
      *html_doctype = pos;
      continue;
    }
    if (tag.empty() || tag[0] == '!' || tag[0] == '?') continue;
    const bool doctype = *html_doctype != std::string_view::npos;
    return StartsWithIgnoreCase(tag, "html") ||
           (doctype && (StartsWithIgnoreCase(tag, "head") || StartsWithIgnoreCase(tag, "body")));
  }
  return *html_doctype != std::string_view::npos;
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
  std::size_t html_doctype = std::string::npos;
  if (LooksLikeHtml(doc, &html_doctype)) return NotAFeedFromHtml(doc, options);
  ParseContext ctx(options, &out.warnings);
  if (html_doctype != std::string::npos) {
    // Blanked rather than cut, so that offsets stay those of the document:
    // pugixml reads only an upper-case <!DOCTYPE, and HTML's says nothing
    // a feed needs.
    std::size_t end = doc.find('>', html_doctype);
    if (end != std::string::npos) {
      std::fill(doc.begin() + static_cast<std::ptrdiff_t>(html_doctype),
                doc.begin() + static_cast<std::ptrdiff_t>(end) + 1, ' ');
    }
    ctx.Warn("HTML doctype before the feed's root element ignored");
  }
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

  pugi::xml_document document;
  // XML says newlines are LF (parse_eol). References are decoded by
  // DocumentWalker below, not by pugixml, which would decode the five XML
  // entities and leave an undefined one or a bare '&' as the same '&'.
  pugi::xml_parse_result parsed =
      document.load_buffer_inplace(doc.data() + first, doc.size() - first,
                                   pugi::parse_default & ~pugi::parse_escapes, pugi::encoding_utf8);
  ReferenceReport report;
  DocumentWalker walker(doc, kMaxDepth, &report);
  document.traverse(walker);
  WarnAboutEntities(report, ctx);
  ctx.set_xml_attribute_holders(walker.TakeHolders(document.document_element()));
  // A character reference may name a control character, and a text cut
  // by a parse error may end inside a character.
  ctx.set_clean_strings(report.numeric_references || parsed.status != pugi::status_ok);
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
  if (walker.max_depth() > kMaxDepth) {
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
  bool cdf = NameIs(root_local, "channel");  // CDF writes its names in capitals
  if (!rss && !rdf && !atom && !cdf) {
    return Error{ErrorCode::kNotAFeed,
                 "root element <" + CleanUtf8(std::string_view(root_name).substr(0, 60)) +
                     "> is not rss, rdf:RDF or feed",
                 options.feed_url};
  }
  if (!lowercase && root_local != "RDF" && !cdf) {
    ctx.Warn("upper-case element names read as lower-case");
  }

  if (rss || rdf) {
    ParseRss(root, rdf, ctx, &out);
  } else if (cdf) {
    ParseCdf(root, ctx, &out);
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
