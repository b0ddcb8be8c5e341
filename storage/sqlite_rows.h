// What SqliteStore's files share: the unit-of-work scope, statement
// resets, error mapping, and the binding and reading of rows. Internal to
// storage/: only sqlite_store.cc and sqlite_retention.cc include it.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>

#include "storage/item_json.h"
#include "storage/store.h"

namespace tributary::storage::sqlite {

// The columns of an ItemRecord, in the order ReadItem expects.
inline constexpr std::string_view kItemColumns =
    "id, feed_id, item_key, guid, title, link, canonical_url, author, summary, content, "
    "categories, enclosures, published, updated, first_seen, sort_time, content_hash, "
    "simhash";

inline constexpr std::string_view kFeedStateColumns =
    "etag, last_modified, last_attempt, last_success, next_poll, last_error, error_class, "
    "error_count, http_status, redirect_candidate, redirect_seen, disabled";

inline Error MakeError(ErrorCode code, const std::string& path, std::string message) {
  return Error{code, std::move(message) + " (database " + path + ")", path};
}

// Maps a SQLite failure to our codes; the message says what we were doing,
// what SQLite said, which file, and for the common cases what to do.
inline Error StorageError(const SQLite::Exception& e, const std::string& path,
                          std::string_view action) {
  const int primary = e.getErrorCode() & 0xff;
  std::string message = std::string(action) + ": " + e.what();
  ErrorCode code = ErrorCode::kStorage;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    code = ErrorCode::kStorageBusy;
    message += "; another connection holds the lock, retry later";
  } else if (primary == SQLITE_FULL) {
    code = ErrorCode::kStorageFull;
    message += "; free disk space, nothing was stored";
  } else if (primary == SQLITE_READONLY) {
    message += "; make the database file and its directory writable by the daemon";
  }
  return MakeError(code, path, std::move(message));
}

inline Error OtherError(const std::exception& e, const std::string& path, std::string_view action) {
  return MakeError(ErrorCode::kStorage, path, std::string(action) + ": " + e.what());
}

// One all-or-nothing unit of work. A write on its own is BEGIN IMMEDIATE ..
// COMMIT (the lock is taken up front, never upgraded). Inside a batch
// (BeginBatch), and for reads, it is a savepoint: a failed unit undoes only
// itself while the batch shares one commit, and one sync, among many units;
// a savepoint outside any transaction is a deferred BEGIN.
class Scope {
 public:
  enum Kind { kWrite, kRead };
  Scope(SQLite::Database& db, bool in_batch, Kind kind = kWrite)
      : db_(db), savepoint_(in_batch || kind == kRead) {
    // SQLite rolls the batch back by itself on some errors (a full disk,
    // an I/O error). A write after that would commit on its own, outside
    // the batch, and the batch's redo would then see it as already stored.
    if (in_batch && kind == kWrite && sqlite3_get_autocommit(db_.getHandle()) != 0) {
      throw SQLite::Exception("the batch was rolled back by SQLite after an earlier error",
                              SQLITE_ABORT);
    }
    db_.exec(savepoint_ ? "SAVEPOINT unit" : "BEGIN IMMEDIATE");
  }
  ~Scope() {
    if (done_) return;
    try {
      if (savepoint_) {
        db_.exec("ROLLBACK TO unit");
        db_.exec("RELEASE unit");
      } else {
        db_.exec("ROLLBACK");
      }
    } catch (const SQLite::Exception&) {
      // SQLite already rolled back (SQLITE_FULL, IOERR ...): nothing to undo.
    }
  }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
  void commit() {
    db_.exec(savepoint_ ? "RELEASE unit" : "COMMIT");
    done_ = true;
  }

 private:
  SQLite::Database& db_;
  bool savepoint_;
  bool done_ = false;
};

