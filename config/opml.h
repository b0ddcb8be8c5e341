// OPML 2.0 both ways: the feeds of a `feed_lists:` file become FeedConfigs
// (nested outline folders become categories), and the configured feeds can
// be written out for other readers (`tributary opml export`). pugixml is
// used only here and in the output module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "config/config.h"

namespace tributary::config {

struct OpmlFeeds {
  // In document order; mark is file:line of the outline, feed_list the file.
  std::vector<FeedConfig> feeds;
  // Outlines skipped, each "file:line: why" (e.g. a non-http(s) xmlUrl).
  std::vector<std::string> warnings;
};

// Reads the outlines of an OPML document. Only http and https xmlUrl values
// are accepted (anything else could be a command or a local file to other
// readers); the rest are reported in `warnings` with their line. Fails only
// when the document is not OPML at all. `file_name` is used in messages.
Result<OpmlFeeds> ParseOpml(std::string_view xml, const std::string& file_name);

// Reads `path` and parses it; messages name `file_name`.
Result<OpmlFeeds> LoadOpml(const std::string& path, const std::string& file_name);

// Every configured feed as an OPML 2.0 document, in config order, with
// nested folders from categories. Deterministic (no dates), so it can be
// diffed and tested.
std::string ExportOpml(const Config& config);

}  // namespace tributary::config
