#include "daemon/polling/poller.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>

#include "common/curl_url.h"
#include "common/log.h"
#include "common/text.h"
#include "feeds/parser.h"

namespace tributary::daemon {
namespace {

using SteadyClock = std::chrono::steady_clock;

}  // namespace

std::optional<UrlHost> ParseUrlHost(const std::string& url) {
  const curl::Url handle = curl::ParseUrl(url);
  if (!handle) return std::nullopt;
  auto scheme = curl::Part(handle.get(), CURLUPART_SCHEME);
  auto host = curl::Part(handle.get(), CURLUPART_HOST);
  auto port = curl::Part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!scheme || !host || host->empty()) return std::nullopt;
  return UrlHost{*scheme, ToLowerAscii(*host), port ? std::atoi(port->c_str()) : 0};
}

std::string HostKey(const std::string& url) {
  auto parts = ParseUrlHost(url);
  if (!parts) return {};
  std::string key = parts->scheme + "://" + parts->host;
  if (parts->port != 0) key += ":" + std::to_string(parts->port);
  return key;
}

Poller::Poller(asio::io_context& io, feeds::Fetcher& fetcher, storage::Store& store,
               const Clock& clock, asio::thread_pool& parse_pool, Options options)
    : io_(io),
      fetcher_(fetcher),
      store_(store),
      clock_(clock),
      parse_pool_(parse_pool),
      options_(options),
      timer_(io),
      lease_timer_(io),
      random_(std::random_device{}()) {}

Poller::~Poller() = default;

double Poller::Random() { return std::uniform_real_distribution<double>(0.0, 1.0)(random_); }

void Poller::SetFeeds(std::vector<FeedSpec> feeds) {
  std::map<storage::FeedId, FeedSpec> next;
  for (auto& spec : feeds) {
    if (spec.host_key.empty()) spec.host_key = HostKey(spec.request.url);
    if (!spec.host_key.empty()) {
      HostState& host = hosts_[spec.host_key];
      host.key = spec.host_key;
      host.budget = spec.host_budget.value_or(
          HostBudget{options_.max_per_host, options_.host_spacing, false});
    }
    next.emplace(spec.id, std::move(spec));
  }
  // Forget removed feeds: a transfer in flight finishes, but is not
  // rescheduled because Finish() finds no spec.
  queue_.RemoveIf([&next](storage::FeedId id) { return next.count(id) == 0; });
  std::erase_if(unanswered_, [&next](storage::FeedId id) { return next.count(id) == 0; });
  std::erase_if(known_hashes_, [&next](const auto& entry) { return next.count(entry.first) == 0; });
  Timestamp now = clock_.Now();
  std::vector<storage::FeedId> overdue;
  for (auto& [id, spec] : next) {
    bool known = feeds_.count(id) != 0;
    if (known || in_flight_.count(id) != 0) continue;
    auto state = store_.LoadFeedState(id);
    if (state && state->disabled) {
      log::Warn(
          "feed '{}': disabled after HTTP 410 Gone; remove it from the config or "
          "re-add it to try again",
          spec.name);
      continue;
    }
    // Never fetched before: the outputs wait for its first answer.
    if (!state || !state->last_attempt) unanswered_.insert(id);
    if (state && state->next_poll && *state->next_poll > now) {
      Schedule(spec, *state->next_poll);
    } else {
      overdue.push_back(id);
    }
  }
  feeds_ = std::move(next);
  // Spread what is overdue so a restart after an outage does not fire
  // every feed in the same second.
  auto spread_ms = std::min<std::int64_t>(60'000, static_cast<std::int64_t>(overdue.size()) * 20);
  for (auto id : overdue) {
    auto offset = std::chrono::milliseconds{
        static_cast<std::int64_t>(Random() * static_cast<double>(spread_ms))};
    Schedule(feeds_.at(id), now + std::chrono::duration_cast<Seconds>(offset));
  }
  if (running_) Pump();
}

void Poller::Schedule(const FeedSpec& spec, Timestamp due) {
  queue_.Schedule(spec.id, spec.host_key, due);
}

void Poller::Start() {
  running_ = true;
  stopped_ = false;
  Pump();
}

void Poller::RunRound(std::vector<storage::FeedId> only,
                      std::function<void(std::vector<FeedOutcome>)> done) {
  round_done_ = std::move(done);
  round_outcomes_.clear();
  round_pending_.clear();
  Timestamp now = clock_.Now();
  for (auto& [id, spec] : feeds_) {
    if (!only.empty() && std::find(only.begin(), only.end(), id) == only.end()) continue;
    round_pending_.insert(id);
    Schedule(spec, now);
  }
  // Feeds outside the round are not fetched in round mode.
  queue_.RemoveIf([this](storage::FeedId id) { return round_pending_.count(id) == 0; });
  running_ = true;
  if (round_pending_.empty()) {
    asio::post(io_, [this] {
      if (round_done_) std::exchange(round_done_, nullptr)(std::move(round_outcomes_));
    });
    return;
  }
  Pump();
}

void Poller::Stop() {
  stopped_ = true;
  running_ = false;
  timer_.cancel();
  lease_timer_.cancel();
  // Hand back the feeds being fetched: another node may take them now,
  // not a lease later.
  std::vector<storage::FeedId> held(in_flight_.begin(), in_flight_.end());
  if (auto released = store_.RenewLeases(options_.node, held, clock_.Now(), Seconds{0});
      !released) {
    log::Debug("cannot release leases: {}", released.error().ToString());
  }
  fetcher_.CancelAll();
}

// Every third of the lease, the feeds still in flight (fetching, parsing or
// waiting to be stored) keep their lease, so a slow transfer is not taken
// over by another node while it runs.
void Poller::RenewLeases() {
  lease_timer_armed_ = false;
  if (stopped_ || in_flight_.empty()) return;  // armed again by the next fetch
  std::vector<storage::FeedId> held(in_flight_.begin(), in_flight_.end());
  if (auto renewed = store_.RenewLeases(options_.node, held, clock_.Now(), options_.lease);
      !renewed) {
    log::DatabaseError(
        "cannot renew the leases of " + std::to_string(held.size()) + " feeds in flight",
        renewed.error());
  }
  ArmLeaseTimer();
}

void Poller::ArmLeaseTimer() {
  if (lease_timer_armed_ || stopped_) return;
  lease_timer_armed_ = true;
  lease_timer_.expires_after(std::max<std::chrono::milliseconds>(
      std::chrono::milliseconds{100},
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.lease) / 3));
  lease_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) {
      lease_timer_armed_ = false;
      return;
    }
    RenewLeases();
  });
}

