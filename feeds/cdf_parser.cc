// Microsoft's Channel Definition Format (CDF, 1997): a <CHANNEL> with HREF
// and LASTMOD attributes, <TITLE>, <ABSTRACT> and <ITEM>s of the same
// shape. Element names are read case-insensitively, as CDF writes them in
// capitals. feedparser reads it, so we do: HREF is the link, LASTMOD the
// updated date, ABSTRACT the subtitle or summary.
#include <string>

#include "feeds/parse_context.h"

namespace tributary::feeds {
namespace {

// The first <TITLE> and <ABSTRACT> children of `element`.
struct CdfText {
  pugi::xml_node title;
  pugi::xml_node abstract;
};

CdfText ReadText(pugi::xml_node element) {
  CdfText text;
  for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    if (NameIs(child.name(), "title") && !text.title) text.title = child;
    if (NameIs(child.name(), "abstract") && !text.abstract) text.abstract = child;
  }
  return text;
}

// The <ITEM>s under `channel` in document order, those of nested
// <CHANNEL>s included (sub-channels group items; a feed has one list).
void CollectItems(pugi::xml_node channel, std::vector<pugi::xml_node>* items) {
  for (pugi::xml_node child = channel.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    if (NameIs(child.name(), "item")) {
      items->push_back(child);
    } else if (NameIs(child.name(), "channel")) {
      CollectItems(child, items);
    }
  }
}

ParsedItem ReadItem(pugi::xml_node node, int index, ParseContext& ctx) {
  ParsedItem item;
  CdfText text = ReadText(node);
  if (text.title) item.title = ctx.PlainTextOf(text.title);
  item.link = ctx.Url(Attribute(node, "href"), ctx.base());
  item.updated = ctx.Date(Attribute(node, "lastmod"), "item " + std::to_string(index));
  if (text.abstract) {
    item.summary = ctx.Html(NodeText(text.abstract), ctx.base());
    item.content = item.summary;
  }
  return item;
}

}  // namespace

void ParseCdf(pugi::xml_node root, ParseContext& ctx, ParsedFeed* out) {
  out->format = "cdf";
  FeedMeta& feed = out->feed;
  feed.link = ctx.Url(Attribute(root, "href"), ctx.base());
  ctx.UseLinkAsBase(feed.link);
  CdfText text = ReadText(root);
  if (text.title) feed.title = ctx.PlainTextOf(text.title);
  if (text.abstract) feed.subtitle = ctx.PlainTextOf(text.abstract);
  feed.updated = ctx.Date(Attribute(root, "lastmod"), "channel");
  std::vector<pugi::xml_node> items;
  CollectItems(root, &items);
  out->items.reserve(items.size());
  int index = 0;
  for (pugi::xml_node item : items) out->items.push_back(ReadItem(item, ++index, ctx));
  if (!items.empty()) ctx.set_last_item_offset(items.back().offset_debug());
}

}  // namespace tributary::feeds
