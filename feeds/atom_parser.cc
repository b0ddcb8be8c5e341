// Atom 1.0 (RFC 4287) and Atom 0.3, with Media RSS enclosures as fallback.
#include <algorithm>
#include <charconv>
#include <string>

#include "common/text.h"
#include "feeds/charset.h"
#include "feeds/parse_context.h"

namespace tributary::feeds {
namespace {

// Atom's own namespaces, none, and `dialect`: the namespace of a <feed
// version="..."> root in a URI of an older draft (feedparser reads such a
// root as Atom whatever its namespace), kNone otherwise.
bool IsAtom(Ns ns, Ns dialect) {
  return ns == Ns::kAtom || ns == Ns::kAtom03 || ns == Ns::kNone || ns == dialect;
}

std::string PersonName(pugi::xml_node person, Ns dialect, ParseContext& ctx) {
  std::string name;
  std::string email;
  std::string uri;
  for (pugi::xml_node child = person.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    QName q = ctx.names().Resolve(child);
    if (!IsAtom(q.ns, dialect)) continue;
    if (q.local == "name" && name.empty())
      name = ctx.PlainTextOf(child);
    else if (q.local == "email" && email.empty())
      email = ctx.PlainTextOf(child);
    else if ((q.local == "uri" || q.local == "url") && uri.empty()) {
      uri = ctx.PlainTextOf(child);
    }
  }
  if (name.empty() && !HasElementChildren(person)) name = ctx.PlainTextOf(person);
  if (!name.empty()) return name;
  return email.empty() ? uri : email;
}

// Rank of an alternate link: rel="alternate" (or none) of an HTML type wins.
int AlternateRank(pugi::xml_node link) {
  std::string_view rel = Trim(Attribute(link, "rel"));
  if (!rel.empty() && rel != "alternate" &&
      rel != "http://www.iana.org/assignments/relation/alternate") {
    return 0;
  }
  std::string_view type = Trim(Attribute(link, "type"));
  if (type.empty() || type == "text/html" || type == "application/xhtml+xml") return 2;
  return 1;
}

void AddEnclosure(std::string url, std::string type, std::optional<std::int64_t> length,
                  ParsedItem* item) {
  if (url.empty()) return;
  for (const Enclosure& existing : item->enclosures) {
    if (existing.url == url) return;
  }
  item->enclosures.push_back({std::move(url), std::move(type), length});
}

const UrlResolver& BaseOf(pugi::xml_node node, ParseContext& ctx, const UrlResolver& outer,
                          std::optional<UrlResolver>* storage) {
  if (!ctx.MayHaveXmlBase() || !node.attribute("xml:base")) return outer;
  *storage = ctx.XmlBaseFor(node);
  return storage->has_value() ? **storage : outer;
}

// The elements of one entry that ReadEntry uses; the first of each wins.
struct EntryParts {
  pugi::xml_node title, id, alternate, author, published, updated, summary, content;
  int alternate_rank = 0;
  std::vector<pugi::xml_node> media;
};

void CollectMedia(pugi::xml_node child, std::string_view local, ParseContext& ctx,
                  EntryParts& parts) {
  if (local == "content") parts.media.push_back(child);
  if (local != "group") return;
  for (pugi::xml_node m : child.children()) {
    if (m.type() == pugi::node_element && ctx.names().Resolve(m).local == "content") {
      parts.media.push_back(m);
    }
  }
}

void KeepFirst(pugi::xml_node& slot, pugi::xml_node child) {
  if (!slot) slot = child;
}

// One Atom child of an entry: noted in `parts`, or (categories and
// enclosures) added to `item` at once.
void ClassifyEntryChild(pugi::xml_node child, std::string_view local, ParseContext& ctx,
                        const UrlResolver& base, EntryParts& parts, ParsedItem& item) {
  if (local == "title") {
    KeepFirst(parts.title, child);
  } else if (local == "id") {
    KeepFirst(parts.id, child);
  } else if (local == "author") {
    KeepFirst(parts.author, child);
  } else if (local == "published" || local == "issued" || local == "created") {
    KeepFirst(parts.published, child);
  } else if (local == "updated" || local == "modified") {
    KeepFirst(parts.updated, child);
  } else if (local == "summary") {
    KeepFirst(parts.summary, child);
  } else if (local == "content") {
    KeepFirst(parts.content, child);
  } else if (local == "category") {
    // The term is the category; the label is only its display form (a
    // category with a label and no term has none, as in feedparser).
    std::string text = ctx.PlainText(Attribute(child, "term"));
    if (text.empty()) text = ctx.PlainTextOf(child);  // Atom 0.3 / sloppy
    item.categories.push_back(std::move(text));
  } else if (local == "link") {
    std::string_view rel = Trim(Attribute(child, "rel"));
    if (rel == "enclosure") {
      std::optional<UrlResolver> link_base;
      AddEnclosure(ctx.Url(Attribute(child, "href"), BaseOf(child, ctx, base, &link_base)),
                   ctx.PlainText(Attribute(child, "type")), ParseLength(Attribute(child, "length")),
                   &item);
    } else if (int rank = AlternateRank(child); rank > parts.alternate_rank) {
      parts.alternate = child;
      parts.alternate_rank = rank;
    }
  }
}

// Inline content, or (out of line, with src) the link when there is none.
void ReadContent(pugi::xml_node content, ParseContext& ctx, const UrlResolver& base,
                 ParsedItem& item) {
  std::optional<UrlResolver> content_base;
  const UrlResolver& cbase = BaseOf(content, ctx, base, &content_base);
  std::string_view src = Attribute(content, "src");
  if (!src.empty()) {
    if (item.link.empty()) item.link = ctx.Url(src, cbase);
  } else {
    item.content = ctx.Html(TextConstructHtml(content, ctx), cbase, TextConstructIsText(content));
  }
}

// Drops empty and repeated categories, keeping the first of each.
void DedupCategories(ParsedItem& item) {
  std::vector<std::string> categories;
  for (std::string& c : item.categories) {
    if (!c.empty() && std::find(categories.begin(), categories.end(), c) == categories.end()) {
      categories.push_back(std::move(c));
    }
  }
  item.categories = std::move(categories);
}

void FillEntry(const EntryParts& parts, int index, Ns dialect, ParseContext& ctx,
               const UrlResolver& base, ParsedItem& item) {
  const std::string where = "entry " + std::to_string(index);
  if (parts.title) item.title = ctx.PlainText(TextConstructText(parts.title, ctx));
  if (parts.id) item.id = ctx.PlainTextOf(parts.id);
  if (parts.alternate) {
    std::optional<UrlResolver> link_base;
    item.link =
        ctx.Url(Attribute(parts.alternate, "href"), BaseOf(parts.alternate, ctx, base, &link_base));
  }
  if (parts.author) item.author = PersonName(parts.author, dialect, ctx);
  if (parts.published) item.published = ctx.DateOf(parts.published, where);
  if (parts.updated) item.updated = ctx.DateOf(parts.updated, where);
  if (parts.summary) {
    std::optional<UrlResolver> summary_base;
    item.summary = ctx.Html(TextConstructHtml(parts.summary, ctx),
                            BaseOf(parts.summary, ctx, base, &summary_base),
                            TextConstructIsText(parts.summary));
  }
  if (parts.content) ReadContent(parts.content, ctx, base, item);
  if (item.content.empty()) item.content = item.summary;
  DedupCategories(item);
  if (item.enclosures.empty()) {
    for (pugi::xml_node m : parts.media) {
      AddEnclosure(ctx.Url(Attribute(m, "url"), base), ctx.PlainText(Attribute(m, "type")),
                   ParseLength(Attribute(m, "fileSize")), &item);
    }
  }
}

ParsedItem ReadEntry(pugi::xml_node entry, int index, Ns dialect, ParseContext& ctx) {
  ParsedItem item;
  std::optional<UrlResolver> own_base = ctx.XmlBaseFor(entry);
  const UrlResolver& base = own_base ? *own_base : ctx.base();
  EntryParts parts;
  for (pugi::xml_node child = entry.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    QName q = ctx.names().Resolve(child);
    if (q.ns == Ns::kMedia) {
      CollectMedia(child, q.local, ctx, parts);
    } else if (q.ns == Ns::kDc) {
      if (q.local == "creator") KeepFirst(parts.author, child);
      if (q.local == "subject") item.categories.push_back(ctx.PlainTextOf(child));
    } else if (IsAtom(q.ns, dialect)) {
      ClassifyEntryChild(child, q.local, ctx, base, parts, item);
    }
  }
  FillEntry(parts, index, dialect, ctx, base, item);
  return item;
}

// The elements of the feed that ParseAtom uses; the first of each wins.
struct FeedParts {
  pugi::xml_node title, subtitle, id, alternate, author, updated, generator;
  int alternate_rank = 0;
  std::vector<pugi::xml_node> entries;
};

void ClassifyFeedChild(pugi::xml_node child, std::string_view local, FeedParts& parts) {
  if (local == "entry") {
    parts.entries.push_back(child);
  } else if (local == "title") {
    KeepFirst(parts.title, child);
  } else if (local == "subtitle" || local == "tagline") {
    KeepFirst(parts.subtitle, child);
  } else if (local == "id") {
    KeepFirst(parts.id, child);
  } else if (local == "author") {
    KeepFirst(parts.author, child);
  } else if (local == "updated" || local == "modified") {
    KeepFirst(parts.updated, child);
  } else if (local == "generator") {
    KeepFirst(parts.generator, child);
  } else if (local == "link") {
    if (int rank = AlternateRank(child); rank > parts.alternate_rank) {
      parts.alternate = child;
      parts.alternate_rank = rank;
    }
  }
}

}  // namespace

void ParseAtom(pugi::xml_node root, ParseContext& ctx, ParsedFeed* out) {
  QName root_name = ctx.names().Resolve(root);
  std::string_view version = Trim(Attribute(root, "version"));
  out->format = (root_name.ns == Ns::kAtom03 || version == "0.3") ? "atom0.3" : "atom1.0";
  if (root_name.ns == Ns::kNone) ctx.Warn("Atom feed without the Atom namespace");
  Ns dialect = Ns::kNone;
  if (root_name.ns == Ns::kOther) {
    dialect = Ns::kOther;
    ctx.Warn("Atom feed in an unknown namespace read as Atom" +
             (version.empty() ? std::string() : " " + CleanUtf8(version.substr(0, 40))));
  }
  FeedMeta& feed = out->feed;
  feed.language = LanguageTag(ctx.PlainText(Attribute(root, "xml:lang")));
  std::optional<UrlResolver> own_base = ctx.XmlBaseFor(root);
  FeedParts parts;
  for (pugi::xml_node child = root.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    QName q = ctx.names().Resolve(child);
    if (IsAtom(q.ns, dialect)) ClassifyFeedChild(child, q.local, parts);
  }
  const auto& [title, subtitle, id, alternate, author, updated, generator, alternate_rank,
               entries] = parts;
  if (alternate) {
    std::optional<UrlResolver> link_base;
    feed.link = ctx.Url(Attribute(alternate, "href"),
                        BaseOf(alternate, ctx, own_base ? *own_base : ctx.base(), &link_base));
  }
  ctx.UseLinkAsBase(feed.link);
  if (title) feed.title = ctx.PlainText(TextConstructText(title, ctx));
  if (subtitle) feed.subtitle = ctx.PlainText(TextConstructText(subtitle, ctx));
  if (id) feed.id = ctx.PlainTextOf(id);
  if (author) feed.author = PersonName(author, dialect, ctx);
  if (updated) feed.updated = ctx.DateOf(updated, "feed");
  if (generator) feed.generator = ctx.PlainTextOf(generator);
  out->items.reserve(entries.size());
  int index = 0;
  for (pugi::xml_node entry : entries)
    out->items.push_back(ReadEntry(entry, ++index, dialect, ctx));
  if (!entries.empty()) ctx.set_last_item_offset(entries.back().offset_debug());
}

}  // namespace tributary::feeds