std::optional<Seconds> Poller::NextDueIn() const {
  auto earliest = queue_.Earliest();
  if (!earliest) return std::nullopt;
  return std::max<Seconds>(std::chrono::duration_cast<Seconds>(*earliest - clock_.Now()),
                           Seconds{0});
}

// Starts every due fetch the caps allow, host by host in the order of
// their earliest due feed, then sleeps until the next due time or the next
// moment a held-back host frees up (a completion pumps as well). Each batch
// of due feeds is claimed in one store call; what another node holds gives
// its slot back, and the next pass fills it.
void Poller::Pump() {
  if (!running_ || stopped_) return;
  std::optional<std::chrono::milliseconds> retry;  // soonest a held-back host frees up
  auto retry_in = [&retry](std::chrono::milliseconds wait) {
    wait = std::max(wait, std::chrono::milliseconds{10});
    retry = retry ? std::min(*retry, wait) : wait;
  };
  constexpr int kMaxPasses = 8;
  for (int pass = 0; pass < kMaxPasses && running_ && !stopped_; ++pass) {
    Timestamp now = clock_.Now();
    std::vector<Picked> picked = PickDue(now, retry_in);
    if (picked.empty() || ClaimAndStart(picked, now) == 0) break;
  }
  ArmTimer(retry);
}

std::vector<Poller::Picked> Poller::PickDue(
    Timestamp now, const std::function<void(std::chrono::milliseconds)>& retry_in) {
  auto steady_now = SteadyClock::now();
  std::vector<Picked> picked;
  std::optional<DueQueue::Head> cursor;  // the last host passed over
  while (static_cast<int>(in_flight_.size() + picked.size()) < options_.max_transfers) {
    auto head = queue_.NextHead(now, cursor);
    if (!head) break;
    if (!head->host.empty()) {
      HostState& state = hosts_[head->host];
      if (state.blocked_until > now) {
        retry_in(std::chrono::duration_cast<std::chrono::milliseconds>(state.blocked_until - now));
        cursor = head;
        continue;
      }
      if (state.next_start > steady_now) {
        retry_in(
            std::chrono::duration_cast<std::chrono::milliseconds>(state.next_start - steady_now));
        cursor = head;
        continue;
      }
      if (state.active >= state.MaxNow()) {
        cursor = head;
        continue;
      }
    }
    storage::FeedId id = queue_.PopFront(head->host);
    if (feeds_.count(id) == 0) continue;
    Picked pick{id, head->host, {}};
    if (!head->host.empty()) {
      HostState& state = hosts_[head->host];
      pick.previous_start = state.next_start;
      state.active++;
      state.next_start = steady_now + state.SpacingNow();
    }
    picked.push_back(std::move(pick));
  }
  return picked;
}

