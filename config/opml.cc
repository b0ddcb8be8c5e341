#include "config/opml.h"

#include <algorithm>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>

#include "config/url.h"

namespace tributary::config {
namespace {

// Maps pugixml byte offsets to 1-based line numbers.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') line_starts_.push_back(static_cast<std::ptrdiff_t>(i + 1));
    }
  }
  int LineOf(std::ptrdiff_t offset) const {
    auto after = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    return static_cast<int>(after - line_starts_.begin()) + 1;
  }

 private:
  std::vector<std::ptrdiff_t> line_starts_;
};

std::string OutlineTitle(const pugi::xml_node& outline) {
  std::string title = outline.attribute("title").as_string();
  if (title.empty()) title = outline.attribute("text").as_string();
  return title;
}

class OpmlReader {
 public:
  OpmlReader(std::string_view text, const std::string& file_name)
      : lines_(text), file_name_(file_name) {}

  // Walks the children of `parent`; `folders` is the category path so far.
  void Walk(const pugi::xml_node& parent, std::vector<std::string>& folders) {
    for (pugi::xml_node outline : parent.children("outline")) {
      pugi::xml_attribute xml_url = outline.attribute("xmlUrl");
      if (xml_url) {
        AddFeed(outline, xml_url.as_string(), folders);
      } else if (outline.first_child()) {
        folders.push_back(OutlineTitle(outline));
        Walk(outline, folders);
        folders.pop_back();
      }
    }
  }

  OpmlFeeds Take() { return std::move(result_); }

 private:
  void AddFeed(const pugi::xml_node& outline, const std::string& url,
               const std::vector<std::string>& folders) {
    const int line = lines_.LineOf(outline.offset_debug());
    const std::string where = file_name_ + ":" + std::to_string(line) + ": ";
    std::string why;
    std::optional<CheckedUrl> checked = CheckUrl(url, &why);
    if (checked && checked->scheme != "http" && checked->scheme != "https") {
      why = "only http and https feeds can be imported";
      checked.reset();
    }
    if (!checked) {
      result_.warnings.push_back(where + "outline \"" + OutlineTitle(outline) + "\" skipped: \"" +
                                 url + "\" is not usable (" + why + ")");
      return;
    }
    FeedConfig feed;
    feed.url = url;
    feed.name = OutlineTitle(outline);
    if (feed.name == url) feed.name.clear();  // exported unnamed feeds carry their URL
    feed.categories = folders;
    feed.mark = SourceMark{file_name_, line, 0};
    feed.feed_list = file_name_;
    result_.feeds.push_back(std::move(feed));
  }

  LineIndex lines_;
  const std::string& file_name_;
  OpmlFeeds result_;
};

// Finds or makes the folder outline `name` under `parent`.
pugi::xml_node FolderNode(pugi::xml_node parent, const std::string& name) {
  for (pugi::xml_node child : parent.children("outline")) {
    if (!child.attribute("xmlUrl") && name == child.attribute("text").as_string()) return child;
  }
  pugi::xml_node folder = parent.append_child("outline");
  folder.append_attribute("text") = name.c_str();
  folder.append_attribute("title") = name.c_str();
  return folder;
}

}  // namespace

Result<OpmlFeeds> ParseOpml(std::string_view xml, const std::string& file_name) {
  pugi::xml_document document;
  pugi::xml_parse_result parsed =
      document.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_auto);
  if (!parsed) {
    LineIndex lines(xml);
    return Error{ErrorCode::kConfig, std::string("not well-formed XML: ") + parsed.description(),
                 file_name + ":" + std::to_string(lines.LineOf(parsed.offset))};
  }
  pugi::xml_node body = document.child("opml").child("body");
  if (!body) {
    return Error{ErrorCode::kConfig, "not an OPML document (no <opml><body>)", file_name};
  }
  OpmlReader reader(xml, file_name);
  std::vector<std::string> folders;
  reader.Walk(body, folders);
  return reader.Take();
}

Result<OpmlFeeds> LoadOpml(const std::string& path, const std::string& file_name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::kConfig, "cannot read OPML file \"" + path + "\"", file_name};
  std::ostringstream text;
  text << in.rdbuf();
  return ParseOpml(text.str(), file_name);
}

std::string ExportOpml(const Config& config) {
  pugi::xml_document document;
  pugi::xml_node declaration = document.append_child(pugi::node_declaration);
  declaration.append_attribute("version") = "1.0";
  declaration.append_attribute("encoding") = "UTF-8";
  pugi::xml_node opml = document.append_child("opml");
  opml.append_attribute("version") = "2.0";
  opml.append_child("head").append_child("title").text() = "Tributary subscriptions";
  pugi::xml_node body = opml.append_child("body");
  for (const FeedConfig& feed : config.feeds) {
    pugi::xml_node parent = body;
    for (const std::string& folder : feed.categories) parent = FolderNode(parent, folder);
    pugi::xml_node outline = parent.append_child("outline");
    const std::string name = FeedDisplayName(feed);
    outline.append_attribute("type") = "rss";
    outline.append_attribute("text") = name.c_str();
    outline.append_attribute("title") = name.c_str();
    outline.append_attribute("xmlUrl") = feed.url.c_str();
  }
  std::ostringstream out;
  document.save(out, "  ", pugi::format_default | pugi::format_skip_control_chars,
                pugi::encoding_utf8);
  return out.str();
}

}  // namespace tributary::config
