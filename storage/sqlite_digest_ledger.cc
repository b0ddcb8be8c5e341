#include "storage/sqlite_digest_ledger.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <utility>

namespace tributary::storage {
namespace {

constexpr int kDigestSchemaVersion = 3;

constexpr const char* kRunColumns =
    "id, digest, slot, first_item_id, last_item_id, message_id, state, attempts, "
    "next_attempt, last_error";

DigestRunState StateFromText(const std::string& text) {
  if (text == "planned") return DigestRunState::kPlanned;
  if (text == "sending") return DigestRunState::kSending;
  if (text == "sent") return DigestRunState::kSent;
  return DigestRunState::kFailed;
}

Error LedgerError(const SQLite::Exception& e, const std::string& path, std::string_view action) {
  const int primary = e.getErrorCode() & 0xff;
  const ErrorCode code = primary == SQLITE_BUSY || primary == SQLITE_LOCKED
                             ? ErrorCode::kStorageBusy
                         : primary == SQLITE_FULL ? ErrorCode::kStorageFull
                                                  : ErrorCode::kStorage;
  return Error{
      code, "digest ledger: " + std::string(action) + ": " + e.what() + " (database " + path + ")",
      path};
}

Error OtherError(const std::exception& e, const std::string& path, std::string_view action) {
  return Error{
      ErrorCode::kStorage,
      "digest ledger: " + std::string(action) + ": " + e.what() + " (database " + path + ")", path};
}

DigestRun ReadRun(SQLite::Statement& s) {
  DigestRun run;
  run.id = s.getColumn(0).getInt64();
  run.digest = s.getColumn(1).getString();
  run.slot = FromUnix(s.getColumn(2).getInt64());
  run.first_item_id = s.getColumn(3).getInt64();
  run.last_item_id = s.getColumn(4).getInt64();
  run.message_id = s.getColumn(5).getString();
  run.state = StateFromText(s.getColumn(6).getString());
  run.attempts = s.getColumn(7).getInt();
  run.next_attempt = FromUnix(s.getColumn(8).getInt64());
  run.last_error = s.getColumn(9).getString();
  return run;
}

std::int64_t Unix(Timestamp t) { return static_cast<std::int64_t>(ToUnix(t)); }

}  // namespace

SqliteDigestLedger::SqliteDigestLedger(std::string path, std::unique_ptr<SQLite::Database> db)
    : path_(std::move(path)), db_(std::move(db)) {}

SqliteDigestLedger::~SqliteDigestLedger() = default;

Result<std::unique_ptr<SqliteDigestLedger>> SqliteDigestLedger::Open(const std::string& path) {
  if (path.empty() || path == ":memory:") {
    return Error{ErrorCode::kInvalidArgument,
                 "digests need a database file (storage.path), not an in-memory database", path};
  }
  try {
    auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE);
    db->exec("PRAGMA busy_timeout=5000");
    db->exec("PRAGMA synchronous=FULL");
    const int version = db->execAndGet("PRAGMA user_version").getInt();
    if (version < kDigestSchemaVersion) {
      return Error{ErrorCode::kStorage,
                   "digest ledger: the database schema (version " + std::to_string(version) +
                       ") has no digest tables; open it with the store first (database " + path +
                       ")",
                   path};
    }
    return std::unique_ptr<SqliteDigestLedger>(new SqliteDigestLedger(path, std::move(db)));
  } catch (const SQLite::Exception& e) {
    return LedgerError(e, path, "opening");
  } catch (const std::exception& e) {
    return OtherError(e, path, "opening");
  }
}

Result<std::optional<DigestCursor>> SqliteDigestLedger::LoadCursor(std::string_view digest) {
  try {
    SQLite::Statement s(*db_,
                        "SELECT last_item_id, last_slot FROM digest_cursors WHERE digest = ?");
    s.bind(1, std::string(digest));
    if (!s.executeStep()) return std::optional<DigestCursor>();
    return std::optional<DigestCursor>(
        DigestCursor{s.getColumn(0).getInt64(), FromUnix(s.getColumn(1).getInt64())});
  } catch (const SQLite::Exception& e) {
    return LedgerError(e, path_, "loading the cursor of digest " + std::string(digest));
  } catch (const std::exception& e) {
    return OtherError(e, path_, "loading a digest cursor");
  }
}

