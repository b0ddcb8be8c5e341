// Shared pieces of the built-in server's HTML pages (river_page, status_page):
// context escaping, safe link targets, time formats and the stylesheet.
// Pure functions; thread-safe. Internal to output/.
#pragma once

#include <string>
#include <string_view>

#include "common/time.h"

namespace tributary::output::page {

// Escapes text for HTML text and quoted attribute values (& < > " '), and
// drops C0 control characters other than tab, LF and CR.
std::string Escape(std::string_view text);

// An escaped href for a link taken from data: absolute http(s) URLs and
// site-rooted paths ("/feed.atom") pass; anything else ("javascript:",
// "//evil", "data:") gives "" and the caller renders no link.
std::string SafeHref(std::string_view url);

// "Tuesday, 1 December 2026" (UTC).
std::string FormatDay(Timestamp t);
// "06:32" (UTC).
std::string FormatClock(Timestamp t);
// "1 Dec 2026, 06:32 UTC".
std::string FormatDateTime(Timestamp t);
// "just now", "5 min ago", "3 h ago", "2 days ago", or "in 4 min".
std::string FormatAge(Timestamp t, Timestamp now);
// <time datetime="RFC 3339">text</time>, text escaped.
std::string TimeElement(Timestamp t, std::string_view text);

// From <!doctype html> to the opening <body>, with the shared stylesheet
// plus extra_css. head_extra is trusted markup (e.g. <link rel=alternate>).
std::string PageStart(std::string_view title, std::string_view extra_css,
                      std::string_view head_extra);
// Closes what PageStart opened.
std::string PageEnd();

}  // namespace tributary::output::page
