// RSS 0.90-2.0 and RSS 1.0 (RDF) with the modules feeds mix into them:
// content, Dublin Core, Atom links, Media RSS, iTunes, FeedBurner, syndication.
#include <algorithm>
#include <charconv>
#include <string>

#include "common/text.h"
#include "feeds/parse_context.h"

namespace tributary::feeds {
namespace {

// RSS's own elements: no namespace, RSS 1.0's or 0.90's, Userland's, or
// `dialect`, the namespace of an <rss> root in a URI we do not know
// (feedparser reads the elements of any default namespace as RSS).
bool IsCore(Ns ns, Ns dialect) {
  return ns == Ns::kNone || ns == Ns::kRss10 || ns == Ns::kRss090 || ns == Ns::kRss20 ||
         ns == dialect;
}

// Elements of one item, found in one pass; turned into a ParsedItem after,
// when the precedence between vocabularies can be applied.
struct ItemNodes {
  pugi::xml_node title, dc_title, media_title, link, atom_link, orig_link, description, content,
      itunes_summary, media_description, guid, dc_identifier, author, dc_creator, itunes_author,
      atom_author, pub_date, dc_date, dc_issued, atom_published, atom_updated, dc_modified;
  std::vector<pugi::xml_node> categories;
  std::vector<pugi::xml_node> itunes_categories;  // text="..." attributes, nested
  std::vector<pugi::xml_node> enclosures;         // <enclosure>, atom:link rel=enclosure
  std::vector<pugi::xml_node> media_contents;     // fallback enclosures
};

void SetOnce(pugi::xml_node* slot, pugi::xml_node node) {
  if (!*slot) *slot = node;
}

void CollectMedia(pugi::xml_node group, ParseContext& ctx, ItemNodes* nodes) {
  for (pugi::xml_node child : group.children()) {
    if (child.type() != pugi::node_element) continue;
    QName q = ctx.names().Resolve(child);
    if (q.ns != Ns::kMedia) continue;
    if (q.local == "content") {
      nodes->media_contents.push_back(child);
    } else if (q.local == "description") {
      SetOnce(&nodes->media_description, child);
    } else if (q.local == "title") {
      SetOnce(&nodes->media_title, child);
    } else if (q.local == "category") {
      nodes->categories.push_back(child);
    }
  }
}

void ClassifyCoreChild(pugi::xml_node child, std::string_view local, ItemNodes* n) {
  if (NameIs(local, "title"))
    SetOnce(&n->title, child);
  else if (NameIs(local, "link"))
    SetOnce(&n->link, child);
  else if (NameIs(local, "description"))
    SetOnce(&n->description, child);
  else if (NameIs(local, "guid"))
    SetOnce(&n->guid, child);
  else if (NameIs(local, "author"))
    SetOnce(&n->author, child);
  else if (NameIs(local, "pubdate"))
    SetOnce(&n->pub_date, child);
  else if (NameIs(local, "category"))
    n->categories.push_back(child);
  else if (NameIs(local, "enclosure"))
    n->enclosures.push_back(child);
}

// Dublin Core and DCMI terms.
void ClassifyDcChild(pugi::xml_node child, Ns ns, std::string_view local, ItemNodes* n) {
  if (ns == Ns::kDcTerms) {
    if (local == "issued" || local == "created")
      SetOnce(&n->dc_issued, child);
    else if (local == "modified")
      SetOnce(&n->dc_modified, child);
    return;
  }
  if (local == "title")
    SetOnce(&n->dc_title, child);
  else if (local == "creator" || local == "author")
    SetOnce(&n->dc_creator, child);
  else if (local == "date")
    SetOnce(&n->dc_date, child);
  else if (local == "subject")
    n->categories.push_back(child);
  else if (local == "identifier")
    SetOnce(&n->dc_identifier, child);
}

void ClassifyAtomChild(pugi::xml_node child, std::string_view local, ItemNodes* n) {
  if (local == "link") {
    std::string_view rel = Trim(Attribute(child, "rel"));
    if (rel == "enclosure")
      n->enclosures.push_back(child);
    else if (rel.empty() || rel == "alternate")
      SetOnce(&n->atom_link, child);
  } else if (local == "updated") {
    SetOnce(&n->atom_updated, child);
  } else if (local == "published") {
    SetOnce(&n->atom_published, child);
  } else if (local == "author") {
    SetOnce(&n->atom_author, child);
  }
}

// Media RSS and iTunes.
void ClassifyMediaChild(pugi::xml_node child, Ns ns, std::string_view local, ParseContext& ctx,
                        ItemNodes* n) {
  if (ns == Ns::kItunes) {
    if (local == "author")
      SetOnce(&n->itunes_author, child);
    else if (local == "summary")
      SetOnce(&n->itunes_summary, child);
    else if (local == "category")
      n->itunes_categories.push_back(child);
    return;
  }
  if (local == "content")
    n->media_contents.push_back(child);
  else if (local == "group")
    CollectMedia(child, ctx, n);
  else if (local == "description")
    SetOnce(&n->media_description, child);
  else if (local == "title")
    SetOnce(&n->media_title, child);
  else if (local == "category")
    n->categories.push_back(child);
}

void ClassifyItemChild(pugi::xml_node child, Ns dialect, ParseContext& ctx, ItemNodes* n) {
  QName q = ctx.names().Resolve(child);
  std::string_view local = q.local;
  if (IsCore(q.ns, dialect)) {
    ClassifyCoreChild(child, local, n);
    return;
  }
  switch (q.ns) {
    case Ns::kContent:
      if (local == "encoded") SetOnce(&n->content, child);
      break;
    case Ns::kDc:
    case Ns::kDcTerms:
      ClassifyDcChild(child, q.ns, local, n);
      break;
    case Ns::kAtom:
      ClassifyAtomChild(child, local, n);
      break;
    case Ns::kMedia:
    case Ns::kItunes:
      ClassifyMediaChild(child, q.ns, local, ctx, n);
      break;
    case Ns::kXhtml:
      // xhtml:body and content:encoded share one slot: the first of them
      // in the document is the content, as feedparser's content[0].
      if (local == "body") SetOnce(&n->content, child);
      break;
    case Ns::kFeedburner:
      if (local == "origLink") SetOnce(&n->orig_link, child);
      break;
    default:
      break;
  }
}

// RSS description/content: HTML given escaped, in CDATA, or (sloppily) as
// child elements.
std::string RawHtml(pugi::xml_node node) {
  return HasElementChildren(node) ? InnerXml(node) : NodeText(node);
}

std::string AtomPersonName(pugi::xml_node person, ParseContext& ctx) {
  std::string name;
  std::string email;
  for (pugi::xml_node child : person.children()) {
    if (child.type() != pugi::node_element) continue;
    QName q = ctx.names().Resolve(child);
    if (q.local == "name" && name.empty()) name = ctx.PlainTextOf(child);
    if (q.local == "email" && email.empty()) email = ctx.PlainTextOf(child);
  }
  if (name.empty() && !HasElementChildren(person)) name = ctx.PlainTextOf(person);
  return name.empty() ? email : name;
}

void AddCategory(std::string text, ParsedItem* item) {
  if (!text.empty() &&
      std::find(item->categories.begin(), item->categories.end(), text) == item->categories.end()) {
    item->categories.push_back(std::move(text));
  }
}

// <itunes:category text="Technology"><itunes:category text="Gadgets"/>:
// the category and then its subcategories, as feedparser lists them.
void AddItunesCategory(pugi::xml_node category, ParseContext& ctx, ParsedItem* item) {
  AddCategory(ctx.PlainText(Attribute(category, "text")), item);
  for (pugi::xml_node sub : category.children()) {
    if (sub.type() == pugi::node_element && ctx.names().Resolve(sub).ns == Ns::kItunes &&
        ctx.names().Resolve(sub).local == "category") {
      AddCategory(ctx.PlainText(Attribute(sub, "text")), item);
    }
  }
}

void AddEnclosure(pugi::xml_node node, bool atom, ParseContext& ctx, const UrlResolver& base,
                  ParsedItem* item) {
  Enclosure enclosure;
  enclosure.url = ctx.Url(Attribute(node, atom ? "href" : "url"), base);
  if (enclosure.url.empty()) return;
  enclosure.type = ctx.PlainText(Attribute(node, "type"));
  enclosure.length = ParseLength(Attribute(node, atom ? "length" : "length"));
  if (!enclosure.length) {
    std::string_view size = Attribute(node, "fileSize");
    if (!size.empty()) enclosure.length = ParseLength(size);
  }
  for (const Enclosure& existing : item->enclosures) {
    if (existing.url == enclosure.url) return;
  }
  item->enclosures.push_back(std::move(enclosure));
}

ParsedItem BuildItem(pugi::xml_node item_node, const ItemNodes& n, int index, bool rdf, Ns dialect,
                     ParseContext& ctx) {
  ParsedItem item;
  std::optional<UrlResolver> own_base = ctx.XmlBaseFor(item_node);
  const UrlResolver& base = own_base ? *own_base : ctx.base();
  std::string where = "item " + std::to_string(index);

  pugi::xml_node title = n.title ? n.title : n.dc_title ? n.dc_title : n.media_title;
  if (title) item.title = ctx.PlainTextOf(title);

  if (n.guid) item.id = ctx.PlainTextOf(n.guid);
  if (item.id.empty() && n.dc_identifier) item.id = ctx.PlainTextOf(n.dc_identifier);
  if (item.id.empty() && rdf) item.id = ctx.PlainText(Attribute(item_node, "rdf:about"));

  if (n.orig_link) item.link = ctx.UrlOf(n.orig_link, base);
  if (item.link.empty() && n.link) item.link = ctx.UrlOf(n.link, base);
  if (item.link.empty() && n.atom_link) item.link = ctx.Url(Attribute(n.atom_link, "href"), base);
  if (item.link.empty() && n.guid && !NameIs(Trim(Attribute(n.guid, "isPermaLink")), "false") &&
      HasScheme(item.id) && item.id.starts_with("http")) {
    item.link = item.id;
  }

  if (n.author) item.author = AuthorDisplayName(ctx.PlainTextOf(n.author));
  if (item.author.empty() && n.dc_creator) item.author = ctx.PlainTextOf(n.dc_creator);
  if (item.author.empty() && n.atom_author) item.author = AtomPersonName(n.atom_author, ctx);
  if (item.author.empty() && n.itunes_author) {
    item.author = ctx.PlainTextOf(n.itunes_author);
  }

  pugi::xml_node published = n.pub_date    ? n.pub_date
                             : n.dc_date   ? n.dc_date
                             : n.dc_issued ? n.dc_issued
                                           : n.atom_published;
  if (published) item.published = ctx.DateOf(published, where);
  pugi::xml_node updated = n.atom_updated ? n.atom_updated : n.dc_modified;
  if (updated) item.updated = ctx.DateOf(updated, where);

  pugi::xml_node summary = n.description      ? n.description
                           : n.itunes_summary ? n.itunes_summary
                                              : n.media_description;
  if (summary) {
    std::optional<UrlResolver> summary_base = ctx.XmlBaseFor(summary);
    item.summary = ctx.Html(RawHtml(summary), summary_base ? *summary_base : base);
  }
  if (pugi::xml_node content = n.content) {
    std::optional<UrlResolver> content_base = ctx.XmlBaseFor(content);
    item.content = ctx.Html(RawHtml(content), content_base ? *content_base : base);
  } else {
    item.content = item.summary;
  }

  for (pugi::xml_node category : n.categories) AddCategory(ctx.PlainTextOf(category), &item);
  for (pugi::xml_node category : n.itunes_categories) AddItunesCategory(category, ctx, &item);
  for (pugi::xml_node enclosure : n.enclosures) {
    bool atom = !IsCore(ctx.names().Resolve(enclosure).ns, dialect);
    AddEnclosure(enclosure, atom, ctx, base, &item);
  }
  if (item.enclosures.empty()) {
    for (pugi::xml_node media : n.media_contents) AddEnclosure(media, false, ctx, base, &item);
  }
  return item;
}

void ReadSkipHours(pugi::xml_node node, PollHints* hints) {
  for (pugi::xml_node hour : node.children()) {
    if (hour.type() != pugi::node_element || !NameIs(hour.name(), "hour")) continue;
    std::string raw = NodeText(hour);
    std::string_view text = Trim(raw);
    int value = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) continue;
    if (value == 24) value = 0;  // RSS 0.91 counted 1-24
    if (value >= 0 && value <= 23 &&
        std::find(hints->skip_hours.begin(), hints->skip_hours.end(), value) ==
            hints->skip_hours.end()) {
      hints->skip_hours.push_back(value);
    }
  }
}

void ReadSkipDays(pugi::xml_node node, PollHints* hints) {
  static constexpr std::string_view kDays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                               "Friday", "Saturday", "Sunday"};
  for (pugi::xml_node day : node.children()) {
    if (day.type() != pugi::node_element || !NameIs(day.name(), "day")) continue;
    std::string text(Trim(NodeText(day)));
    for (std::string_view name : kDays) {
      std::string lower(name);
      lower[0] = static_cast<char>(lower[0] - 'A' + 'a');
      if (NameIs(text, lower) && std::find(hints->skip_days.begin(), hints->skip_days.end(),
                                           name) == hints->skip_days.end()) {
        hints->skip_days.emplace_back(name);
      }
    }
  }
}

