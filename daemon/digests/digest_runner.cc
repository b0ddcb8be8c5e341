#include "daemon/digests/digest_runner.h"

#include <algorithm>

#include "common/log.h"
#include "daemon/digests/mail_delivery.h"

namespace tributary::daemon {

std::string RunKey(const DigestRun& run) {
  return "s" + std::to_string(ToUnix(run.slot)) + "-i" + std::to_string(run.first_item_id) + "-" +
         std::to_string(run.last_item_id);
}

DigestRunner::DigestRunner(DigestRunnerOptions options, DigestLedger& ledger, const Clock& clock,
                           DigestRunnerHooks hooks)
    : options_(std::move(options)), ledger_(ledger), clock_(clock), hooks_(std::move(hooks)) {}

Seconds DigestRunner::Backoff(int attempts) const {
  Seconds delay = options_.first_backoff;
  for (int i = 1; i < attempts && delay < options_.max_backoff; ++i) delay *= 2;
  return std::min(delay, options_.max_backoff);
}

// The digest's cursor. First sight: start the schedule now rather than
// firing for the past, and begin with items that arrive from now on (a
// digest added to a full database does not mail the whole back catalogue).
Result<DigestCursor> DigestRunner::LoadCursor(Timestamp now) {
  Result<std::optional<DigestCursor>> loaded = ledger_.LoadCursor(options_.digest);
  if (!loaded) return loaded.error();
  if (loaded->has_value()) return **loaded;
  Result<std::vector<std::int64_t>> existing = hooks_.new_item_ids(0);
  if (!existing) return existing.error();
  const DigestCursor cursor{existing->empty() ? 0 : existing->back(), now};
  if (Result<void> saved = ledger_.SaveCursor(options_.digest, cursor); !saved) {
    return saved.error();
  }
  return cursor;
}

// Attempts `run` and says when to look again if it is still open.
Result<std::optional<Timestamp>> DigestRunner::AttemptAndRecheck(const DigestRun& run,
                                                                 Timestamp now) {
  if (Result<void> attempted = Attempt(run, now); !attempted) return attempted.error();
  Result<std::optional<DigestRun>> still_open = ledger_.LoadOpenRun(options_.digest);
  if (!still_open) return still_open.error();
  if (still_open->has_value()) return std::optional<Timestamp>((*still_open)->next_attempt);
  return std::optional<Timestamp>();
}

// The due `slot` becomes a run of everything selected since the cursor (or
// is skipped when that is nothing and empty digests are not sent).
Result<std::optional<Timestamp>> DigestRunner::PlanSlot(const DigestCursor& cursor, Timestamp slot,
                                                        Timestamp now) {
  Result<std::vector<std::int64_t>> ids = hooks_.new_item_ids(cursor.last_item_id);
  if (!ids) return ids.error();
  if (ids->empty() && !options_.send_empty) {
    log::Info("digest {}: nothing new for the slot {}, not sending", options_.digest,
              FormatRfc3339(slot));
    if (Result<void> saved =
            ledger_.SaveCursor(options_.digest, DigestCursor{cursor.last_item_id, slot});
        !saved) {
      return saved.error();
    }
    return std::optional<Timestamp>();
  }
  DigestRun run;
  run.digest = options_.digest;
  run.slot = slot;
  run.first_item_id = cursor.last_item_id + 1;
  run.last_item_id = ids->empty() ? cursor.last_item_id : ids->back();
  run.state = DigestRunState::kPlanned;
  run.next_attempt = now;
  Result<DigestRun> planned = ledger_.PlanRun(run);
  if (!planned) return planned.error();
  log::Info("digest {}: planned run {} for {} with {} items", options_.digest, planned->id,
            FormatRfc3339(slot), ids->size());
  return AttemptAndRecheck(*planned, now);
}

Result<Timestamp> DigestRunner::Tick() {
  const Timestamp now = clock_.Now();
  Result<DigestCursor> cursor = LoadCursor(now);
  if (!cursor) return cursor.error();

  // 1. An unsent run goes first; no new run is planned behind it.
  Result<std::optional<DigestRun>> open = ledger_.LoadOpenRun(options_.digest);
  if (!open) return open.error();
  if (open->has_value()) {
    const DigestRun& run = **open;
    // A run found in `sending` was interrupted by a crash: resend now.
    if (run.state != DigestRunState::kSending && run.next_attempt > now) return run.next_attempt;
    Result<std::optional<Timestamp>> again = AttemptAndRecheck(run, now);
    if (!again) return again.error();
    if (again->has_value()) return **again;
    return Tick();  // sent: a slot may have passed meanwhile (catch-up)
  }

  // 2. A due slot becomes a run of everything selected since the cursor.
  if (std::optional<Timestamp> slot =
          DueSlot(options_.schedule, options_.zone, cursor->last_slot, now)) {
    Result<std::optional<Timestamp>> again = PlanSlot(*cursor, *slot, now);
    if (!again) return again.error();
    if (again->has_value()) return **again;
  }
  return NextSlotAfter(options_.schedule, options_.zone, now);
}

Result<void> DigestRunner::Attempt(DigestRun run, Timestamp now) {
  Result<output::DigestMessage> message = hooks_.compose(run);
  ++run.attempts;
  if (!message) {
    // A message that cannot be built never blocks the digest for long:
    // storage trouble is retried, anything else fails the run.
    const bool transient =
        message.error().code == ErrorCode::kStorageBusy || message.error().code == ErrorCode::kIo;
    run.last_error = message.error().ToString();
    run.state = transient && run.attempts < options_.max_attempts_permanent
                    ? DigestRunState::kPlanned
                    : DigestRunState::kFailed;
    run.next_attempt = now + Backoff(run.attempts);
    log::Error("digest {}: cannot build run {}: {}", options_.digest, run.id, run.last_error);
    return ledger_.UpdateRun(run);
  }
  if (!run.message_id.empty() && run.message_id != message->message_id) {
    log::Warn("digest {}: run {} Message-ID changed from {} to {}", options_.digest, run.id,
              run.message_id, message->message_id);
  }
  run.message_id = message->message_id;
  run.state = DigestRunState::kSending;
  // Recorded before sending, so a crash from here on resends the same run.
  if (Result<void> saved = ledger_.UpdateRun(run); !saved) return saved;

  Result<void> delivered = hooks_.deliver(message->bytes);
  if (delivered) {
    run.state = DigestRunState::kSent;
    run.last_error.clear();
    log::Info("digest {}: sent run {} ({} items, {})", options_.digest, run.id, message->item_count,
              run.message_id);
    return ledger_.UpdateRun(run);
  }
  run.last_error = delivered.error().ToString();
  run.next_attempt = now + Backoff(run.attempts);
  const bool transient = IsTransientDeliveryError(delivered.error());
  if (!transient && run.attempts >= options_.max_attempts_permanent) {
    run.state = DigestRunState::kFailed;
    log::Error("digest {}: run {} failed for good after {} attempts: {}", options_.digest, run.id,
               run.attempts, run.last_error);
  } else {
    run.state = DigestRunState::kPlanned;
    log::Warn("digest {}: run {} attempt {} failed ({}), retrying at {}: {}", options_.digest,
              run.id, run.attempts, transient ? "transient" : "permanent",
              FormatRfc3339(run.next_attempt), run.last_error);
  }
  return ledger_.UpdateRun(run);
}

}  // namespace tributary::daemon
