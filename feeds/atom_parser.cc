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

std::optional<std::int64_t> ParseLength(std::string_view text) {
  text = Trim(text);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
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

ParsedItem ReadEntry(pugi::xml_node entry, int index, Ns dialect, ParseContext& ctx) {
  ParsedItem item;
  std::optional<UrlResolver> own_base = ctx.XmlBaseFor(entry);
  const UrlResolver& base = own_base ? *own_base : ctx.base();
  std::string where = "entry " + std::to_string(index);
  pugi::xml_node title, id, alternate, author, published, updated, summary, content;
  int alternate_rank = 0;
  std::vector<pugi::xml_node> media;
  for (pugi::xml_node child = entry.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    QName q = ctx.names().Resolve(child);
    std::string_view local = q.local;
    if (q.ns == Ns::kMedia) {
      if (local == "content") media.push_back(child);
      if (local == "group") {
        for (pugi::xml_node m : child.children()) {
          if (m.type() == pugi::node_element && ctx.names().Resolve(m).local == "content") {
            media.push_back(m);
          }
        }
      }
      continue;
    }
    if (q.ns == Ns::kDc) {
      if (local == "creator" && !author)
        author = child;
      else if (local == "subject")
        item.categories.push_back(ctx.PlainTextOf(child));
      continue;
    }
    if (!IsAtom(q.ns, dialect)) continue;
    if (local == "title")
      title = title ? title : child;
    else if (local == "id")
      id = id ? id : child;
    else if (local == "author")
      author = author ? author : child;
    else if (local == "published" || local == "issued" || local == "created") {
      published = published ? published : child;
    } else if (local == "updated" || local == "modified")
      updated = updated ? updated : child;
    else if (local == "summary")
      summary = summary ? summary : child;
    else if (local == "content")
      content = content ? content : child;
    else if (local == "category") {
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
                     ctx.PlainText(Attribute(child, "type")),
                     ParseLength(Attribute(child, "length")), &item);
      } else if (int rank = AlternateRank(child); rank > alternate_rank) {
        alternate = child;
        alternate_rank = rank;
      }
    }
  }
  if (title) item.title = ctx.PlainText(TextConstructText(title, ctx));
  if (id) item.id = ctx.PlainTextOf(id);
  if (alternate) {
    std::optional<UrlResolver> link_base;
    item.link = ctx.Url(Attribute(alternate, "href"), BaseOf(alternate, ctx, base, &link_base));
  }
  if (author) item.author = PersonName(author, dialect, ctx);
  if (published) item.published = ctx.DateOf(published, where);
  if (updated) item.updated = ctx.DateOf(updated, where);
  if (summary) {
    std::optional<UrlResolver> summary_base;
    item.summary =
        ctx.Html(TextConstructHtml(summary, ctx), BaseOf(summary, ctx, base, &summary_base),
                 TextConstructIsText(summary));
  }
  if (content) {
    std::optional<UrlResolver> content_base;
    const UrlResolver& cbase = BaseOf(content, ctx, base, &content_base);
    std::string_view src = Attribute(content, "src");
    if (!src.empty()) {
      // Out-of-line content: nothing to show inline; the src is the link.
      if (item.link.empty()) item.link = ctx.Url(src, cbase);
    } else {
      item.content = ctx.Html(TextConstructHtml(content, ctx), cbase, TextConstructIsText(content));
    }
  }
  if (item.content.empty()) item.content = item.summary;
  // Drop empty and repeated categories, keeping the first of each.
  std::vector<std::string> categories;
  for (std::string& c : item.categories) {
    if (!c.empty() && std::find(categories.begin(), categories.end(), c) == categories.end()) {
      categories.push_back(std::move(c));
    }
  }
  item.categories = std::move(categories);
  if (item.enclosures.empty()) {
    for (pugi::xml_node m : media) {
      AddEnclosure(ctx.Url(Attribute(m, "url"), base), ctx.PlainText(Attribute(m, "type")),
                   ParseLength(Attribute(m, "fileSize")), &item);
    }
  }
  return item;
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
  pugi::xml_node title, subtitle, id, alternate, author, updated, generator;
  int alternate_rank = 0;
  std::vector<pugi::xml_node> entries;
  for (pugi::xml_node child = root.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    QName q = ctx.names().Resolve(child);
    if (!IsAtom(q.ns, dialect)) continue;
    std::string_view local = q.local;
    if (local == "entry")
      entries.push_back(child);
    else if (local == "title")
      title = title ? title : child;
    else if (local == "subtitle" || local == "tagline")
      subtitle = subtitle ? subtitle : child;
    else if (local == "id")
      id = id ? id : child;
    else if (local == "author")
      author = author ? author : child;
    else if (local == "updated" || local == "modified")
      updated = updated ? updated : child;
    else if (local == "generator")
      generator = generator ? generator : child;
    else if (local == "link") {
      if (int rank = AlternateRank(child); rank > alternate_rank) {
        alternate = child;
        alternate_rank = rank;
      }
    }
  }
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
