#include "output/json_feed_writer.h"

#include <nlohmann/json.hpp>
#include <string>

#include "output/sanitizer.h"

namespace tributary::output {
namespace {

using Json = nlohmann::json;

Json SourceJson(const SourceRef& source) {
  Json json = Json::object();
  json["title"] = CleanText(source.title);
  if (std::string url = SafeHttpUrl(source.url); !url.empty()) json["url"] = url;
  if (std::string link = SafeHttpUrl(source.link); !link.empty()) json["link"] = link;
  if (!source.id.empty()) json["id"] = CleanText(source.id);
  if (source.updated) json["updated"] = FormatRfc3339(*source.updated);
  return json;
}

Json ItemJson(const OutputEntry& entry) {
  Json item = Json::object();
  item["id"] = CleanText(!entry.id.empty() ? entry.id : entry.link);
  if (std::string url = SafeHttpUrl(entry.link); !url.empty()) item["url"] = url;
  item["title"] = CleanText(entry.title);
  std::string content = SanitizeEntryHtml(entry.content, entry);
  std::string summary = SanitizeEntryHtml(entry.summary, entry);
  // JSON Feed requires content_html or content_text.
  item["content_html"] = !content.empty() ? content : summary;
  if (!summary.empty() && !content.empty()) item["summary"] = summary;
  if (entry.published) item["date_published"] = FormatRfc3339(*entry.published);
  item["date_modified"] = FormatRfc3339(entry.updated);
  if (!entry.author.empty()) {
    item["authors"] = Json::array({Json{{"name", CleanText(entry.author)}}});
  }
  if (!entry.categories.empty()) {
    Json tags = Json::array();
    for (const std::string& category : entry.categories) tags.push_back(CleanText(category));
    item["tags"] = std::move(tags);
  }
  Json attachments = Json::array();
  for (const OutputEnclosure& enclosure : entry.enclosures) {
    std::string url = SafeHttpUrl(enclosure.url);
    if (url.empty()) continue;
    Json attachment{{"url", url}};
    std::string type = CleanText(enclosure.type);
    attachment["mime_type"] = type.empty() ? "application/octet-stream" : type;
    if (enclosure.length && *enclosure.length > 0) {
      attachment["size_in_bytes"] = *enclosure.length;
    }
    attachments.push_back(std::move(attachment));
  }
  if (!attachments.empty()) item["attachments"] = std::move(attachments);
  Json sources = Json::array();
  for (const SourceRef& source : entry.sources) sources.push_back(SourceJson(source));
  item["_tributary"] = Json{{"sources", std::move(sources)}};
  return item;
}

}  // namespace

std::string RenderJsonFeed(const FeedDocument& document) {
  Json feed = Json::object();
  feed["version"] = "https://jsonfeed.org/version/1.1";
  feed["title"] = CleanText(document.title);
  if (std::string site = SafeHttpUrl(document.site_url); !site.empty()) {
    feed["home_page_url"] = site;
  }
  if (std::string self = SafeHttpUrl(document.self_url); !self.empty()) feed["feed_url"] = self;
  Json items = Json::array();
  for (const OutputEntry& entry : document.entries) items.push_back(ItemJson(entry));
  feed["items"] = std::move(items);
  return feed.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace tributary::output
