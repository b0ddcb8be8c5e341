// Poller: the feed scheduler. It keeps every feed's due time in one ordered
// queue, starts fetches within a global cap and a per-host cap (with a
// minimum spacing between requests to one host), parses responses on a
// thread pool, and ingests on the io_context thread, so the store needs no
// lock. Documents that arrive while others are being stored are stored
// together in one store batch (group commit: one sync for many). Not thread-safe: call it from the
// io_context thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/asio.h"
#include "common/time.h"
#include "config/config.h"
#include "daemon/polling/due_queue.h"
#include "daemon/polling/feed_specs.h"
#include "daemon/polling/ingest.h"
#include "daemon/polling/metrics.h"
#include "daemon/polling/poll_policy.h"
#include "feeds/fetcher.h"
#include "storage/store.h"

namespace tributary::daemon {

// One host's budget as it stands (the /status page's host table).
struct HostReport {
  std::string host;  // HostKey
  int active = 0;
  int max_per_host = 0;             // now (lowered while slowed down)
  int configured_max_per_host = 0;  // when not slowed down
  std::chrono::milliseconds spacing{0};
  bool own_service = false;
  int slowdown_level = 0;
  std::optional<Timestamp> blocked_until;  // Retry-After
};

// What one fetch of one feed came to.
struct FeedOutcome {
  storage::FeedId id = 0;
  std::string name;
  bool ok = false;
  bool changed = false;  // new or updated items stored
  int inserted = 0;
  int updated = 0;
  std::string error_class;
  std::string error;
  // When to poll next, as decided by the policy. Kept here as well as in
  // the store so a failing database cannot turn into a tight retry loop.
  std::optional<Timestamp> next_poll;
};

class Poller {
 public:
  struct Options {
    int max_transfers = 32;
    int max_per_host = 2;
    std::chrono::milliseconds host_spacing{500};
    // Cluster polling (PostgreSQL): this node's name and how long it holds
    // a feed it claimed. Every fetch starts with a claim (Store::ClaimFeeds;
    // a single-daemon store grants them all); transfers in flight are
    // renewed every third of `lease`.
    std::string node = "local";
    Seconds lease{120};
  };

  Poller(asio::io_context& io, feeds::Fetcher& fetcher, storage::Store& store, const Clock& clock,
         asio::thread_pool& parse_pool, Options options);
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Replaces the set of feeds (on start and on reload). New feeds are
  // scheduled from their persisted due time, removed ones stop being
  // scheduled (a transfer in flight finishes), kept ones keep their state.
  void SetFeeds(std::vector<FeedSpec> feeds);
  void SetOptions(Options options) { options_ = options; }

  // Continuous mode: fetch each feed when it is due, for ever.
  void Start();
  // One round: fetch the given feeds (all when empty) once, now, whatever
  // their due time; `done` gets one outcome per feed.
  void RunRound(std::vector<storage::FeedId> only,
                std::function<void(std::vector<FeedOutcome>)> done);
  // Stops scheduling and aborts transfers in flight.
  void Stop();

  // Called after a fetch stored new or updated items.
  void OnChange(std::function<void()> callback) { on_change_ = std::move(callback); }
  // Called when every feed that SetFeeds added without any fetch on record
  // has answered once (stored, found unchanged or failed): the end of the
  // first round of a new database, or of the feeds a reload added.
  void OnAllAnswered(std::function<void()> callback) { on_all_answered_ = std::move(callback); }
  // Counts fetches and items into `metrics` (not owned; may be null).
  void SetMetrics(Metrics* metrics) { metrics_ = metrics; }

  std::size_t InFlight() const { return in_flight_.size(); }
  std::size_t FeedCount() const { return feeds_.size(); }
  // Feeds never fetched before that have not answered yet.
  std::size_t Unanswered() const { return unanswered_.size(); }
  // Every host fetched from so far, with its budget now (for /status).
  std::vector<HostReport> Hosts() const;
  // Seconds until the next scheduled fetch (nullopt when none).
  std::optional<Seconds> NextDueIn() const;

 private:
  struct HostState {
    std::string key;
    HostBudget budget;
    int active = 0;
    std::chrono::steady_clock::time_point next_start{};
    Timestamp blocked_until{};  // Retry-After for the whole host
    int level = 0;              // slow-down level after 429/503
    int successes = 0;          // answers without one since the last level change
    int MaxNow() const;
    std::chrono::milliseconds SpacingNow() const;
  };
  void NoteHostAnswer(HostState& state, const feeds::FetchResult& result);