std::optional<Seconds> PeriodSeconds(std::string_view period) {
  period = Trim(period);
  if (NameIs(period, "hourly")) return Seconds{3600};
  if (NameIs(period, "daily")) return Seconds{86400};
  if (NameIs(period, "weekly")) return Seconds{7 * 86400};
  if (NameIs(period, "monthly")) return Seconds{30 * 86400};
  if (NameIs(period, "yearly")) return Seconds{365 * 86400};
  return std::nullopt;
}

int ParseSmallInt(std::string_view text, int fallback) {
  text = Trim(text);
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return fallback;
  return value;
}

// Channel-level elements. Items are collected into `items` for later.
void ReadChannel(pugi::xml_node channel, Ns dialect, ParseContext& ctx, ParsedFeed* out,
                 std::vector<pugi::xml_node>* items) {
  FeedMeta& feed = out->feed;
  pugi::xml_node title, dc_title, link, atom_link, description, itunes_subtitle, language,
      dc_language, editor, rss_author, dc_creator, itunes_author, last_build, pub_date, dc_date,
      dc_modified, generator, update_period, update_frequency;
  for (pugi::xml_node child = channel.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    QName q = ctx.names().Resolve(child);
    std::string_view local = q.local;
    if (IsCore(q.ns, dialect)) {
      if (NameIs(local, "item"))
        items->push_back(child);
      else if (NameIs(local, "title"))
        SetOnce(&title, child);
      else if (NameIs(local, "link"))
        SetOnce(&link, child);
      else if (NameIs(local, "description"))
        SetOnce(&description, child);
      else if (NameIs(local, "language"))
        SetOnce(&language, child);
      else if (NameIs(local, "managingeditor"))
        SetOnce(&editor, child);
      else if (NameIs(local, "author"))
        SetOnce(&rss_author, child);
      else if (NameIs(local, "lastbuilddate"))
        SetOnce(&last_build, child);
      else if (NameIs(local, "pubdate"))
        SetOnce(&pub_date, child);
      else if (NameIs(local, "generator"))
        SetOnce(&generator, child);
      else if (NameIs(local, "ttl")) {
        int ttl = ParseSmallInt(NodeText(child), -1);
        if (ttl > 0) out->hints.ttl_minutes = ttl;
      } else if (NameIs(local, "skiphours"))
        ReadSkipHours(child, &out->hints);
      else if (NameIs(local, "skipdays"))
        ReadSkipDays(child, &out->hints);
    } else if (q.ns == Ns::kAtom && local == "link") {
      std::string_view rel = Trim(Attribute(child, "rel"));
      if (rel.empty() || rel == "alternate") SetOnce(&atom_link, child);
    } else if (q.ns == Ns::kDc) {
      if (local == "title")
        SetOnce(&dc_title, child);
      else if (local == "language")
        SetOnce(&dc_language, child);
      else if (local == "creator" || local == "author")
        SetOnce(&dc_creator, child);
      else if (local == "date")
        SetOnce(&dc_date, child);
    } else if (q.ns == Ns::kDcTerms) {
      if (local == "modified") SetOnce(&dc_modified, child);
    } else if (q.ns == Ns::kItunes) {
      if (local == "author")
        SetOnce(&itunes_author, child);
      else if (local == "subtitle" || local == "summary")
        SetOnce(&itunes_subtitle, child);
    } else if (q.ns == Ns::kSy) {
      if (local == "updatePeriod")
        SetOnce(&update_period, child);
      else if (local == "updateFrequency")
        SetOnce(&update_frequency, child);
    }
  }
  std::optional<UrlResolver> own_base = ctx.XmlBaseFor(channel);
  if (link) feed.link = ctx.UrlOf(link, own_base ? *own_base : ctx.base());
  if (feed.link.empty() && atom_link) {
    feed.link = ctx.Url(Attribute(atom_link, "href"), own_base ? *own_base : ctx.base());
  }
  ctx.UseLinkAsBase(feed.link);
  pugi::xml_node t = title ? title : dc_title;
  if (t) feed.title = ctx.PlainTextOf(t);
  pugi::xml_node d = description ? description : itunes_subtitle;
  if (d) feed.subtitle = ctx.PlainTextOf(d);
  pugi::xml_node lang = language ? language : dc_language;
  if (lang) feed.language = ctx.PlainTextOf(lang);
  // One precedence whatever the order in the document (feedparser keeps
  // the last of them): managingEditor, author, dc:creator/dc:author, iTunes.
  if (editor) feed.author = AuthorDisplayName(ctx.PlainTextOf(editor));
  if (feed.author.empty() && rss_author)
    feed.author = AuthorDisplayName(ctx.PlainTextOf(rss_author));
  if (feed.author.empty() && dc_creator) feed.author = ctx.PlainTextOf(dc_creator);
  if (feed.author.empty() && itunes_author) feed.author = ctx.PlainTextOf(itunes_author);
  pugi::xml_node date = last_build    ? last_build
                        : dc_modified ? dc_modified
                        : dc_date     ? dc_date
                                      : pub_date;
  if (date) feed.updated = ctx.DateOf(date, "channel");
  if (generator) feed.generator = ctx.PlainTextOf(generator);
  if (update_period || update_frequency) {
    Seconds period = update_period ? PeriodSeconds(NodeText(update_period)).value_or(Seconds{86400})
                                   : Seconds{86400};
    int frequency = update_frequency ? ParseSmallInt(NodeText(update_frequency), 1) : 1;
    if (frequency < 1) frequency = 1;
    out->hints.update_period = Seconds{period.count() / frequency};
  }
}

}  // namespace

