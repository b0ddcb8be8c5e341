// Renders a merged feed as an Atom 1.0 document (RFC 4287), built with
// pugixml's DOM and saved with format_skip_control_chars, so user data is
// never spliced into markup (hostile-inputs E2, E6). Pure; thread-safe.
#pragma once

#include <string>

#include "output/entry.h"

namespace tributary::output {

// Each entry keeps its id, link, author, dates, categories and enclosures;
// titles are type="text"; summary/content are sanitised HTML (kStrict, the
// entry link as base); the primary source is atom:source, further sources
// (collapsed duplicates) are <tributary:source> extension elements.
std::string RenderAtom(const FeedDocument& document);

}  // namespace tributary::output