// Resets a cached statement when the scope ends, so no read transaction
// stays open between calls (it would starve WAL checkpoints).
class ResetOnExit {
 public:
  explicit ResetOnExit(SQLite::Statement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.tryReset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  SQLite::Statement& statement_;
};

inline void BindTime(SQLite::Statement& s, int index, const std::optional<Timestamp>& t) {
  if (t) {
    s.bind(index, static_cast<std::int64_t>(ToUnix(*t)));
  } else {
    s.bind(index);
  }
}

inline std::optional<Timestamp> ColumnTime(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return FromUnix(c.getInt64());
}

inline ItemRecord ReadItem(SQLite::Statement& s) {
  ItemRecord r;
  r.id = s.getColumn(0).getInt64();
  r.feed_id = s.getColumn(1).getInt64();
  r.item_key = s.getColumn(2).getString();
  r.guid = s.getColumn(3).getString();
  r.title = s.getColumn(4).getString();
  r.link = s.getColumn(5).getString();
  r.canonical_url = s.getColumn(6).getString();
  r.author = s.getColumn(7).getString();
  r.summary = s.getColumn(8).getString();
  r.content = s.getColumn(9).getString();
  r.categories = ParseCategories(s.getColumn(10).getString());
  r.enclosures = ParseEnclosures(s.getColumn(11).getString());
  r.published = ColumnTime(s.getColumn(12));
  r.updated = ColumnTime(s.getColumn(13));
  r.first_seen = FromUnix(s.getColumn(14).getInt64());
  r.sort_time = FromUnix(s.getColumn(15).getInt64());
  r.content_hash = s.getColumn(16).getString();
  r.simhash = static_cast<std::uint64_t>(s.getColumn(17).getInt64());
  return r;
}

inline FeedState ReadFeedState(SQLite::Statement& s, int first) {
  FeedState st;
  st.etag = s.getColumn(first + 0).getString();
  st.last_modified = s.getColumn(first + 1).getString();
  st.last_attempt = ColumnTime(s.getColumn(first + 2));
  st.last_success = ColumnTime(s.getColumn(first + 3));
  st.next_poll = ColumnTime(s.getColumn(first + 4));
  st.last_error = s.getColumn(first + 5).getString();
  st.error_class = s.getColumn(first + 6).getString();
  st.error_count = s.getColumn(first + 7).getInt();
  st.http_status = static_cast<long>(s.getColumn(first + 8).getInt64());
  st.redirect_candidate = s.getColumn(first + 9).getString();
  st.redirect_seen = s.getColumn(first + 10).getInt();
  st.disabled = s.getColumn(first + 11).getInt() != 0;
  return st;
}

// Binds every FeedState field to ?1..?12 in kFeedStateColumns order.
inline void BindFeedState(SQLite::Statement& s, const FeedState& st) {
  s.bind(1, st.etag);
  s.bind(2, st.last_modified);
  BindTime(s, 3, st.last_attempt);
  BindTime(s, 4, st.last_success);
  BindTime(s, 5, st.next_poll);
  s.bind(6, st.last_error);
  s.bind(7, st.error_class);
  s.bind(8, st.error_count);
  s.bind(9, static_cast<std::int64_t>(st.http_status));
  s.bind(10, st.redirect_candidate);
  s.bind(11, st.redirect_seen);
  s.bind(12, st.disabled ? 1 : 0);
}

// Binds the mutable content of an item to ?1..?13 (shared by insert and update).
inline void BindItemContent(SQLite::Statement& s, const ItemRecord& r,
                            const std::string& categories, const std::string& enclosures) {
  s.bindNoCopy(1, r.guid);
  s.bindNoCopy(2, r.title);
  s.bindNoCopy(3, r.link);
  s.bindNoCopy(4, r.canonical_url);
  s.bindNoCopy(5, r.author);
  s.bindNoCopy(6, r.summary);
  s.bindNoCopy(7, r.content);
  s.bindNoCopy(8, categories);
  s.bindNoCopy(9, enclosures);
  BindTime(s, 10, r.updated);
  s.bindNoCopy(11, r.content_hash);
  s.bind(12, static_cast<std::int64_t>(r.simhash));
}

inline Error NotFound(const std::string& path, FeedId feed) {
  return MakeError(ErrorCode::kNotFound, path, "feed id " + std::to_string(feed) + " not found");
}

}  // namespace tributary::storage::sqlite
