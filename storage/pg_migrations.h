// PostgreSQL schema migrations: the same versions as storage/migrations.h
// (SQLite), written for PostgreSQL, so both backends' latest schema has the
// same tables, columns and meanings and a copy between them is a plain
// copy. The version lives in the one-row table tributary_schema. Never edit
// a released entry; append a new one to both lists. docs/schema.md
// ("PostgreSQL") describes the differences.
#pragma once

#include <span>

#include "common/result.h"
#include "storage/migrations.h"

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace tributary::storage {

namespace pg {
class Session;
}  // namespace pg

// All PostgreSQL migrations, ascending by version, starting at 1.
std::span<const Migration> PgMigrations();
int PgLatestSchemaVersion();

// Brings the session's database to PgLatestSchemaVersion(), each step in
// its own transaction under an advisory lock (several daemons may start at
// once). Refuses, without writing, a schema newer than this program.
// Throws libpqxx's exceptions for database failures.
Result<void> ApplyPgMigrations(pg::Session& session);
// The schema version of the database `tx` reads; 0 when it has none.
int PgSchemaVersion(pqxx::transaction_base& tx);

}  // namespace tributary::storage
