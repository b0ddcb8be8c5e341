// URL checks shared by the YAML loader and the OPML importer, on libcurl's
// URL parser (CURLU). Internal to the config module.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tributary::config {

struct CheckedUrl {
  std::string scheme;  // lower case: "http", "https", "file"
  std::string url;     // the URL as curl normalises it
  // For duplicate detection: `url` with scheme and host in lower case.
  std::string identity;
};

// Parses `url` with CURLU. On failure returns nullopt and sets `why` to
// curl's reason ("No host part in the URL").
std::optional<CheckedUrl> CheckUrl(std::string_view url, std::string* why);

// A file:// URL for an absolute path, percent-encoded by curl.
std::optional<std::string> FileUrlForPath(const std::string& absolute_path);

}  // namespace tributary::config
