#include "output/markdown_post.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <kainjow/mustache.hpp>
#include <sstream>
#include <string>
#include <string_view>

#include "output/post_templates.h"
#include "output/sanitizer.h"

namespace tributary::output {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

// The Hexo example's rule for titles: characters that are quotes or unsafe
// in a file name become '_'.
std::string PostTitle(std::string_view title) {
  std::string out;
  std::string controls_marked(title);
  for (char& c : controls_marked) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '/';
  }
  std::string clean = CleanText(controls_marked);
  for (std::size_t i = 0; i < clean.size(); ++i) {
    std::string_view rest(clean.data() + i, clean.size() - i);
    if (rest.starts_with("\u201C") || rest.starts_with("\u201D")) {
      out += '_';
      i += 2;
      continue;
    }
    char c = clean[i];
    bool unsafe = static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    if (unsafe || std::string_view("\"'/\\:*?<>|").find(c) != std::string_view::npos) {
      out += '_';
    } else {
      out += c;
    }
  }
  return out;
}

// Text for inside a YAML single-quoted scalar: one line, ' doubled.
std::string SingleQuoted(std::string_view text) {
  std::string out;
  for (char c : CleanText(text)) {
    if (c == '\'') {
      out += "''";
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

bool NeedsQuotes(std::string_view text) {
  if (text.empty() || text.front() == ' ' || text.back() == ' ') return true;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`~=").find(text.front()) != std::string_view::npos) {
    return true;
  }
  if (text.find(": ") != std::string_view::npos || text.find(" #") != std::string_view::npos ||
      text.back() == ':') {
    return true;
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20) return true;
  }
  std::string lower;
  for (char c : text) lower += static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
  for (std::string_view word : {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}) {
    if (lower == word) return true;
  }
  // Anything that could read as a number or date.
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') ||
           std::string_view("+-.:eE_ xXoO").find(c) != std::string_view::npos;
  });
}

// A YAML scalar: plain when that reads back as the same string, else
// single-quoted.
std::string YamlScalar(std::string_view text) {
  std::string line = SingleQuoted(text);  // one line, valid UTF-8
  std::string plain = CleanText(text);
  std::replace_if(
      plain.begin(), plain.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  if (!NeedsQuotes(plain)) return plain;
  return "'" + line + "'";
}

std::string EscapeBraces(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  for (char c : html) {
    if (c == '{') {
      out += "&#123;";
    } else if (c == '}') {
      out += "&#125;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string JekyllDate(Timestamp t) {
  std::string iso = FormatRfc3339(t);  // 2022-05-09T02:48:24Z
  return iso.substr(0, 10) + " " + iso.substr(11, 8) + " +0000";
}

data StringList(const std::vector<std::string>& values) {
  data list{data::type::list};
  for (const std::string& value : values) {
    if (!CleanText(value).empty()) list.push_back(data{YamlScalar(value)});
  }
  return list;
}

std::string HeadImage(std::string_view body, const std::string& link) {
  std::string source = FirstImageSource(body);
  if (source.empty()) return "";
  if (!IsHttpUrl(source)) {
    if (!IsHttpUrl(link)) return "";
    source = ResolveUrl(link, source);
  }
  return IsHttpUrl(source) ? source : "";
}

data PostData(const OutputEntry& entry, const PostSettings& settings) {
  const SourceRef* source = entry.sources.empty() ? nullptr : &entry.sources.front();
  std::string raw_body = !entry.content.empty() ? entry.content : entry.summary;
  SanitizeOptions options;
  options.mode = SanitizeMode::kActiveContentOnly;
  options.allow_data_images = true;
  std::string body = SanitizeHtml(CleanText(raw_body), options);

  data values;
  values.set("title", SingleQuoted(PostTitle(entry.title)));
  std::vector<std::string> categories;
  if (source != nullptr) {
    categories = source->categories;
    // The Hexo example: configured folders, then the feed's own title.
    const std::string& feed_title =
        !source->feed_title.empty() ? source->feed_title : source->title;
    if (!feed_title.empty()) categories.push_back(feed_title);
  }
  data category_list = StringList(categories);
  values.set("has_categories", !category_list.is_empty_list());
  values.set("categories", std::move(category_list));
  data tag_list = StringList(entry.categories);
  values.set("has_tags", !tag_list.is_empty_list());
  values.set("tags", std::move(tag_list));
  std::string link = SafeHttpUrl(entry.link);
  std::string headimg = HeadImage(body, link);
  values.set("has_headimg", !headimg.empty());
  values.set("headimg", SingleQuoted(headimg));
  std::string author = entry.author;
  if (author.empty()) author = settings.default_author;
  if (author.empty() && source != nullptr) {
    author = !source->feed_title.empty() ? source->feed_title : source->title;
  }
  values.set("author", YamlScalar(author));
  Timestamp date = entry.published.value_or(entry.updated);
  values.set("date_rfc1123", FormatRfc1123(date));
  values.set("date_rfc3339", FormatRfc3339(date));
  values.set("updated_rfc3339", FormatRfc3339(entry.updated));
  values.set("date_jekyll", JekyllDate(date));
  values.set("has_link", !link.empty());
  values.set("link", SingleQuoted(link));
  values.set("source_title", YamlScalar(source != nullptr ? source->title : ""));
  values.set("id", YamlScalar(entry.id));
  values.set("body", EscapeBraces(body));
  return values;
}

}  // namespace

Result<std::string> LoadPostTemplate(const std::string& name_or_path) {
  if (name_or_path.empty() || name_or_path == "hexo") return std::string(kHexoPostTemplate);
  if (name_or_path == "hugo") return std::string(kHugoPostTemplate);
  if (name_or_path == "jekyll") return std::string(kJekyllPostTemplate);
  std::ifstream in(name_or_path, std::ios::binary);
  if (!in) {
    return Error{ErrorCode::kIo,
                 "cannot read post template (not hexo, hugo or jekyll, and no such file)",
                 name_or_path};
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Result<std::string> RenderMarkdownPost(const OutputEntry& entry, const PostSettings& settings) {
  Result<std::string> text = LoadPostTemplate(settings.template_name);
  if (!text) return text.error();
  mustache post_template{*text};
  if (!post_template.is_valid()) {
    return Error{ErrorCode::kInvalidArgument, "bad post template: " + post_template.error_message(),
                 settings.template_name};
  }
  std::string post = post_template.render(PostData(entry, settings));
  if (!post_template.is_valid()) {
    return Error{ErrorCode::kInvalidArgument,
                 "cannot render post template: " + post_template.error_message(),
                 settings.template_name};
  }
  return post;
}

}  // namespace tributary::output