std::size_t Poller::ClaimAndStart(const std::vector<Picked>& picked, Timestamp now) {
  std::vector<storage::FeedId> ids;
  ids.reserve(picked.size());
  for (const Picked& pick : picked) ids.push_back(pick.id);
  // A round (tributary poll) fetches now whatever the schedule says, but
  // never a feed another node is fetching.
  const bool force = round_done_ != nullptr;
  const auto asked = SteadyClock::now();
  auto claimed = store_.ClaimFeeds(options_.node, ids, now, options_.lease, force);
  const auto round_trip =
      std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - asked);
  if (!claimed) {
    log::DatabaseError("cannot claim " + std::to_string(ids.size()) + " due feeds",
                       claimed.error());
    for (const Picked& pick : picked) Refused(pick, now, "");
    return 0;  // another pass would fail the same way
  }
  log::DatabaseAnswers();
  if (metrics_ != nullptr) {
    metrics_->RecordClaims(ids.size(), claimed->feeds.size(), claimed->taken_over.size(),
                           round_trip);
  }
  if (!claimed->taken_over.empty()) {
    log::Info("cluster: took over {} feed(s) whose lease by another node ran out",
              claimed->taken_over.size());
  }
  std::set<storage::FeedId> granted(claimed->feeds.begin(), claimed->feeds.end());
  std::size_t refused = 0;
  for (const Picked& pick : picked) {
    if (granted.count(pick.id) != 0) {
      StartFetch(pick.id);
    } else {
      Refused(pick, now, "leased");
      ++refused;
    }
  }
  return refused;
}

// A due feed this node may not fetch now: another node holds it (or, with
// `why` empty, the claim itself failed). It gives its host slot back and is
// looked at again when the other node will have stored its answer.
void Poller::Refused(const Picked& pick, Timestamp now, std::string_view why) {
  if (!pick.host.empty()) {
    HostState& state = hosts_[pick.host];
    state.active--;
    state.next_start = pick.previous_start;
  }
  const FeedSpec& spec = feeds_.at(pick.id);
  if (round_pending_.count(pick.id) != 0) {
    FeedOutcome outcome;
    outcome.id = pick.id;
    outcome.name = spec.name;
    outcome.error_class = why.empty() ? "storage" : std::string(why);
    outcome.error = why.empty() ? "cannot claim the feed" : "another node is fetching it";
    // Through the loop, so Pump's caller does not see the round end early.
    asio::post(io_, [this, outcome] { Finish(outcome); });
    return;
  }
  auto state = store_.LoadFeedState(pick.id);
  if (state && state->last_attempt && unanswered_.erase(pick.id) != 0 && unanswered_.empty() &&
      on_all_answered_) {
    asio::post(io_, [this] {
      if (on_all_answered_ && unanswered_.empty()) on_all_answered_();
    });
  }
  // The other node's answer moves next_poll on; until then, look again
  // every few seconds (at most a quarter lease).
  const Seconds wait = std::clamp(options_.lease / 4, Seconds{1}, Seconds{30});
  Timestamp due = now + wait;
  if (state && state->next_poll && *state->next_poll > now) due = *state->next_poll;
  Schedule(spec, due);
}

void Poller::ArmTimer(std::optional<std::chrono::milliseconds> retry) {
  if (!running_ || stopped_ || queue_.empty()) return;
  Timestamp now = clock_.Now();
  std::optional<std::chrono::milliseconds> wait = retry;
  auto earliest = *queue_.Earliest();
  if (earliest > now) {
    auto until_due = std::chrono::duration_cast<std::chrono::milliseconds>(earliest - now);
    wait = wait ? std::min(*wait, until_due) : until_due;
  } else if (!wait && static_cast<int>(in_flight_.size()) < options_.max_transfers) {
    // Due work held back only by host caps: completions pump; a slow
    // look now and then is the backstop.
    wait = std::chrono::milliseconds{1000};
  }
  if (!wait) return;  // at the global cap: a completion pumps
  timer_.expires_after(*wait);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error) Pump();
  });
}

void Poller::StartFetch(storage::FeedId id) {
  const FeedSpec& spec = feeds_.at(id);
  feeds::FetchRequest request = spec.request;
  auto state = store_.LoadFeedState(id);
  if (state) {
    request.etag = state->etag;
    request.last_modified = state->last_modified;
  }
  auto row = store_.GetFeed(id);
  if (row && !row->url.empty()) request.url = row->url;  // moved by a permanent redirect
  in_flight_.insert(id);
  ArmLeaseTimer();
  log::Debug("feed '{}': fetching {}", spec.name, log::CensorUrl(request.url));
  fetcher_.Fetch(std::move(request),
                 [this, id](feeds::FetchResult result) { OnFetched(id, std::move(result)); });
}

