#include "storage/pg_connection.h"

#include <sys/socket.h>

#include <cerrno>
#include <utility>

namespace tributary::storage::pg {
namespace {

// libpq's messages end with a newline and put DETAIL/HINT on lines of their
// own; a log line wants one line.
std::string OneLine(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "; ";
    } else {
      out += c;
    }
  }
  while (out.size() >= 2 && out.compare(out.size() - 2, 2, "; ") == 0) out.resize(out.size() - 2);
  return out;
}

bool IsBusyState(const std::string& state) {
  // serialization_failure, deadlock_detected, lock_not_available,
  // too_many_connections: someone else holds what we need, for now.
  return state == "40001" || state == "40P01" || state == "55P03" || state == "53300";
}

// Drops "password=..." from a query string or a key=value conninfo.
std::string WithoutPasswordParameter(std::string text, char separator) {
  for (std::size_t at = 0; (at = text.find("password=", at)) != std::string::npos;) {
    if (at != 0 && text[at - 1] != separator && text[at - 1] != '?') {
      at += 9;
      continue;
    }
    std::size_t end = text.find(separator, at);
    if (end == std::string::npos) end = text.size();
    text.replace(at, end - at, "password=***");
    at += 12;
  }
  return text;
}

// The length of the valid UTF-8 sequence at text[i], 0 if there is none.
std::size_t SequenceLength(std::string_view text, std::size_t i) {
  const auto byte = [&text](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  const unsigned char lead = byte(i);
  if (lead >= 0x01 && lead <= 0x7F) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;  // NUL, a continuation byte or an invalid lead
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

std::string StorableText(std::string_view text) {
  std::string out;
  std::size_t done = 0;  // text[0, done) is copied to `out` or needs no copy
  bool changed = false;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = SequenceLength(text, i);
    if (length != 0) {
      i += length;
      continue;
    }
    if (!changed) out.reserve(text.size() + 16);
    changed = true;
    out.append(text.substr(done, i - done));
    out += "\xEF\xBF\xBD";  // U+FFFD
    done = ++i;
  }
  if (!changed) return std::string(text);
  out.append(text.substr(done));
  return out;
}

std::string Params::Add(std::int64_t value) {
  values_.push_back(Param{std::to_string(value)});
  return Placeholder();
}

std::string Params::Add(std::string_view value) {
  values_.push_back(Param{StorableText(value)});
  return Placeholder();
}

std::string Params::Add(const std::optional<Timestamp>& value) {
  if (value) return Add(*value);
  return AddNull();
}

std::string Params::AddNull() {
  values_.push_back(Param{});
  return Placeholder();
}

std::string RedactUrl(std::string_view url) {
  std::string out(url);
  const std::size_t scheme = out.find("://");
  if (scheme == std::string::npos) return WithoutPasswordParameter(out, ' ');
  const std::size_t start = scheme + 3;
  const std::size_t authority_end = out.find_first_of("/?", start);
  const std::size_t at =
      out.rfind('@', authority_end == std::string::npos ? out.size() : authority_end);
  if (at != std::string::npos && at >= start) {
    const std::size_t colon = out.find(':', start);
    if (colon != std::string::npos && colon < at) out.erase(colon, at - colon);
  }
  return WithoutPasswordParameter(out, '&');
}

bool IsConnectionLoss(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) return true;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    // Class 08: connection exception; 57P01..57P03: the server is shutting
    // down, crashed or is starting up.
    const std::string& state = sql->sqlstate();
    return state.rfind("08", 0) == 0 || state.rfind("57P0", 0) == 0;
  }
  return false;
}

Error MapError(const std::exception& e, const std::string& database, std::string_view action) {
  std::string message = std::string(action) + ": " + OneLine(e.what());
  ErrorCode code = ErrorCode::kStorage;
  if (IsConnectionLoss(e)) {
    code = ErrorCode::kStorageBusy;
    message +=
        "; the PostgreSQL server cannot be reached or closed the connection, retry later (the "
        "store reconnects on its next call)";
  } else if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    if (sql->sqlstate() == "53100") {
      code = ErrorCode::kStorageFull;
      message += "; free disk space on the database server, nothing was stored";
    } else if (IsBusyState(sql->sqlstate())) {
      code = ErrorCode::kStorageBusy;
      message += "; another connection holds what this one needs, retry later";
    }
  } else if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    message += "; the connection broke during COMMIT, so it may or may not have happened";
  }
  return Error{code, message + " (database " + database + ")", database};
}

pqxx::connection& Session::Connection() {
  if (connection_ == nullptr || !connection_->is_open() || ClosedByServer()) {
    Drop();
    connection_ = std::make_unique<pqxx::connection>(url_);
  }
  return *connection_;
}

const std::string& Session::Prepared(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    if (!IsOpen()) throw pqxx::broken_connection("the connection to the server was lost");
    std::string name = "tributary_" + std::to_string(statements_.size() + 1);
    connection_->prepare(name, sql);
    it = statements_.emplace(sql, std::move(name)).first;
  }
  return it->second;
}

bool Session::ClosedByServer() {
  if (!IsOpen()) return false;
  try {
    // Reads what the server sent meanwhile (notices, a FATAL before it
    // hung up); what is left on a closed socket is then end-of-file.
    connection_->get_notifs();
  } catch (const std::exception&) {
    return true;
  }
  char byte = 0;
  const ssize_t n = recv(connection_->sock(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

void Session::Disconnect() {
  if (connection_ != nullptr) connection_->disconnect();
}

void Session::Drop() {
  statements_.clear();
  connection_.reset();
}

pqxx::result Exec(pqxx::transaction_base& tx, Session& session, const std::string& sql,
                  const Params& params) {
  return tx.exec_prepared(session.Prepared(sql),
                          pqxx::prepare::make_dynamic_params(params.values()));
}

std::string Text(const pqxx::field& f) { return std::string(f.c_str(), f.size()); }

std::int64_t Int(const pqxx::field& f) { return f.as<std::int64_t>(); }

std::optional<Timestamp> OptionalTime(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return FromUnix(Int(f));
}

}  // namespace tributary::storage::pg
