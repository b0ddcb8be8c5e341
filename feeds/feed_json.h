// The JSON form of a ParsedFeed, exactly what `tributary parse --json`
// prints (issue 2): keys in a fixed order, absent or empty values omitted,
// dates RFC 3339 in UTC. Warnings and poll hints are not part of it.
#pragma once

#include <string>

#include "feeds/parsed_feed.h"

namespace tributary::feeds {

// `indent` < 0 gives one line; otherwise pretty-printed with that many
// spaces. No trailing newline. Non-ASCII text is written as UTF-8.
// `with_warnings` adds a "warnings" array after "items" (`parse --json
// --warnings`), present even when empty; without it the shape is the one
// above, unchanged.
std::string ParsedFeedToJson(const ParsedFeed& feed, int indent = 2, bool with_warnings = false);

}  // namespace tributary::feeds
