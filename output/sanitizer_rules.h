// The sanitiser's rules: which tags and attributes are active, allowed or
// dropped, and how a browser reads a URL attribute before it trusts its
// scheme. Internal to output/ (sanitizer.cc and its tests); the policy is
// described in sanitizer.h.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace tributary::output::sanitizer_rules {

bool IsVoid(std::string_view tag);
// Tags whose whole subtree goes, in every mode: they run code, load other
// documents, change how the page resolves URLs, or parse differently in
// different contexts (mXSS).
bool IsActiveTag(std::string_view tag);

// Strict mode: subtrees dropped beyond the active ones.
bool IsStrictDroppedTag(std::string_view tag);

bool StrictAllowsTag(std::string_view tag);

bool StrictAllowsAttribute(std::string_view tag, std::string_view name);

bool IsUrlAttribute(std::string_view name);

bool IsValidAttributeName(std::string_view name);

bool IsValidTagName(std::string_view name);

// What a browser makes of an attribute value before URL parsing, made
// stricter for the scheme test: every control and white space removed.
std::string StripForScheme(std::string_view url);

// Browsers trim C0 controls and spaces at both ends and drop TAB/LF/CR.
std::string BrowserNormalisedUrl(std::string_view url);

// The lower-cased scheme of `url`, or "" for a relative reference.
std::string SchemeOf(std::string_view stripped);

bool IsSafeDataImage(std::string_view stripped);

}  // namespace tributary::output::sanitizer_rules
