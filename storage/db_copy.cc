#include "storage/db_copy.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <array>
#include <pqxx/pqxx>
#include <string_view>

#include "storage/pg_connection.h"
#include "storage/pg_store.h"
#include "storage/sqlite_store.h"

namespace tributary::storage {
namespace {

struct TableSpec {
  std::string_view name;
  std::string_view identity;  // the id column whose sequence follows, or ""
  std::string_view order_by;  // the primary key (some tables have no rowid)
};

// Parents before children (items and tombstones reference feeds). The
// columns are read from the source: both schemas have the same ones
// (pg_store_test checks), so a column a migration adds is copied too.
constexpr std::array kTables = {
    TableSpec{"feeds", "id", "id"},
    TableSpec{"items", "id", "id"},
    TableSpec{"tombstones", "", "feed_id, item_key"},
    TableSpec{"digest_cursors", "", "digest"},
    TableSpec{"digest_runs", "id", "id"},
};

// "a, b, c": the table's columns in the source database.
std::string ColumnsOf(SQLite::Database& source, std::string_view table) {
  SQLite::Statement info(source, "SELECT name FROM pragma_table_info(?)");
  info.bind(1, std::string(table));
  std::string columns;
  while (info.executeStep()) {
    columns += (columns.empty() ? "" : ", ") + info.getColumn(0).getString();
  }
  return columns;
}

// Rows per INSERT: a few hundred keeps round trips few and statements small.
constexpr int kRowsPerInsert = 200;

std::size_t ColumnCount(std::string_view columns) {
  std::size_t n = 1;
  for (char c : columns) n += c == ',' ? 1 : 0;
  return n;
}

void AddValue(pg::Params& params, const SQLite::Column& column, std::string& sql) {
  if (column.isNull()) {
    sql += params.AddNull();
  } else if (column.isInteger()) {
    sql += params.Add(static_cast<std::int64_t>(column.getInt64()));
  } else {
    sql += params.Add(std::string_view(static_cast<const char*>(column.getBlob()),
                                       static_cast<std::size_t>(column.getBytes())));
  }
}

// Copies one table; returns the rows copied.
std::int64_t CopyTable(SQLite::Database& source, pqxx::transaction_base& tx, pg::Session& session,
                       const TableSpec& table) {
  const std::string columns = ColumnsOf(source, table.name);
  const std::string insert =
      "INSERT INTO " + std::string(table.name) + " (" + columns + ") VALUES ";
  const std::size_t width = ColumnCount(columns);
  SQLite::Statement read(source, "SELECT " + columns + " FROM " + std::string(table.name) +
                                     " ORDER BY " + std::string(table.order_by));
  std::int64_t copied = 0;
  pg::Params params;
  std::string sql = insert;
  int pending = 0;
  auto flush = [&] {
    if (pending == 0) return;
    pg::Exec(tx, session, sql, params);
    params = pg::Params();
    sql = insert;
    pending = 0;
  };
  while (read.executeStep()) {
    sql += pending == 0 ? "(" : ",(";
    for (std::size_t i = 0; i < width; ++i) {
      if (i > 0) sql += ",";
      AddValue(params, read.getColumn(static_cast<int>(i)), sql);
    }
    sql += ")";
    ++copied;
    if (++pending == kRowsPerInsert) flush();
  }
  flush();
  if (!table.identity.empty()) {
    // New rows continue after the copied ids.
    tx.exec("SELECT setval(pg_get_serial_sequence('" + std::string(table.name) + "', '" +
            std::string(table.identity) + "'), (SELECT COALESCE(MAX(" +
            std::string(table.identity) + "), 0) + 1 FROM " + std::string(table.name) +
            "), false)");
  }
  return copied;
}

std::int64_t Count(pqxx::transaction_base& tx, std::string_view table) {
  return tx.exec1("SELECT count(*) FROM " + std::string(table))[0].as<std::int64_t>();
}

Result<void> CheckEmpty(pqxx::transaction_base& tx, const std::string& name) {
  for (const TableSpec& table : kTables) {
    if (const auto rows = Count(tx, table.name); rows > 0) {
      return Error{ErrorCode::kStorage,
                   "the target already holds " + std::to_string(rows) + " row(s) in " +
                       std::string(table.name) + "; copy into an empty database",
                   name};
    }
  }
  return Ok();
}

}  // namespace

Result<std::vector<CopiedTable>> CopySqliteToPostgres(const std::string& sqlite_path,
                                                      const std::string& pg_url) {
  // Both opened through their stores first: the source is upgraded to the
  // latest schema (or refused), the target's schema is created.
  if (auto upgraded = SqliteStore::Open(sqlite_path); !upgraded) return upgraded.error();
  auto target = PgStore::Open(pg_url);
  if (!target) return target.error();
  const std::string name = (*target)->name();
  target->reset();
  pg::Session session(pg_url);
  try {
    SQLite::Database source(sqlite_path, SQLite::OPEN_READONLY);
    SQLite::Transaction snapshot(source);  // one consistent read of every table
    pqxx::work tx(session.Connection());
    if (auto empty = CheckEmpty(tx, name); !empty) return empty.error();
    std::vector<CopiedTable> copied;
    for (const TableSpec& table : kTables) {
      copied.push_back({std::string(table.name), CopyTable(source, tx, session, table)});
      if (const auto rows = Count(tx, table.name); rows != copied.back().rows) {
        return Error{ErrorCode::kStorage,
                     std::string(table.name) + ": " + std::to_string(copied.back().rows) +
                         " rows read but " + std::to_string(rows) +
                         " in the target; nothing copied",
                     name};
      }
    }
    tx.commit();
    return copied;
  } catch (const SQLite::Exception& e) {
    return Error{ErrorCode::kStorage, std::string("cannot read the source: ") + e.what(),
                 sqlite_path};
  } catch (const std::exception& e) {
    return pg::MapError(e, name, "cannot copy into the database");
  }
}

}  // namespace tributary::storage
