// The river page served at "/": the merged items of every feed, newest
// first, planet style (grouped by day, each with its source, time and
// summary), with links to the merged feed outputs. A pure renderer; every
// text field and URL is escaped here, whatever the caller passes.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/time.h"

namespace tributary::output {

struct RiverItem {
  std::string title;         // plain text
  std::string link;          // the item's own page; only http(s) is linked
  std::string source_title;  // the feed it came from
  std::string source_link;   // that feed's site
  std::string author;        // plain text, may be empty
  Timestamp time{};          // published, else updated, else first seen
  // Already sanitised HTML (output/sanitizer.h, kStrict), inserted as is.
  std::string summary_html;
};

// A merged feed output offered for subscription.
struct RiverFeedLink {
  std::string title;      // e.g. "Atom"
  std::string url;        // e.g. "/feed.atom"
  std::string mime_type;  // e.g. "application/atom+xml"
};

struct RiverPage {
  std::string title = "Tributary";
  std::string description;       // plain text, may be empty
  Timestamp generated{};         // now, for the footer
  std::vector<RiverItem> items;  // sorted newest first by the renderer
  std::vector<RiverFeedLink> feeds;
  std::string status_url = "/status";  // empty: no link
  // While feeds_answered < feeds_total the page says how far the first
  // round has come (feeds_total 0: unknown, nothing said).
  std::size_t feeds_answered = 0;
  std::size_t feeds_total = 0;
};

// A complete HTML5 document (UTF-8).
std::string RenderRiverPage(const RiverPage& page);

}  // namespace tributary::output
