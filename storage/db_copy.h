// Moving from SQLite to PostgreSQL: `tributary db copy --from FILE.db --to
// postgresql://...` copies every table (feeds with their polling state,
// items, tombstones, digest cursors and runs) with their ids, so digest
// cursors and Message-IDs keep meaning what they meant, into an empty
// PostgreSQL schema, in one transaction, then checks the counts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace tributary::storage {

struct CopiedTable {
  std::string name;
  std::int64_t rows = 0;
};

// Brings the SQLite database at `sqlite_path` to the latest schema, creates
// the schema at `pg_url`, refuses a target that holds any row, copies, and
// commits only if every table's count matches the source's.
Result<std::vector<CopiedTable>> CopySqliteToPostgres(const std::string& sqlite_path,
                                                      const std::string& pg_url);

}  // namespace tributary::storage
