// Renders a merged feed as JSON Feed 1.1, built with nlohmann-json (invalid
// UTF-8 replaced on dump). Pure; thread-safe.
#pragma once

#include <string>

#include "output/entry.h"

namespace tributary::output {

// Items keep id, url, title, content_html (sanitised, kStrict), summary
// (sanitised HTML), dates, authors, tags and attachments; each names its
// sources in the extension object "_tributary": {"sources": [{"title",
// "url", "link", "id", "updated"}]}.
std::string RenderJsonFeed(const FeedDocument& document);

}  // namespace tributary::output
