#include "output/rss_writer.h"

#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "output/sanitizer.h"
#include "output/xml_text.h"

namespace tributary::output {
namespace {

using xml::AddText;

void AddAtomLink(pugi::xml_node parent, const char* rel, const std::string& href,
                 const std::string& type) {
  pugi::xml_node link = parent.append_child("atom:link");
  link.append_attribute("rel").set_value(rel);
  link.append_attribute("href").set_value(href.c_str());
  if (!type.empty()) link.append_attribute("type").set_value(type.c_str());
}

void AddEnclosures(pugi::xml_node item, const OutputEntry& entry) {
  bool first = true;
  for (const OutputEnclosure& enclosure : entry.enclosures) {
    std::string url = SafeHttpUrl(enclosure.url);
    if (url.empty()) continue;
    std::string type = CleanText(enclosure.type);
    if (type.find('/') == std::string::npos) type = "application/octet-stream";
    std::int64_t length = enclosure.length.value_or(0);
    if (!first) {
      AddAtomLink(item, "enclosure", url, type);
      continue;
    }
    first = false;
    // RSS 2.0 makes url, length and type all required.
    pugi::xml_node node = item.append_child("enclosure");
    node.append_attribute("url").set_value(url.c_str());
    node.append_attribute("length").set_value(std::to_string(length < 0 ? 0 : length).c_str());
    node.append_attribute("type").set_value(type.c_str());
  }
}

void AddSource(pugi::xml_node item, const SourceRef& source) {
  std::string url = SafeHttpUrl(source.url);
  if (url.empty()) url = SafeHttpUrl(source.link);
  if (url.empty()) return;  // RSS requires the url attribute
  pugi::xml_node node = item.append_child("source");
  node.append_attribute("url").set_value(url.c_str());
  node.text().set(CleanText(source.title).c_str());
}

void AddItem(pugi::xml_node channel, const OutputEntry& entry) {
  pugi::xml_node item = channel.append_child("item");
  AddText(item, "title", entry.title);
  std::string link = SafeHttpUrl(entry.link);
  if (!link.empty()) AddText(item, "link", link);
  std::string body = SanitizeEntryHtml(entry.content, entry);
  if (body.empty()) body = SanitizeEntryHtml(entry.summary, entry);
  if (!body.empty()) AddText(item, "description", body);
  if (!entry.author.empty()) AddText(item, "dc:creator", entry.author);
  for (const std::string& category : entry.categories) {
    if (!CleanText(category).empty()) AddText(item, "category", category);
  }
  AddEnclosures(item, entry);
  std::string id = !entry.id.empty() ? entry.id : entry.link;
  if (!id.empty()) {
    pugi::xml_node guid = item.append_child("guid");
    bool permalink = !link.empty() && id == link;
    guid.append_attribute("isPermaLink").set_value(permalink ? "true" : "false");
    guid.text().set(CleanText(id).c_str());
  }
  AddText(item, "pubDate", FormatRfc1123(entry.published.value_or(entry.updated)));
  AddText(item, "atom:updated", FormatRfc3339(entry.updated));
  for (const SourceRef& source : entry.sources) AddSource(item, source);
}

}  // namespace

std::string RenderRss(const FeedDocument& document) {
  pugi::xml_document xml;
  pugi::xml_node declaration = xml.append_child(pugi::node_declaration);
  declaration.append_attribute("version").set_value("1.0");
  declaration.append_attribute("encoding").set_value("utf-8");
  pugi::xml_node rss = xml.append_child("rss");
  rss.append_attribute("version").set_value("2.0");
  rss.append_attribute("xmlns:atom").set_value("http://www.w3.org/2005/Atom");
  rss.append_attribute("xmlns:dc").set_value("http://purl.org/dc/elements/1.1/");
  pugi::xml_node channel = rss.append_child("channel");
  AddText(channel, "title", document.title);
  std::string site = SafeHttpUrl(document.site_url);
  std::string self = SafeHttpUrl(document.self_url);
  AddText(channel, "link", !site.empty() ? site : self);
  AddText(channel, "description", document.title);
  if (!self.empty()) AddAtomLink(channel, "self", self, "application/rss+xml");
  if (!document.generator.empty()) AddText(channel, "generator", document.generator);
  AddText(channel, "lastBuildDate", FormatRfc1123(document.updated));
  for (const OutputEntry& entry : document.entries) AddItem(channel, entry);

  return xml::Save(xml);
}

}  // namespace tributary::output
