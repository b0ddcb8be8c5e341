#include "feeds/feed_json.h"

#include <nlohmann/json.hpp>

#include "common/time.h"

namespace tributary::feeds {
namespace {

using Json = nlohmann::ordered_json;

void PutString(Json& object, const char* key, const std::string& value) {
  if (!value.empty()) object[key] = value;
}

void PutDate(Json& object, const char* key, const std::optional<Timestamp>& value) {
  if (value) object[key] = FormatRfc3339(*value);
}

Json ItemToJson(const ParsedItem& item) {
  Json object = Json::object();
  PutString(object, "id", item.id);
  PutString(object, "title", item.title);
  PutString(object, "link", item.link);
  PutString(object, "author", item.author);
  PutDate(object, "published", item.published);
  PutDate(object, "updated", item.updated);
  PutString(object, "summary", item.summary);
  PutString(object, "content", item.content);
  if (!item.categories.empty()) object["categories"] = item.categories;
  if (!item.enclosures.empty()) {
    Json enclosures = Json::array();
    for (const Enclosure& enclosure : item.enclosures) {
      Json e = Json::object();
      PutString(e, "url", enclosure.url);
      PutString(e, "type", enclosure.type);
      if (enclosure.length) e["length"] = *enclosure.length;
      enclosures.push_back(std::move(e));
    }
    object["enclosures"] = std::move(enclosures);
  }
  return object;
}

}  // namespace

std::string ParsedFeedToJson(const ParsedFeed& feed, int indent, bool with_warnings) {
  Json meta = Json::object();
  PutString(meta, "title", feed.feed.title);
  PutString(meta, "link", feed.feed.link);
  PutString(meta, "id", feed.feed.id);
  PutString(meta, "subtitle", feed.feed.subtitle);
  PutString(meta, "language", feed.feed.language);
  PutString(meta, "author", feed.feed.author);
  PutDate(meta, "updated", feed.feed.updated);
  PutString(meta, "generator", feed.feed.generator);
  Json items = Json::array();
  for (const ParsedItem& item : feed.items) items.push_back(ItemToJson(item));
  Json document = Json::object();
  document["feed"] = std::move(meta);
  document["items"] = std::move(items);
  if (with_warnings) document["warnings"] = feed.warnings;
  // ParsedFeed strings are valid UTF-8; `replace` keeps a bad one from
  // throwing all the same.
  return document.dump(indent < 0 ? -1 : indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace tributary::feeds
