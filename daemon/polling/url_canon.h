// Canonical URLs: one spelling per page, so the same story reached through
// several feeds collapses to one entry (issue 5). Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tributary::daemon {

// Scheme and host lower-cased, the scheme's default port and the fragment
// dropped, tracking parameters removed (utm_*, fbclid, gclid, spm... plus
// `extra_tracking_params`, compared case-insensitively), the remaining query
// parameters sorted. Parsed with libcurl's URL API. A string curl cannot
// parse as an absolute URL comes back trimmed but otherwise as given.
std::string CanonicalUrl(std::string_view url,
                         const std::vector<std::string>& extra_tracking_params);

// True if `name` is a built-in tracking parameter (case-insensitive).
bool IsTrackingParameter(std::string_view name);

}  // namespace tributary::daemon
