// The input of every renderer in output/: plain structs the daemon fills
// from storage query results, so output/ never sees the store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"

namespace tributary::output {

// A feed an entry came from (atom:source, RSS <source>, JSON Feed extension).
struct SourceRef {
  std::string title;  // the feed's display name (configured name, else its own title)
  std::string url;    // the feed's own URL (self)
  std::string link;   // the feed's site
  std::string id;     // the feed's id (atom:id), else its URL
  std::vector<std::string> categories;  // the reader's folders for this feed
  std::optional<Timestamp> updated;     // the feed's own updated time, if known
  std::string feed_title;               // the feed's own title, from its document (may be empty)
};

struct OutputEnclosure {
  std::string url;
  std::string type;
  std::optional<std::int64_t> length;
};

struct OutputEntry {
  std::string id;     // stable across regenerations: the guid if it is a URI, else tag: URI
  std::string title;  // plain text
  std::string link;
  std::string author;
  std::optional<Timestamp> published;
  Timestamp updated{};  // updated, else published, else first seen
  Timestamp sort_time{};
  std::string summary;  // HTML, as stored (renderers sanitise)
  std::string content;  // HTML, as stored (renderers sanitise)
  std::vector<std::string> categories;
  std::vector<OutputEnclosure> enclosures;
  // The first is the primary source; more when cross-feed duplicates collapsed.
  std::vector<SourceRef> sources;
};

// A merged feed document to render.
struct FeedDocument {
  std::string title;
  std::string id;        // stable id of this output (tag: URI or its URL)
  std::string self_url;  // where it is served, if anywhere
  std::string site_url;  // the river page, if any
  std::string generator = "Tributary";
  Timestamp updated{};               // newest entry's updated time
  std::vector<OutputEntry> entries;  // newest first
};

}  // namespace tributary::output
