// DigestRunner: the exactly-once decision logic of one digest, over the
// DigestLedger (digest_ledger.h). Each Tick() looks at the clock and the
// ledger and does what is due:
//   1. a run that is planned (and whose next_attempt has come) or was left
//      `sending` by a crash is (re)sent, with the same Message-ID;
//   2. otherwise, if a schedule slot is due (catch-up: only the latest
//      missed one), the items selected since the cursor become a new run
//      (PlanRun advances the cursor atomically) and it is sent at once.
// On first sight of a digest the cursor starts at the newest existing item
// and the current time: only items arriving afterwards are mailed.
// While a run is unsent no new run is planned, so a long outage ends with
// the stuck run plus one catch-up run, never a flood.
// Failures: transient (IsTransientDeliveryError) are retried with
// exponential back-off forever, the items staying queued in their run;
// permanent ones are retried too, and the run is marked failed after
// max_attempts_permanent attempts (logged as an error with the reason, so
// one poison message never blocks later digests).
// A run owns every selected item in its id range; the message lists them up
// to the digest's caps (max_items, max_items_per_feed: the flood breaker of
// hostile-inputs H1) and counts the rest ("and 12 more from FEED").
//
// Tick() blocks while delivering (see mail_delivery.h): run it off the
// io_context thread, with the ledger calls marshalled as the daemon's
// storage requires. Not thread-safe; one runner per digest.
#pragma once

#include <date/tz.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "daemon/digests/digest_schedule.h"
#include "output/digest_message.h"
#include "storage/digest_ledger.h"

namespace tributary::daemon {

// The ledger interface lives in storage/ (which owns the SQL); the digest
// code names its types without the prefix.
using storage::DigestCursor;
using storage::DigestLedger;
using storage::DigestRun;
using storage::DigestRunState;
using storage::DigestRunStateName;

struct DigestRunnerOptions {
  std::string digest;  // the digest's name
  DigestSchedule schedule;
  const date::time_zone* zone = nullptr;
  bool send_empty = false;
  int max_attempts_permanent = 3;
  Seconds first_backoff{60};
  Seconds max_backoff{3600};
};

// What the runner needs from the rest of the daemon.
struct DigestRunnerHooks {
  // Ids (ascending) of items the digest selects with id > after_item_id.
  std::function<Result<std::vector<std::int64_t>>(std::int64_t after_item_id)> new_item_ids;
  // Renders the message of a run from its items (first..last_item_id).
  // Must be deterministic per run: its Message-ID comes from RunKey(run).
  std::function<Result<output::DigestMessage>(const DigestRun& run)> compose;
  // Hands the message to the digest's delivery target (blocking).
  std::function<Result<void>(const std::string& message)> deliver;
};

class DigestRunner {
 public:
  DigestRunner(DigestRunnerOptions options, DigestLedger& ledger, const Clock& clock,
               DigestRunnerHooks hooks);

  // Does what is due now; returns when it should be called next (the next
  // retry or slot). An error means the ledger failed: call again later.
  Result<Timestamp> Tick();

 private:
  Result<DigestCursor> LoadCursor(Timestamp now);
  Result<std::optional<Timestamp>> PlanSlot(const DigestCursor& cursor, Timestamp slot,
                                            Timestamp now);
  Result<std::optional<Timestamp>> AttemptAndRecheck(const DigestRun& run, Timestamp now);
  Result<void> Attempt(DigestRun run, Timestamp now);
  Seconds Backoff(int attempts) const;

  DigestRunnerOptions options_;
  DigestLedger& ledger_;
  const Clock& clock_;
  DigestRunnerHooks hooks_;
};

// The run key the Message-ID is derived from: "s<slot>-i<first>-<last>".
// It depends only on what the run is, so a resend has the same Message-ID.
std::string RunKey(const DigestRun& run);

}  // namespace tributary::daemon
