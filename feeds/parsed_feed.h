// The plain result of parsing one feed document: no I/O, no storage ids.
// Every string is valid UTF-8. Titles are plain text (entities decoded);
// summary and content are HTML as the feed gave it (relative URLs made
// absolute). This is also the shape `tributary parse --json` prints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"

namespace tributary::feeds {

struct Enclosure {
  std::string url;
  std::string type;
  std::optional<std::int64_t> length;
};

struct ParsedItem {
  std::string id;  // guid / atom:id / JSON id, trimmed; empty when absent
  std::string title;
  std::string link;    // absolute
  std::string author;  // first author, display form
  std::optional<Timestamp> published;
  std::optional<Timestamp> updated;
  std::string summary;  // HTML
  std::string content;  // HTML
  std::vector<std::string> categories;
  std::vector<Enclosure> enclosures;
};

struct FeedMeta {
  std::string title;
  std::string link;  // the site (alternate), absolute
  std::string id;
  std::string subtitle;
  std::string language;
  std::string author;
  std::optional<Timestamp> updated;
  std::string generator;
};

// What the document says about how often to poll it (issue 3 uses these).
struct PollHints {
  std::optional<int> ttl_minutes;        // RSS <ttl>
  std::optional<Seconds> update_period;  // sy:updatePeriod / sy:updateFrequency
  std::vector<int> skip_hours;           // RSS <skipHours>, 0-23 UTC
  std::vector<std::string> skip_days;    // RSS <skipDays>, "Monday"...
};

struct ParsedFeed {
  std::string format;  // "rss2.0", "rss1.0", "rss0.91", "atom1.0", "atom0.3", "json1.1"...
  FeedMeta feed;
  std::vector<ParsedItem> items;  // document order
  PollHints hints;
  // Problems that were recovered from ("bozo" reasons), human readable,
  // e.g. "undefined entity &nbsp; decoded", "document truncated after item 3".
  std::vector<std::string> warnings;
};

}  // namespace tributary::feeds
