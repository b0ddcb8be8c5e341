// What PgStore and PgDigestLedger share on libpqxx: statement parameters
// (NULL-able, any length), the cached prepared statements of one
// connection, reconnecting after the server went away, and the mapping of
// libpqxx failures to our error codes. Internal to storage/: only .cc files
// include it, so the rest of the tree never sees libpqxx.
#pragma once

#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/time.h"

namespace tributary::storage::pg {

// One statement parameter in text format; nullopt is SQL NULL. A plain
// std::string would do for the non-NULL case, but libpqxx 6.4 has no
// conversion for std::optional.
struct Param {
  std::optional<std::string> text;
};

// `text` as PostgreSQL's text type takes it: valid UTF-8 without NUL. SQLite
// stores any bytes; here each byte that is not part of a valid sequence
// (or is NUL) becomes U+FFFD, so a raw byte in an HTTP header or error
// message cannot make a write fail for good. Feed text is already clean
// (feeds/charset.h), so items are stored unchanged.
std::string StorableText(std::string_view text);

// Parameters of one statement, numbered as they are added: Add returns the
// placeholder ("$3") so dynamic SQL and its parameters cannot drift apart.
// Text goes through StorableText.
class Params {
 public:
  std::string Add(std::int64_t value);
  std::string Add(std::string_view value);
  std::string Add(Timestamp value) { return Add(static_cast<std::int64_t>(ToUnix(value))); }
  std::string Add(const std::optional<Timestamp>& value);
  std::string AddNull();
  const std::vector<Param>& values() const { return values_; }

 private:
  std::string Placeholder() const { return "$" + std::to_string(values_.size()); }
  std::vector<Param> values_;
};

// The URL with any password removed (user:secret@ and password=...): what
// errors and logs call the database.
std::string RedactUrl(std::string_view url);

// Maps a failure while doing `action` on `database` to our codes: a lost
// connection and lock or serialization conflicts are kStorageBusy (retry
// later), disk full (53100) is kStorageFull, the rest kStorage.
Error MapError(const std::exception& e, const std::string& database, std::string_view action);
// True if `e` means the connection is gone (the server stopped, restarted
// or dropped us): the session must reconnect before the next call.
bool IsConnectionLoss(const std::exception& e);

// One connection to the server, opened on first use and again after it was
// lost, with the prepared statements defined on it. Not thread-safe.
class Session {
 public:
  explicit Session(std::string url) : url_(std::move(url)), name_(RedactUrl(url_)) {}
  // The open connection, connecting first if there is none (throws
  // pqxx::broken_connection when the server cannot be reached).
  pqxx::connection& Connection();
  // The name of a statement prepared for `sql` on the current connection
  // (never a new one: a transaction in progress belongs to the current one).
  const std::string& Prepared(const std::string& sql);
  // Forgets the connection after a loss; the next Connection() reconnects.
  void Drop();
  bool IsOpen() const { return connection_ != nullptr && connection_->is_open(); }
  // True if the server closed the (idle) connection: it restarted or ended
  // our backend. libpqxx 6.4 does not notice until it uses the connection,
  // and then leaks a result and reports "Could not obtain client encoding",
  // so we look before each unit of work.
  bool ClosedByServer();
  // Closes the socket but keeps the object, so a transaction still open on
  // it can be destroyed without talking to a server that is gone.
  void Disconnect();
  const std::string& name() const { return name_; }

 private:
  std::string url_;
  std::string name_;
  std::unique_ptr<pqxx::connection> connection_;
  std::map<std::string, std::string> statements_;  // sql -> name
};

// Runs the statement prepared for `sql` with `params` in `tx`.
pqxx::result Exec(pqxx::transaction_base& tx, Session& session, const std::string& sql,
                  const Params& params = {});

// Column readers.
std::string Text(const pqxx::field& f);
std::int64_t Int(const pqxx::field& f);
std::optional<Timestamp> OptionalTime(const pqxx::field& f);
inline Timestamp Time(const pqxx::field& f) { return FromUnix(Int(f)); }

}  // namespace tributary::storage::pg

namespace pqxx {
// Lets Param travel through exec_prepared's dynamic parameter lists.
template <>
struct string_traits<tributary::storage::pg::Param> {
  static constexpr const char* name() noexcept { return "tributary::storage::pg::Param"; }
  static constexpr bool has_null() noexcept { return true; }
  static bool is_null(const tributary::storage::pg::Param& p) { return !p.text.has_value(); }
  static tributary::storage::pg::Param null() { return {}; }
  static void from_string(const char str[], tributary::storage::pg::Param& p) {
    p.text = std::string(str);
  }
  static std::string to_string(const tributary::storage::pg::Param& p) {
    return p.text.value_or("");
  }
};
}  // namespace pqxx
