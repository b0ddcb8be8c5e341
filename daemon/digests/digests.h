// DigestService: digest e-mails for real (issue 7). It wires the pure
// digest parts together: digest_setup (config -> runner options, delivery,
// message settings), digest_runner (the exactly-once state machine) over
// the DigestLedger, EntrySelector::SelectNew for the selection
// (items with id > the digest's cursor, grouped by folder then feed) and
// RenderDigest/Deliver for the message.
//
// Threads: the service owns its own connections to the database (a
// Store for reading items and a DigestLedger: a store is used by one thread)
// and uses them only on its worker thread, where runner ticks run: Deliver blocks (SMTP
// round trips, fsync, sendmail), so it never runs on the daemon's
// io_context thread. The io_context only holds one timer per digest; when
// it fires, a tick is posted to the worker and the worker posts back when
// the digest is due next. The CLI commands call Preview/SendNow directly.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/asio.h"
#include "common/result.h"
#include "common/time.h"
#include "config/config.h"

namespace tributary::daemon {

struct DigestSendReport {
  int sent = 0;          // messages handed to the delivery target now
  int still_queued = 0;  // runs left planned (delivery failed; retried later)
  std::string last_error;
};

class DigestService {
 public:
  // Validates every digest of `config` and opens the service's own
  // connections to the configured store (which the caller's Store has
  // already created or upgraded). Changes no state.
  static Result<std::unique_ptr<DigestService>> Create(const config::Config& config,
                                                       const Clock& clock);
  ~DigestService();
  DigestService(const DigestService&) = delete;
  DigestService& operator=(const DigestService&) = delete;

  // First sight of each digest: its cursor starts after the items stored
  // now, so a new digest does not mail the back catalogue. Idempotent.
  Result<void> RegisterAll();

  // The message digest `name` would send next (the open run's items and
  // everything selected after the cursor; with `since`, every selected item
  // whose time is at or after it), as bytes. Changes no state.
  Result<std::string> Preview(const std::string& name, std::optional<Timestamp> since);

  // Sends digest `name` now, whatever its schedule: an unsent run first
  // (back-off overridden, same Message-ID), then a run of everything new
  // since the cursor (not sent when empty unless send_empty). Blocking.
  Result<DigestSendReport> SendNow(const std::string& name);

  // Daemon mode: one timer per digest on `io`; ticks run on the worker.
  void Start(asio::io_context& io);
  // Cancels the timers; does not block. The destructor waits for a tick in
  // progress (at most one delivery's total_timeout).
  void Stop();
  // Runs `done` on the service's worker once the tick in progress (if any)
  // has finished; after Stop() no tick follows it. For handing over to a
  // new service on reload without two of them working on one digest.
  void WhenIdle(std::function<void()> done);

  struct Impl;

 private:
  explicit DigestService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::daemon