void ParseRss(pugi::xml_node root, bool rdf, ParseContext& ctx, ParsedFeed* out) {
  if (rdf) {
    out->format = "rss1.0";
  } else {
    std::string_view version = Trim(Attribute(root, "version"));
    out->format = version.empty() ? "rss" : "rss" + std::string(version);
    if (version == "2") out->format = "rss2.0";
  }
  Ns dialect = Ns::kNone;
  if (!rdf && ctx.names().Resolve(root).ns == Ns::kOther) {
    dialect = Ns::kOther;
    ctx.Warn("<rss> in an unknown default namespace; its elements read as RSS");
  }
  std::vector<pugi::xml_node> items;          // outside the channel (RSS 1.0)
  std::vector<pugi::xml_node> channel_items;  // inside it (RSS 2.0)
  pugi::xml_node channel;
  bool items_before_channel = false;
  for (pugi::xml_node child = root.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    QName q = ctx.names().Resolve(child);
    if (!IsCore(q.ns, dialect)) continue;
    if (NameIs(q.local, "channel") && !channel) {
      channel = child;
      if (rdf && q.ns == Ns::kRss090) out->format = "rss0.90";
    } else if (NameIs(q.local, "item")) {
      if (!channel) items_before_channel = true;
      items.push_back(child);
    }
  }
  if (channel) {
    ReadChannel(channel, dialect, ctx, out, &channel_items);
  } else {
    ctx.Warn("no <channel> element");
  }
  // Keep document order when both kinds exist (sloppy RDF).
  if (!channel_items.empty()) {
    if (items_before_channel) {
      items.insert(items.end(), channel_items.begin(), channel_items.end());
    } else {
      channel_items.insert(channel_items.end(), items.begin(), items.end());
      items = std::move(channel_items);
    }
  }
  out->items.reserve(items.size());
  if (!items.empty()) ctx.set_last_item_offset(items.back().offset_debug());
  int index = 0;
  for (pugi::xml_node item_node : items) {
    ++index;
    ItemNodes nodes;
    for (pugi::xml_node child = item_node.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_element) ClassifyItemChild(child, dialect, ctx, &nodes);
    }
    out->items.push_back(BuildItem(item_node, nodes, index, rdf, dialect, ctx));
  }
}

}  // namespace tributary::feeds
