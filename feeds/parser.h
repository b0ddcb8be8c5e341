// ParseFeed: a pure function from the bytes of a response to a ParsedFeed.
// No network, clock, database, config or logging: problems that were
// recovered from go into ParsedFeed::warnings, and a document that is not a
// feed at all is an Error (kNotAFeed, naming any feed the page advertises).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "feeds/parsed_feed.h"

namespace tributary::feeds {

struct ParseOptions {
  // The URL the document was fetched from; the base for relative URLs.
  std::string feed_url;
  // The HTTP Content-Type header, if any (its charset takes part in the
  // encoding decision).
  std::string content_type;
};

// `body` is the raw response body in whatever encoding it came.
Result<ParsedFeed> ParseFeed(std::string_view body, const ParseOptions& options);

}  // namespace tributary::feeds
