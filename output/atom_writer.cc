#include "output/atom_writer.h"

#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "output/sanitizer.h"
#include "output/xml_text.h"

namespace tributary::output {
namespace {

constexpr const char* kAtomNamespace = "http://www.w3.org/2005/Atom";
constexpr const char* kTributaryNamespace = "urn:x-tributary:1";

using xml::AddText;

void AddTextConstruct(pugi::xml_node parent, const char* name, std::string_view value,
                      const char* type) {
  pugi::xml_node node = parent.append_child(name);
  node.append_attribute("type").set_value(type);
  node.text().set(CleanText(value).c_str());
}

void AddLink(pugi::xml_node parent, const char* rel, std::string_view href,
             const char* type = nullptr) {
  std::string url = SafeHttpUrl(href);
  if (url.empty()) return;
  pugi::xml_node link = parent.append_child("link");
  link.append_attribute("rel").set_value(rel);
  link.append_attribute("href").set_value(url.c_str());
  if (type != nullptr) link.append_attribute("type").set_value(type);
}

// RFC 4287's schema wants "type/subtype".
bool IsMediaType(std::string_view type) {
  std::size_t slash = type.find('/');
  return slash != std::string_view::npos && slash > 0 && slash + 1 < type.size();
}

void AddSource(pugi::xml_node entry, const SourceRef& source) {
  pugi::xml_node node = entry.append_child("source");
  std::string id = !source.id.empty() ? source.id : SafeHttpUrl(source.url);
  if (!id.empty()) AddText(node, "id", id);
  if (!source.title.empty()) AddTextConstruct(node, "title", source.title, "text");
  if (source.updated) AddText(node, "updated", FormatRfc3339(*source.updated));
  AddLink(node, "alternate", source.link);
  AddLink(node, "self", source.url);
}

void AddExtraSource(pugi::xml_node entry, const SourceRef& source) {
  pugi::xml_node node = entry.append_child("tributary:source");
  node.append_attribute("title").set_value(CleanText(source.title).c_str());
  node.append_attribute("id").set_value(CleanText(source.id).c_str());
  node.append_attribute("href").set_value(SafeHttpUrl(source.url).c_str());
  node.append_attribute("link").set_value(SafeHttpUrl(source.link).c_str());
}

std::string EntryAuthor(const OutputEntry& entry) {
  if (!entry.author.empty()) return entry.author;
  if (!entry.sources.empty() && !entry.sources.front().title.empty()) {
    return entry.sources.front().title;
  }
  return "Unknown";
}

void AddEntry(pugi::xml_node feed, const OutputEntry& entry) {
  pugi::xml_node node = feed.append_child("entry");
  AddText(node, "id", !entry.id.empty() ? entry.id : entry.link);
  AddTextConstruct(node, "title", entry.title, "text");
  AddText(node, "updated", FormatRfc3339(entry.updated));
  if (entry.published) AddText(node, "published", FormatRfc3339(*entry.published));
  AddText(node.append_child("author"), "name", EntryAuthor(entry));
  AddLink(node, "alternate", entry.link);
  for (const OutputEnclosure& enclosure : entry.enclosures) {
    std::string url = SafeHttpUrl(enclosure.url);
    if (url.empty()) continue;
    pugi::xml_node link = node.append_child("link");
    link.append_attribute("rel").set_value("enclosure");
    link.append_attribute("href").set_value(url.c_str());
    std::string type = CleanText(enclosure.type);
    if (IsMediaType(type)) link.append_attribute("type").set_value(type.c_str());
    if (enclosure.length && *enclosure.length >= 0) {
      link.append_attribute("length").set_value(std::to_string(*enclosure.length).c_str());
    }
  }
  for (const std::string& category : entry.categories) {
    std::string term = CleanText(category);
    if (term.empty()) continue;
    node.append_child("category").append_attribute("term").set_value(term.c_str());
  }
  std::string summary = SanitizeEntryHtml(entry.summary, entry);
  if (!summary.empty()) AddTextConstruct(node, "summary", summary, "html");
  std::string content = SanitizeEntryHtml(entry.content, entry);
  if (!content.empty()) AddTextConstruct(node, "content", content, "html");
  if (!entry.sources.empty()) AddSource(node, entry.sources.front());
  for (std::size_t i = 1; i < entry.sources.size(); ++i) AddExtraSource(node, entry.sources[i]);
}

}  // namespace

std::string RenderAtom(const FeedDocument& document) {
  pugi::xml_document xml;
  pugi::xml_node declaration = xml.append_child(pugi::node_declaration);
  declaration.append_attribute("version").set_value("1.0");
  declaration.append_attribute("encoding").set_value("utf-8");
  pugi::xml_node feed = xml.append_child("feed");
  feed.append_attribute("xmlns").set_value(kAtomNamespace);
  feed.append_attribute("xmlns:tributary").set_value(kTributaryNamespace);
  std::string id = !document.id.empty() ? document.id : "urn:x-tributary:feed";
  AddText(feed, "id", id);
  AddTextConstruct(feed, "title", document.title, "text");
  AddText(feed, "updated", FormatRfc3339(document.updated));
  AddLink(feed, "self", document.self_url, "application/atom+xml");
  AddLink(feed, "alternate", document.site_url, "text/html");
  if (!document.generator.empty()) AddText(feed, "generator", document.generator);
  for (const OutputEntry& entry : document.entries) AddEntry(feed, entry);

  return xml::Save(xml);
}

}  // namespace tributary::output