void Poller::OnFetched(storage::FeedId id, feeds::FetchResult result) {
  auto spec_it = feeds_.find(id);
  std::string url = spec_it != feeds_.end() ? spec_it->second.request.url : std::string();
  std::string host = spec_it != feeds_.end() ? spec_it->second.host_key : HostKey(url);
  if (!host.empty()) NoteHostAnswer(hosts_[host], result);
  if (spec_it == feeds_.end() || result.error == feeds::FetchError::kCancelled) {
    in_flight_.erase(id);
    FeedOutcome outcome;
    outcome.id = id;
    outcome.error_class = result.error == feeds::FetchError::kNone
                              ? "removed"
                              : std::string(feeds::FetchErrorName(result.error));
    outcome.error = "fetch abandoned";
    Finish(outcome);
    return;
  }
  if (result.status != feeds::FetchResult::Status::kOk) {
    Enqueue(id, std::move(result), Error{ErrorCode::kNetwork, "", ""});
    return;
  }
  // Parse and prepare the records (keys, hashes, fingerprints) off the
  // loop: a big document must not stall other feeds, and the loop is what
  // bounds a cold round. The work guard keeps run() alive until the result
  // is back on the loop.
  auto guard = asio::make_work_guard(io_);
  feeds::ParseOptions options;
  options.feed_url = result.effective_url.empty() ? url : result.effective_url;
  options.content_type = result.content_type;
  auto known = known_hashes_.find(id);
  std::shared_ptr<const ContentHashSet> known_hashes =
      known != known_hashes_.end() ? known->second : nullptr;
  asio::post(
      parse_pool_, [this, id, guard = std::move(guard), options = std::move(options),
                    result = std::move(result), policy = spec_it->second.ingest,
                    known_hashes = std::move(known_hashes), fetched_at = clock_.Now()]() mutable {
        auto parsed = feeds::ParseFeed(result.body, options);
        std::shared_ptr<const PreparedDocument> prepared;
        if (parsed) {
          prepared = std::make_shared<const PreparedDocument>(
              PrepareDocument(*parsed, policy, fetched_at, known_hashes.get()));
        }
        asio::post(io_, [this, id, guard = std::move(guard), result = std::move(result),
                         parsed = std::move(parsed), prepared = std::move(prepared)]() mutable {
          Enqueue(id, std::move(result), std::move(parsed), std::move(prepared));
        });
      });
}

// A server that says "too many requests" (429, or 503 with Retry-After)
// speaks for all its feeds: every feed on it waits out Retry-After, and the
// host's budget halves (transfers at once) and its spacing doubles, one
// level per such answer; each run of successes gives a level back.
void Poller::NoteHostAnswer(HostState& state, const feeds::FetchResult& result) {
  constexpr int kMaxLevel = 6;
  constexpr int kSuccessesPerLevel = 10;
  state.active = std::max(0, state.active - 1);
  if (result.error == feeds::FetchError::kCancelled) return;
  const bool slow_down =
      result.http_status == 429 || (result.http_status == 503 && result.retry_after.has_value());
  if (slow_down) {
    state.level = std::min(state.level + 1, kMaxLevel);
    state.successes = 0;
    if (result.retry_after) {
      state.blocked_until =
          std::max(state.blocked_until,
                   clock_.Now() + std::min<Seconds>(*result.retry_after, Seconds{86400}));
    }
    log::Warn("host {}: HTTP {}; now at most {} at once, {} ms apart", state.key,
              result.http_status, state.MaxNow(), state.SpacingNow().count());
  } else if (result.ok() && state.level > 0 && ++state.successes >= kSuccessesPerLevel) {
    state.level--;
    state.successes = 0;
  }
}

int Poller::HostState::MaxNow() const { return std::max(1, budget.max_per_host >> level); }

