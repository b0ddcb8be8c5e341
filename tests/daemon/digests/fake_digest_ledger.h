// FakeDigestLedger: an in-memory DigestLedger for tests, with injectable
// faults (a "crash" between the server's 250 and recording `sent`).
// Not thread-safe.
#pragma once

#include <map>

#include "daemon/digests/digest_runner.h"

namespace tributary::daemon {

class FakeDigestLedger final : public DigestLedger {
 public:
  Result<std::optional<DigestCursor>> LoadCursor(std::string_view digest) override {
    auto it = cursors_.find(std::string(digest));
    if (it == cursors_.end()) return std::optional<DigestCursor>();
    return std::optional<DigestCursor>(it->second);
  }
  Result<void> SaveCursor(std::string_view digest, const DigestCursor& cursor) override {
    cursors_[std::string(digest)] = cursor;
    return Ok();
  }
  Result<std::optional<DigestRun>> LoadOpenRun(std::string_view digest) override {
    for (const DigestRun& run : runs_) {
      if (run.digest == digest &&
          (run.state == DigestRunState::kPlanned || run.state == DigestRunState::kSending)) {
        return std::optional<DigestRun>(run);
      }
    }
    return std::optional<DigestRun>();
  }
  Result<DigestRun> PlanRun(const DigestRun& run) override {
    DigestRun planned = run;
    planned.id = static_cast<std::int64_t>(runs_.size()) + 1;
    planned.state = DigestRunState::kPlanned;
    runs_.push_back(planned);
    cursors_[run.digest] = DigestCursor{run.last_item_id, run.slot};
    return planned;
  }
  Result<void> UpdateRun(const DigestRun& run) override {
    if (run.state == DigestRunState::kSent && fail_next_sent_updates > 0) {
      --fail_next_sent_updates;
      return Error{ErrorCode::kStorage, "injected crash before recording sent", run.digest};
    }
    for (DigestRun& stored : runs_) {
      if (stored.id == run.id) {
        stored = run;
        return Ok();
      }
    }
    return Error{ErrorCode::kNotFound, "no such run", run.digest};
  }
  Result<std::vector<DigestRun>> ListRuns(std::string_view digest) override {
    std::vector<DigestRun> runs;
    for (const DigestRun& run : runs_) {
      if (run.digest == digest) runs.push_back(run);
    }
    return runs;
  }

  // Faults: the next N updates to `sent` fail as if the process died.
  int fail_next_sent_updates = 0;

 private:
  std::map<std::string, DigestCursor> cursors_;
  std::vector<DigestRun> runs_;
};

}  // namespace tributary::daemon
