// DigestLedger: the storage of the digests' exactly-once state machine,
// implemented over SQLite by SqliteDigestLedger (storage/sqlite_digest_ledger.h,
// tables digest_cursors and digest_runs, docs/schema.md) and over PostgreSQL
// by PgDigestLedger (storage/pg_digest_ledger.h; storage/open.h picks one by
// location); tests of the runner use FakeDigestLedger
// (tests/daemon/digests/fake_digest_ledger.h). The daemon's digest runner
// (daemon/digests/digest_runner.h) drives it.
//
// Per digest there is a cursor: the id of the last item handed to a run and
// the slot of the last planned run. Each run owns the items with ids in
// (first_item_id - 1, last_item_id] that the digest selects, and moves
//   planned -> sending -> sent
//                     \-> planned (transient failure; retried at next_attempt)
//                     \-> failed  (permanent failure after the allowed attempts)
// PlanRun must insert the run AND advance the cursor in one transaction;
// that atomicity is what puts every item in exactly one run. A run left in
// `sending` by a crash is sent again with the same Message-ID (at-least-once
// delivery, deduplicated by Message-ID downstream).
//
// Not thread-safe: the daemon calls it from its store strand.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace tributary::storage {

enum class DigestRunState { kPlanned, kSending, kSent, kFailed };

// "planned", "sending", "sent", "failed": the stored spelling, also used in
// logs. The one place these names are written.
inline std::string_view DigestRunStateName(DigestRunState state) {
  switch (state) {
    case DigestRunState::kPlanned:
      return "planned";
    case DigestRunState::kSending:
      return "sending";
    case DigestRunState::kSent:
      return "sent";
    case DigestRunState::kFailed:
      break;
  }
  return "failed";
}

struct DigestCursor {
  std::int64_t last_item_id = 0;  // every selected item with id ≤ this is in a run
  Timestamp last_slot{};          // slot of the last planned run (or first sight)
};

struct DigestRun {
  std::int64_t id = 0;             // assigned by PlanRun
  std::string digest;              // the digest's name
  Timestamp slot{};                // the schedule slot this run serves
  std::int64_t first_item_id = 0;  // inclusive
  std::int64_t last_item_id = 0;   // inclusive; < first_item_id when empty
  std::string message_id;          // set by PlanRun's caller; stable across resends
  DigestRunState state = DigestRunState::kPlanned;
  int attempts = 0;
  Timestamp next_attempt{};
  std::string last_error;
};

class DigestLedger {
 public:
  virtual ~DigestLedger() = default;

  // nullopt: the digest has never been seen.
  virtual Result<std::optional<DigestCursor>> LoadCursor(std::string_view digest) = 0;
  // Creates or overwrites the cursor without a run (first sight of a digest,
  // or a slot skipped because it had nothing to send).
  virtual Result<void> SaveCursor(std::string_view digest, const DigestCursor& cursor) = 0;
  // The oldest run of the digest in state planned or sending, if any.
  virtual Result<std::optional<DigestRun>> LoadOpenRun(std::string_view digest) = 0;
  // In one transaction: inserts `run` (state planned; its id is assigned and
  // returned) and sets the cursor to {run.last_item_id, run.slot}.
  virtual Result<DigestRun> PlanRun(const DigestRun& run) = 0;
  // Saves state, attempts, next_attempt and last_error of an existing run.
  virtual Result<void> UpdateRun(const DigestRun& run) = 0;
  // All runs of a digest, oldest first (for `tributary digest status`).
  virtual Result<std::vector<DigestRun>> ListRuns(std::string_view digest) = 0;
};

}  // namespace tributary::storage
