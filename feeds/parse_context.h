// State shared by the dialect parsers (RSS, Atom) during one ParseFeed
// call: the namespace resolver, the base URL, the warnings list and the
// field clean-up rules. Internal to feeds/; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/time.h"
#include "feeds/parsed_feed.h"
#include "feeds/parser.h"
#include "feeds/url.h"
#include "feeds/xml_util.h"

namespace tributary::feeds {

class ParseContext {
 public:
  ParseContext(const ParseOptions& options, std::vector<std::string>* warnings);
  // names_ points at holders_.
  ParseContext(const ParseContext&) = delete;
  ParseContext& operator=(const ParseContext&) = delete;

  NameResolver& names() { return names_; }
  // Which elements carry xmlns and xml: attributes, once they are known.
  void set_xml_attribute_holders(XmlAttributeHolders holders) {
    holders_ = std::move(holders);
    names_.set_holders(&holders_);
  }
  const UrlResolver& base() const { return base_; }
  // When the feed URL is unknown, the document's own link becomes the base.
  void UseLinkAsBase(std::string_view link);
  // Every string is re-validated when the document holds numeric
  // character references (pugixml emits what they say, valid or not).
  void set_clean_strings(bool clean) { clean_strings_ = clean; }

  // Plain text: HTML entities decoded (feeds use &nbsp; and escape twice),
  // trimmed, valid UTF-8 without controls.
  std::string PlainText(std::string_view raw) const;
  // HTML: relative URLs resolved; markup escaped twice by the feed is
  // unescaped once, unless `escaped_by_us` (text we escaped into HTML).
  std::string Html(std::string raw, const UrlResolver& base, bool escaped_by_us = false);
  // An absolute URL (entities decoded, trimmed).
  std::string Url(std::string_view raw, const UrlResolver& base) const;
  // The feed date in `raw`; warns naming `where` when it cannot be read.
  std::optional<Timestamp> Date(std::string_view raw, std::string_view where);

  // The same, of an element's text (NodeText), without copying it first.
  std::string PlainTextOf(pugi::xml_node node) const;
  std::string UrlOf(pugi::xml_node node, const UrlResolver& base) const;
  std::optional<Timestamp> DateOf(pugi::xml_node node, std::string_view where);

  // The base for `node`: xml:base attributes from the root down to `node`
  // applied over base(); nullopt when there are none.
  std::optional<UrlResolver> XmlBaseFor(pugi::xml_node node) const;
  // False when the document is known to have no xml:base attribute.
  bool MayHaveXmlBase() const { return holders_.MayHaveXmlBase(); }

  void Warn(std::string message);

  // Offset of the last item/entry element in the parsed buffer, so that
  // ParseFeed can tell whether a truncated document cut it.
  void set_last_item_offset(std::ptrdiff_t offset) { last_item_offset_ = offset; }
  std::ptrdiff_t last_item_offset() const { return last_item_offset_; }

 private:
  std::string Clean(std::string text) const;

  std::vector<std::string>* warnings_;
  XmlAttributeHolders holders_;
  NameResolver names_;
  UrlResolver base_;
  bool clean_strings_ = false;
  bool warned_double_escape_ = false;
  std::ptrdiff_t last_item_offset_ = -1;
};

// The display form of an RSS author: "jo@example.org (Jo Smith)" -> "Jo
// Smith"; anything else as it is.
std::string AuthorDisplayName(std::string_view text);

// An enclosure's length attribute (RSS length, Atom length, Media RSS
// fileSize): a non-negative decimal, trimmed; nullopt for anything else.
std::optional<std::int64_t> ParseLength(std::string_view text);

// A language tag as BCP 47 writes it: "en_US" -> "en-US" (feedparser's
// normalisation); trimmed.
std::string LanguageTag(std::string text);

// Text construct (Atom title/summary/content, plus RSS fields) as HTML or
// as plain text, by its declared type.
// mode="base64" (Atom 0.3) is decoded first; a failure is a warning.
std::string TextConstructHtml(pugi::xml_node node, ParseContext& ctx);
// True when TextConstructHtml escaped plain text (type="text").
bool TextConstructIsText(pugi::xml_node node);
std::string TextConstructText(pugi::xml_node node, ParseContext& ctx);

// Parses an <rss> (0.9x/2.0) or <rdf:RDF> (RSS 0.90/1.0) document.
void ParseRss(pugi::xml_node root, bool rdf, ParseContext& ctx, ParsedFeed* out);
// Parses an Atom 0.3 or 1.0 <feed>.
void ParseAtom(pugi::xml_node root, ParseContext& ctx, ParsedFeed* out);
// Parses a CDF <CHANNEL>.
void ParseCdf(pugi::xml_node root, ParseContext& ctx, ParsedFeed* out);

}  // namespace tributary::feeds
