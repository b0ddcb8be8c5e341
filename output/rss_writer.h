// Renders a merged feed as RSS 2.0, built with pugixml's DOM and saved with
// format_skip_control_chars (hostile-inputs E6). Pure; thread-safe.
#pragma once

#include <string>

#include "output/entry.h"

namespace tributary::output {

// Each item keeps its link, guid (the stable entry id), author (dc:creator),
// dates (pubDate; atom:updated), categories and enclosures (RSS allows one
// <enclosure>; further ones are atom:link rel="enclosure"), and names its
// source with <source url="...">. The description is the sanitised content,
// else summary (kStrict, entry link as base).
std::string RenderRss(const FeedDocument& document);

}  // namespace tributary::output
