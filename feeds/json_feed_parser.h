// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) with
// nlohmann-json. Internal to feeds/.
#pragma once

#include <string_view>

#include "common/result.h"
#include "feeds/parse_context.h"
#include "feeds/parsed_feed.h"

namespace tributary::feeds {

// Parses a UTF-8 JSON document. kNotAFeed when it is JSON but not a JSON
// Feed, kParse when it is not valid JSON.
Result<ParsedFeed> ParseJsonFeed(std::string_view json, ParseContext& ctx);

}  // namespace tributary::feeds
