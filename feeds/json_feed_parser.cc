#include "feeds/json_feed_parser.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "common/text.h"
#include "common/time.h"

namespace tributary::feeds {
namespace {

using nlohmann::json;

// nlohmann's parser recurses per nesting level; refuse deep documents
// before handing them over (hostile-inputs B3).
bool NestingWithin(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

std::string_view String(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

// JSON Feed dates are RFC 3339; some feeds give Unix seconds instead.
std::optional<Timestamp> Date(const json& object, const char* key, ParseContext& ctx,
                              const std::string& where) {
  auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_number()) {
    double seconds = it->get<double>();
    // Years 1..9999 only.
    if (!std::isfinite(seconds) || seconds < -62135596800.0 || seconds > 253402300799.0) {
      ctx.Warn(where + ": date out of range");
      return std::nullopt;
    }
    return Timestamp{Seconds{static_cast<long long>(seconds)}};
  }
  if (it->is_string()) return ctx.Date(it->get_ref<const std::string&>(), where);
  return std::nullopt;
}

std::string AuthorName(const json& object, ParseContext& ctx) {
  auto authors = object.find("authors");
  if (authors != object.end() && authors->is_array()) {
    for (const json& author : *authors) {
      if (!author.is_object()) continue;
      std::string name = ctx.PlainText(String(author, "name"));
      if (!name.empty()) return name;
    }
  }
  auto author = object.find("author");  // JSON Feed 1.0
  if (author != object.end() && author->is_object()) return ctx.PlainText(String(*author, "name"));
  return {};
}

ParsedItem ReadItem(const json& object, int index, ParseContext& ctx) {
  ParsedItem item;
  std::string where = "item " + std::to_string(index);
  auto id = object.find("id");
  if (id != object.end()) {
    if (id->is_string())
      item.id = ctx.PlainText(id->get_ref<const std::string&>());
    else if (id->is_number_integer())
      item.id = id->dump();
  }
  item.title = ctx.PlainText(String(object, "title"));
  item.link = ctx.Url(String(object, "url"), ctx.base());
  if (item.link.empty()) item.link = ctx.Url(String(object, "external_url"), ctx.base());
  item.author = AuthorName(object, ctx);
  item.published = Date(object, "date_published", ctx, where);
  item.updated = Date(object, "date_modified", ctx, where);
  std::string_view summary = String(object, "summary");
  if (!summary.empty()) item.summary = ctx.Html(EscapeHtml(summary), ctx.base(), true);
  std::string_view html = String(object, "content_html");
  std::string_view text = String(object, "content_text");
  if (!html.empty())
    item.content = ctx.Html(std::string(html), ctx.base());
  else if (!text.empty())
    item.content = ctx.Html(EscapeHtml(text), ctx.base());
  if (item.content.empty()) item.content = item.summary;
  auto tags = object.find("tags");
  if (tags != object.end() && tags->is_array()) {
    for (const json& tag : *tags) {
      if (!tag.is_string()) continue;
      std::string category = ctx.PlainText(tag.get_ref<const std::string&>());
      if (!category.empty() && std::find(item.categories.begin(), item.categories.end(),
                                         category) == item.categories.end()) {
        item.categories.push_back(std::move(category));
      }
    }
  }
  auto attachments = object.find("attachments");
  if (attachments != object.end() && attachments->is_array()) {
    for (const json& attachment : *attachments) {
      if (!attachment.is_object()) continue;
      Enclosure enclosure;
      enclosure.url = ctx.Url(String(attachment, "url"), ctx.base());
      if (enclosure.url.empty()) continue;
      enclosure.type = ctx.PlainText(String(attachment, "mime_type"));
      auto size = attachment.find("size_in_bytes");
      if (size != attachment.end() && size->is_number_unsigned()) {
        enclosure.length = static_cast<std::int64_t>(
            std::min<std::uint64_t>(size->get<std::uint64_t>(), INT64_MAX));
      }
      item.enclosures.push_back(std::move(enclosure));
    }
  }
  return item;
}

}  // namespace

Result<ParsedFeed> ParseJsonFeed(std::string_view text, ParseContext& ctx) {
  if (!NestingWithin(text, 256)) {
    return Error{ErrorCode::kParse, "JSON nested deeper than 256 levels", ""};
  }
  json document = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return Error{ErrorCode::kParse, "invalid JSON", ""};
  std::string_view version = document.is_object() ? String(document, "version") : "";
  if (!version.starts_with("https://jsonfeed.org/version/") &&
      !version.starts_with("http://jsonfeed.org/version/")) {
    return Error{ErrorCode::kNotAFeed, "JSON document is not a JSON Feed (no jsonfeed.org version)",
                 ""};
  }
  ParsedFeed out;
  std::string_view number = version.substr(version.rfind('/') + 1);
  out.format = number == "1" ? "json1.0" : "json" + ctx.PlainText(number);
  FeedMeta& feed = out.feed;
  feed.title = ctx.PlainText(String(document, "title"));
  feed.link = ctx.Url(String(document, "home_page_url"), ctx.base());
  ctx.UseLinkAsBase(feed.link);
  feed.id = ctx.Url(String(document, "feed_url"), ctx.base());
  feed.subtitle = ctx.PlainText(String(document, "description"));
  feed.language = ctx.PlainText(String(document, "language"));
  feed.author = AuthorName(document, ctx);
  auto items = document.find("items");
  if (items != document.end() && items->is_array()) {
    out.items.reserve(items->size());
    int index = 0;
    for (const json& item : *items) {
      ++index;
      if (item.is_object()) out.items.push_back(ReadItem(item, index, ctx));
    }
  } else {
    ctx.Warn("JSON Feed without an items array");
  }
  return out;
}

}  // namespace tributary::feeds