  void Schedule(const FeedSpec& spec, Timestamp due);
  void Pump();
  // A due feed taken off the queue with a host slot reserved for it.
  struct Picked {
    storage::FeedId id = 0;
    std::string host;
    std::chrono::steady_clock::time_point previous_start{};
  };
  // Takes off the queue what the caps allow now; `retry_in` hears of the
  // soonest moment a held-back host frees up.
  std::vector<Picked> PickDue(Timestamp now,
                              const std::function<void(std::chrono::milliseconds)>& retry_in);
  // Claims the picked feeds in one store call and starts those granted;
  // the others give their host slot back and wait for the node that has
  // them. Returns how many were refused (slots a next pass may fill); 0
  // when the claim itself failed.
  std::size_t ClaimAndStart(const std::vector<Picked>& picked, Timestamp now);
  void Refused(const Picked& picked, Timestamp now, std::string_view why);
  void RenewLeases();
  void ArmLeaseTimer();
  void ArmTimer(std::optional<std::chrono::milliseconds> retry);
  void StartFetch(storage::FeedId id);
  void OnFetched(storage::FeedId id, feeds::FetchResult result);
  // A fetched (and parsed) document waiting to be stored.
  struct Ready {
    storage::FeedId id = 0;
    feeds::FetchResult result;
    Result<feeds::ParsedFeed> parsed;
    // Made on the parse pool; null for failures and 304s (and then made on
    // the loop if needed). Shared: a redone batch reads it again.
    std::shared_ptr<const PreparedDocument> prepared;
  };
  void Enqueue(storage::FeedId id, feeds::FetchResult result, Result<feeds::ParsedFeed> parsed,
               std::shared_ptr<const PreparedDocument> prepared = nullptr);
  void Drain();
  // poller_store.cc: what one answer changes.
  FeedOutcome StoreOne(const Ready& ready);
  void FollowRedirect(const FeedSpec& spec, const feeds::FetchResult& result,
                      storage::FeedState& state);
  FeedOutcome StoreNotModified(const FeedSpec& spec, const feeds::FetchResult& result,
                               storage::FeedState& state, Timestamp now);
  FeedOutcome StoreDocument(const FeedSpec& spec, const Ready& ready,
                            const storage::FeedState& before, storage::FeedState& state,
                            Timestamp now);
  FeedOutcome RecordStorageFailure(const FeedSpec& spec, storage::FeedState failed,
                                   const Error& error, Timestamp now);
  void Finish(const FeedOutcome& outcome);
  FeedOutcome RecordFailure(const FeedSpec& spec, storage::FeedState state,
                            const feeds::FetchResult& result, std::string_view error_class,
                            const std::string& message);
  double Random();

  asio::io_context& io_;
  feeds::Fetcher& fetcher_;
  storage::Store& store_;
  const Clock& clock_;
  asio::thread_pool& parse_pool_;
  Options options_;
  asio::steady_timer timer_;
  asio::steady_timer lease_timer_;
  bool lease_timer_armed_ = false;
  std::mt19937_64 random_;

  std::map<storage::FeedId, FeedSpec> feeds_;
  DueQueue queue_;
  std::set<storage::FeedId> in_flight_;
  std::vector<Ready> ready_;  // stored together by the next Drain()
  bool drain_posted_ = false;
  std::map<std::string, HostState> hosts_;
  bool running_ = false;
  bool stopped_ = false;

  // Round mode.
  std::set<storage::FeedId> round_pending_;
  std::vector<FeedOutcome> round_outcomes_;
  std::function<void(std::vector<FeedOutcome>)> round_done_;

  std::set<storage::FeedId> unanswered_;
  // Each feed's last stored document's content hashes: the parse pool skips
  // fingerprinting what is most likely unchanged. Immutable snapshots.
  std::map<storage::FeedId, std::shared_ptr<const ContentHashSet>> known_hashes_;

  std::function<void()> on_change_;
  std::function<void()> on_all_answered_;
  Metrics* metrics_ = nullptr;
};

// The scheme, host (lower case; IPv6 in brackets) and port (the scheme's
// default when not given) of a URL; nullopt for URLs without a host.
struct UrlHost {
  std::string scheme;
  std::string host;
  int port = 0;
};
std::optional<UrlHost> ParseUrlHost(const std::string& url);

// "scheme://host:port" of a URL: the unit of politeness, as browsers count
// connections. Empty for URLs without a host (file:, exec:).
std::string HostKey(const std::string& url);

}  // namespace tributary::daemon
