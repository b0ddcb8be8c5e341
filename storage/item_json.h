// The JSON text of items.categories and items.enclosures, shared by every
// backend so the columns hold the same bytes in SQLite and PostgreSQL (a
// copy between them is then a plain copy).
#pragma once

#include <string>
#include <vector>

#include "storage/store.h"

namespace tributary::storage {

// ["News","Tech"]; invalid UTF-8 is replaced, never a failure.
std::string CategoriesJson(const std::vector<std::string>& categories);
// [{"url":..,"type":..,"length":..?}].
std::string EnclosuresJson(const std::vector<EnclosureRecord>& enclosures);
// Lenient: anything that is not the expected shape reads as empty.
std::vector<std::string> ParseCategories(const std::string& text);
std::vector<EnclosureRecord> ParseEnclosures(const std::string& text);

}  // namespace tributary::storage
