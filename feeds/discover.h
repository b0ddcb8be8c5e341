// Feed discovery: the feeds an HTML page advertises with
// <link rel="alternate" type="application/rss+xml|atom+xml|feed+json">,
// found with gumbo (a real HTML5 parser). Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tributary::feeds {

struct DiscoveredFeed {
  std::string url;    // absolute (against <base href> and the page URL)
  std::string type;   // "application/rss+xml"...
  std::string title;  // the link's title attribute, may be empty
};

// In document order, without duplicate URLs. `html` should be UTF-8.
std::vector<DiscoveredFeed> DiscoverFeeds(std::string_view html, std::string_view page_url);

}  // namespace tributary::feeds
