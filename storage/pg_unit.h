// PgStore's unit of work, shared by its source files (pg_store.cc,
// pg_cluster.cc): not a public interface.
#pragma once

#include <exception>
#include <memory>
#include <pqxx/pqxx>
#include <string_view>
#include <type_traits>

#include "storage/pg_connection.h"
#include "storage/pg_store.h"

namespace tributary::storage {
namespace pg {

// One all-or-nothing unit of work: a transaction of its own, or inside a
// batch a savepoint of the batch's transaction. In PostgreSQL a failed
// statement aborts the whole transaction; rolling back to the savepoint is
// what lets the batch go on. (libpqxx 6.4's subtransaction opens its
// savepoint only for exec(), not for exec_prepared(), so it is not used.)
class Unit {
 public:
  Unit(pg::Session& session, pqxx::dbtransaction* batch) : batch_(batch) {
    if (batch_ != nullptr) {
      batch_->exec("SAVEPOINT unit");
    } else {
      own_ = std::make_unique<pqxx::work>(session.Connection());
    }
  }
  ~Unit() {
    if (done_ || batch_ == nullptr) return;  // an uncommitted pqxx::work rolls back itself
    try {
      batch_->exec("ROLLBACK TO SAVEPOINT unit");
      batch_->exec("RELEASE SAVEPOINT unit");
    } catch (const std::exception&) {
      // The connection is gone; the batch is lost with it (PgStore::Failed).
    }
  }
  Unit(const Unit&) = delete;
  Unit& operator=(const Unit&) = delete;

  pqxx::transaction_base& tx() {
    if (batch_ != nullptr) return *batch_;
    return *own_;
  }
  void commit() {
    if (batch_ != nullptr) {
      batch_->exec("RELEASE SAVEPOINT unit");
    } else {
      own_->commit();
    }
    done_ = true;
  }

 private:
  pqxx::dbtransaction* batch_;
  std::unique_ptr<pqxx::work> own_;
  bool done_ = false;
};

}  // namespace pg

// Runs `body` in one Unit; a Result that failed, or an exception, rolls it
// back, and the exception becomes the store's error for `action`.
template <typename Body>
auto PgStore::InUnit(std::string_view action, Body&& body) {
  using R = std::invoke_result_t<Body&, pqxx::transaction_base&>;
  if (auto usable = Usable(); !usable) return R(usable.error());
  try {
    pg::Unit unit(*session_, batch_.get());
    R result = body(unit.tx());
    if (result) unit.commit();
    return result;
  } catch (const std::exception& e) {
    return R(Failed(e, action));
  }
}

}  // namespace tributary::storage