Result<void> SqliteDigestLedger::SaveCursor(std::string_view digest, const DigestCursor& cursor) {
  try {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement s(*db_,
                        "INSERT INTO digest_cursors (digest, last_item_id, last_slot) "
                        "VALUES (?, ?, ?) ON CONFLICT (digest) DO UPDATE SET "
                        "last_item_id = excluded.last_item_id, last_slot = excluded.last_slot");
    s.bind(1, std::string(digest));
    s.bind(2, cursor.last_item_id);
    s.bind(3, Unix(cursor.last_slot));
    s.exec();
    tx.commit();
    return Ok();
  } catch (const SQLite::Exception& e) {
    return LedgerError(e, path_, "saving the cursor of digest " + std::string(digest));
  } catch (const std::exception& e) {
    return OtherError(e, path_, "saving a digest cursor");
  }
}

Result<std::optional<DigestRun>> SqliteDigestLedger::LoadOpenRun(std::string_view digest) {
  try {
    SQLite::Statement s(*db_, std::string("SELECT ") + kRunColumns +
                                  " FROM digest_runs WHERE digest = ? AND state IN "
                                  "('planned', 'sending') ORDER BY id LIMIT 1");
    s.bind(1, std::string(digest));
    if (!s.executeStep()) return std::optional<DigestRun>();
    return std::optional<DigestRun>(ReadRun(s));
  } catch (const SQLite::Exception& e) {
    return LedgerError(e, path_, "loading the open run of digest " + std::string(digest));
  } catch (const std::exception& e) {
    return OtherError(e, path_, "loading a digest run");
  }
}

Result<DigestRun> SqliteDigestLedger::PlanRun(const DigestRun& run) {
  try {
    // The run and the cursor move together: every item id up to
    // run.last_item_id now belongs to exactly one run.
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement insert(
        *db_,
        "INSERT INTO digest_runs (digest, slot, first_item_id, last_item_id, message_id, "
        "state, attempts, next_attempt, last_error) VALUES (?, ?, ?, ?, ?, 'planned', ?, ?, ?)");
    insert.bind(1, run.digest);
    insert.bind(2, Unix(run.slot));
    insert.bind(3, run.first_item_id);
    insert.bind(4, run.last_item_id);
    insert.bind(5, run.message_id);
    insert.bind(6, run.attempts);
    insert.bind(7, Unix(run.next_attempt));
    insert.bind(8, run.last_error);
    insert.exec();
    DigestRun planned = run;
    planned.id = db_->getLastInsertRowid();
    planned.state = DigestRunState::kPlanned;
    SQLite::Statement cursor(
        *db_,
        "INSERT INTO digest_cursors (digest, last_item_id, last_slot) "
        "VALUES (?, ?, ?) ON CONFLICT (digest) DO UPDATE SET "
        "last_item_id = excluded.last_item_id, last_slot = excluded.last_slot");
    cursor.bind(1, run.digest);
    cursor.bind(2, run.last_item_id);
    cursor.bind(3, Unix(run.slot));
    cursor.exec();
    tx.commit();
    return planned;
  } catch (const SQLite::Exception& e) {
    return LedgerError(e, path_, "planning a run of digest " + run.digest);
  } catch (const std::exception& e) {
    return OtherError(e, path_, "planning a digest run");
  }
}

Result<void> SqliteDigestLedger::UpdateRun(const DigestRun& run) {
  try {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement s(*db_,
                        "UPDATE digest_runs SET message_id = ?, state = ?, attempts = ?, "
                        "next_attempt = ?, last_error = ? WHERE id = ?");
    s.bind(1, run.message_id);
    s.bind(2, std::string(DigestRunStateName(run.state)));
    s.bind(3, run.attempts);
    s.bind(4, Unix(run.next_attempt));
    s.bind(5, run.last_error);
    s.bind(6, run.id);
    if (s.exec() == 0) {
      return Error{ErrorCode::kNotFound,
                   "digest ledger: no run " + std::to_string(run.id) + " of digest " + run.digest,
                   path_};
    }
    tx.commit();
    return Ok();
  } catch (const SQLite::Exception& e) {
    return LedgerError(e, path_,
                       "updating run " + std::to_string(run.id) + " of digest " + run.digest);
  } catch (const std::exception& e) {
    return OtherError(e, path_, "updating a digest run");
  }
}

Result<std::vector<DigestRun>> SqliteDigestLedger::ListRuns(std::string_view digest) {
  try {
    SQLite::Statement s(*db_, std::string("SELECT ") + kRunColumns +
                                  " FROM digest_runs WHERE digest = ? ORDER BY id");
    s.bind(1, std::string(digest));
    std::vector<DigestRun> runs;
    while (s.executeStep()) runs.push_back(ReadRun(s));
    return runs;
  } catch (const SQLite::Exception& e) {
    return LedgerError(e, path_, "listing the runs of digest " + std::string(digest));
  } catch (const std::exception& e) {
    return OtherError(e, path_, "listing digest runs");
  }
}

}  // namespace tributary::storage
