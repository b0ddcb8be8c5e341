// File names for Markdown posts, made from feed data but safe by
// construction (hostile-inputs E7). Pure; thread-safe.
#pragma once

#include <string>

#include "output/entry.h"

namespace tributary::output {

// "YYYY-MM-DD-<slug>-<hash>.md": the item's date (published, else updated)
// in UTC; a slug of the title (ASCII lower-cased, letters and digits of any
// script kept, so CJK stays readable; punctuation, spaces, path separators
// and controls become '-'; at most 120 bytes, cut on a character boundary;
// "post" when nothing is left); and 6 hex digits of a hash of the entry id,
// so two items with one date and title never share a file. Stable: the same
// entry always gets the same name.
std::string PostFileName(const OutputEntry& entry);

}  // namespace tributary::output
