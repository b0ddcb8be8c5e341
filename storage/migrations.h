// Schema migrations: an ordered list of (version, SQL), applied in order to
// bring a database from its PRAGMA user_version to kLatestSchemaVersion.
// Never edit a released entry; append a new one. docs/schema.md describes
// the resulting schema.
#pragma once

#include <span>
#include <string_view>

namespace tributary::storage {

struct Migration {
  int version;           // user_version after this step
  std::string_view sql;  // statements run in one transaction
};

// All migrations, ascending by version, starting at 1.
std::span<const Migration> Migrations();
int LatestSchemaVersion();

}  // namespace tributary::storage