std::chrono::milliseconds Poller::HostState::SpacingNow() const {
  if (level == 0) return budget.spacing;
  // A host with no spacing of its own still gets one while slowed down.
  auto base = std::max(budget.spacing, std::chrono::milliseconds{250});
  return std::min(base * (1 << level), std::chrono::milliseconds{60'000});
}

std::vector<HostReport> Poller::Hosts() const {
  std::vector<HostReport> hosts;
  hosts.reserve(hosts_.size());
  for (const auto& [key, state] : hosts_) {
    HostReport report;
    report.host = key;
    report.active = state.active;
    report.max_per_host = state.MaxNow();
    report.configured_max_per_host = state.budget.max_per_host;
    report.spacing = state.SpacingNow();
    report.own_service = state.budget.own_service;
    report.slowdown_level = state.level;
    if (state.blocked_until > clock_.Now()) report.blocked_until = state.blocked_until;
    hosts.push_back(std::move(report));
  }
  return hosts;
}

void Poller::Enqueue(storage::FeedId id, feeds::FetchResult result,
                     Result<feeds::ParsedFeed> parsed,
                     std::shared_ptr<const PreparedDocument> prepared) {
  if (metrics_ != nullptr) {
    bool failed = result.status == feeds::FetchResult::Status::kFailed ||
                  (result.status == feeds::FetchResult::Status::kOk && !parsed);
    std::string error_class;
    if (result.status == feeds::FetchResult::Status::kFailed) {
      error_class = feeds::FetchErrorName(result.error);
    } else if (failed) {
      error_class = parsed.error().code == ErrorCode::kNotAFeed ? "not_a_feed" : "parse_error";
    }
    const char* outcome = failed ? "error"
                          : result.status == feeds::FetchResult::Status::kNotModified
                              ? "not_modified"
                              : "ok";
    metrics_->RecordFetch(outcome, error_class, result.http_status, result.duration,
                          result.bytes_received);
  }
  ready_.push_back(Ready{id, std::move(result), std::move(parsed), std::move(prepared)});
  if (!drain_posted_) {
    drain_posted_ = true;
    asio::post(io_, [this] { Drain(); });
  }
}

// Stores what is ready in one store batch. While one drain runs, the next
// documents queue up, so under load each batch grows and the per-commit
// sync is shared; an idle daemon stores each document at once. A drain is
// bounded (documents and time) so the loop keeps serving transfers and
// HTTP clients. If the batch cannot be committed, nothing of it happened:
// each document is stored again on its own and reports its own outcome.
void Poller::Drain() {
  drain_posted_ = false;
  constexpr std::size_t kMaxDocuments = 64;
  constexpr auto kMaxTime = std::chrono::milliseconds{250};
  std::vector<Ready> batch;
  const auto started = SteadyClock::now();
  std::vector<FeedOutcome> outcomes;
  const bool batched = ready_.size() > 1 && store_.BeginBatch().has_value();
  std::size_t taken = 0;
  while (taken < ready_.size() && taken < kMaxDocuments &&
         (taken == 0 || SteadyClock::now() - started < kMaxTime)) {
    outcomes.push_back(StoreOne(ready_[taken]));
    ++taken;
  }
  batch.assign(std::make_move_iterator(ready_.begin()),
               std::make_move_iterator(ready_.begin() + static_cast<std::ptrdiff_t>(taken)));
  ready_.erase(ready_.begin(), ready_.begin() + static_cast<std::ptrdiff_t>(taken));
  if (batched) {
    if (auto committed = store_.CommitBatch(); !committed) {
      log::Warn("storing {} documents together failed ({}); storing them one by one", batch.size(),
                committed.error().ToString());
      outcomes.clear();
      for (const Ready& ready : batch) outcomes.push_back(StoreOne(ready));
    }
  }
  if (!ready_.empty() && !drain_posted_) {
    drain_posted_ = true;
    asio::post(io_, [this] { Drain(); });
  }
  for (const FeedOutcome& outcome : outcomes) Finish(outcome);
}

// Called once per document, after its batch committed (or after it was
// stored alone), so a redone batch is not counted twice.
void Poller::Finish(const FeedOutcome& outcome) {
  if (metrics_ != nullptr && outcome.ok) metrics_->RecordItems(outcome.inserted, outcome.updated);
  auto spec = feeds_.find(outcome.id);
  bool in_round = round_pending_.erase(outcome.id) != 0;
  if (in_round) {
    round_outcomes_.push_back(outcome);
  } else if (spec != feeds_.end() && running_ && !round_done_) {
    if (outcome.next_poll) Schedule(spec->second, *outcome.next_poll);
  }
  if (outcome.changed && on_change_) on_change_();
  if (unanswered_.erase(outcome.id) != 0 && unanswered_.empty() && on_all_answered_) {
    on_all_answered_();
  }
  if (round_done_ && round_pending_.empty()) {
    running_ = false;
    lease_timer_.cancel();  // nothing of the round is in flight any more
    std::exchange(round_done_, nullptr)(std::move(round_outcomes_));
    return;
  }
  Pump();
}

}  // namespace tributary::daemon
