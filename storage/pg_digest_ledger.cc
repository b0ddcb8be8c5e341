#include "storage/pg_digest_ledger.h"

#include <type_traits>
#include <utility>

#include "storage/pg_connection.h"
#include "storage/pg_migrations.h"

namespace tributary::storage {
namespace {

using pg::Exec;
using pg::Int;
using pg::Params;
using pg::Text;
using pg::Time;

constexpr int kDigestSchemaVersion = 3;

constexpr std::string_view kRunColumns =
    "id, digest, slot, first_item_id, last_item_id, message_id, state, attempts, "
    "next_attempt, last_error";

constexpr std::string_view kSaveCursor =
    "INSERT INTO digest_cursors (digest, last_item_id, last_slot) VALUES ($1, $2, $3) "
    "ON CONFLICT (digest) DO UPDATE SET last_item_id = EXCLUDED.last_item_id, "
    "last_slot = EXCLUDED.last_slot";

DigestRunState StateFromText(const std::string& text) {
  if (text == "planned") return DigestRunState::kPlanned;
  if (text == "sending") return DigestRunState::kSending;
  if (text == "sent") return DigestRunState::kSent;
  return DigestRunState::kFailed;
}

DigestRun ReadRun(const pqxx::row& row) {
  DigestRun run;
  run.id = Int(row[0]);
  run.digest = Text(row[1]);
  run.slot = Time(row[2]);
  run.first_item_id = Int(row[3]);
  run.last_item_id = Int(row[4]);
  run.message_id = Text(row[5]);
  run.state = StateFromText(Text(row[6]));
  run.attempts = static_cast<int>(Int(row[7]));
  run.next_attempt = Time(row[8]);
  run.last_error = Text(row[9]);
  return run;
}

Error LedgerError(const std::exception& e, const std::string& name, std::string_view action) {
  Error error = pg::MapError(e, name, action);
  error.message = "digest ledger: " + error.message;
  return error;
}

}  // namespace

PgDigestLedger::PgDigestLedger(std::unique_ptr<pg::Session> session)
    : session_(std::move(session)) {}

PgDigestLedger::~PgDigestLedger() = default;

Result<std::unique_ptr<PgDigestLedger>> PgDigestLedger::Open(const std::string& url) {
  auto session = std::make_unique<pg::Session>(url);
  try {
    pqxx::read_transaction tx(session->Connection());
    const int version = PgSchemaVersion(tx);
    if (version < kDigestSchemaVersion) {
      return Error{ErrorCode::kStorage,
                   "digest ledger: the database schema (version " + std::to_string(version) +
                       ") has no digest tables; open it with the store first (database " +
                       session->name() + ")",
                   session->name()};
    }
  } catch (const std::exception& e) {
    return LedgerError(e, session->name(), "opening");
  }
  return std::unique_ptr<PgDigestLedger>(new PgDigestLedger(std::move(session)));
}

template <typename Body>
auto PgDigestLedger::InTransaction(std::string_view action, Body&& body) {
  using R = std::invoke_result_t<Body&, pqxx::transaction_base&>;
  try {
    pqxx::work tx(session_->Connection());
    R result = body(static_cast<pqxx::transaction_base&>(tx));
    if (result) tx.commit();
    return result;
  } catch (const std::exception& e) {
    if (pg::IsConnectionLoss(e) || !session_->IsOpen()) session_->Drop();
    return R(LedgerError(e, session_->name(), action));
  }
}

Result<std::optional<DigestCursor>> PgDigestLedger::LoadCursor(std::string_view digest) {
  return InTransaction(
      "loading the cursor of digest " + std::string(digest),
      [&](pqxx::transaction_base& tx) -> Result<std::optional<DigestCursor>> {
        Params p;
        p.Add(digest);
        const auto r =
            Exec(tx, *session_,
                 "SELECT last_item_id, last_slot FROM digest_cursors WHERE digest = $1", p);
        if (r.empty()) return std::optional<DigestCursor>();
        return std::optional<DigestCursor>(DigestCursor{Int(r[0][0]), Time(r[0][1])});
      });
}

Result<void> PgDigestLedger::SaveCursor(std::string_view digest, const DigestCursor& cursor) {
  return InTransaction("saving the cursor of digest " + std::string(digest),
                       [&](pqxx::transaction_base& tx) -> Result<void> {
                         Params p;
                         p.Add(digest);
                         p.Add(cursor.last_item_id);
                         p.Add(cursor.last_slot);
                         Exec(tx, *session_, std::string(kSaveCursor), p);
                         return Ok();
                       });
}

Result<std::optional<DigestRun>> PgDigestLedger::LoadOpenRun(std::string_view digest) {
  return InTransaction("loading the open run of digest " + std::string(digest),
                       [&](pqxx::transaction_base& tx) -> Result<std::optional<DigestRun>> {
                         Params p;
                         p.Add(digest);
                         const auto r = Exec(tx, *session_,
                                             "SELECT " + std::string(kRunColumns) +
                                                 " FROM digest_runs WHERE digest = $1 AND state IN "
                                                 "('planned', 'sending') ORDER BY id LIMIT 1",
                                             p);
                         if (r.empty()) return std::optional<DigestRun>();
                         return std::optional<DigestRun>(ReadRun(r[0]));
                       });
}

Result<DigestRun> PgDigestLedger::PlanRun(const DigestRun& run) {
  return InTransaction("planning a run of digest " + run.digest,
                       [&](pqxx::transaction_base& tx) -> Result<DigestRun> {
                         // The run and the cursor move together: every item id up to
                         // run.last_item_id now belongs to exactly one run.
                         Params p;
                         p.Add(run.digest);
                         p.Add(run.slot);
                         p.Add(run.first_item_id);
                         p.Add(run.last_item_id);
                         p.Add(run.message_id);
                         p.Add(std::int64_t{run.attempts});
                         p.Add(run.next_attempt);
                         p.Add(run.last_error);
                         const auto r = Exec(
                             tx, *session_,
                             "INSERT INTO digest_runs (digest, slot, first_item_id, last_item_id, "
                             "message_id, state, attempts, next_attempt, last_error) VALUES ($1, "
                             "$2, $3, $4, $5, 'planned', $6, $7, $8) RETURNING id",
                             p);
                         DigestRun planned = run;
                         planned.id = Int(r.at(0).at(0));
                         planned.state = DigestRunState::kPlanned;
                         Params cursor;
                         cursor.Add(run.digest);
                         cursor.Add(run.last_item_id);
                         cursor.Add(run.slot);
                         Exec(tx, *session_, std::string(kSaveCursor), cursor);
                         return planned;
                       });
}

Result<void> PgDigestLedger::UpdateRun(const DigestRun& run) {
  return InTransaction(
      "updating run " + std::to_string(run.id) + " of digest " + run.digest,
      [&](pqxx::transaction_base& tx) -> Result<void> {
        Params p;
        p.Add(run.message_id);
        p.Add(DigestRunStateName(run.state));
        p.Add(std::int64_t{run.attempts});
        p.Add(run.next_attempt);
        p.Add(run.last_error);
        p.Add(run.id);
        if (Exec(tx, *session_,
                 "UPDATE digest_runs SET message_id = $1, state = $2, attempts = $3, "
                 "next_attempt = $4, last_error = $5 WHERE id = $6",
                 p)
                .affected_rows() == 0) {
          return Error{
              ErrorCode::kNotFound,
              "digest ledger: no run " + std::to_string(run.id) + " of digest " + run.digest,
              session_->name()};
        }
        return Ok();
      });
}

Result<std::vector<DigestRun>> PgDigestLedger::ListRuns(std::string_view digest) {
  return InTransaction(
      "listing the runs of digest " + std::string(digest),
      [&](pqxx::transaction_base& tx) -> Result<std::vector<DigestRun>> {
        Params p;
        p.Add(digest);
        std::vector<DigestRun> runs;
        for (const auto& row : Exec(tx, *session_,
                                    "SELECT " + std::string(kRunColumns) +
                                        " FROM digest_runs WHERE digest = $1 ORDER BY id",
                                    p)) {
          runs.push_back(ReadRun(row));
        }
        return runs;
      });
}

}  // namespace tributary::storage
