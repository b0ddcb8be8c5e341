#include "daemon/poller.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "common/log.h"
#include "common/text.h"
#include "feeds/parser.h"

namespace tributary::daemon {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string Pretty(Seconds s) {
  auto count = s.count();
  if (count >= 3600 && count % 3600 == 0) return std::to_string(count / 3600) + "h";
  if (count >= 3600)
    return std::to_string(count / 3600) + "h" + std::to_string(count % 3600 / 60) + "m";
  if (count >= 60) return std::to_string(count / 60) + "m";
  return std::to_string(count) + "s";
}

PollSignals SignalsOf(const feeds::ParsedFeed& doc, const feeds::FetchResult& result,
                      Timestamp now) {
  PollSignals signals;
  if (doc.hints.ttl_minutes && *doc.hints.ttl_minutes > 0) {
    signals.ttl = Seconds{static_cast<std::int64_t>(*doc.hints.ttl_minutes) * 60};
  }
  signals.update_period = doc.hints.update_period;
  signals.max_age = CacheLifetime(result.cache_control, result.expires, now);
  signals.skip_hours = doc.hints.skip_hours;
  signals.skip_days = doc.hints.skip_days;
  return signals;
}

}  // namespace

std::string HostKey(const std::string& url) {
  CURLU* handle = curl_url();
  if (handle == nullptr) return {};
  std::string key;
  if (curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    char* scheme = nullptr;
    char* host = nullptr;
    char* port = nullptr;
    curl_url_get(handle, CURLUPART_SCHEME, &scheme, 0);
    curl_url_get(handle, CURLUPART_HOST, &host, 0);
    curl_url_get(handle, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
    if (scheme != nullptr && host != nullptr) {
      key = std::string(scheme) + "://" + ToLowerAscii(host);
      if (port != nullptr) key += std::string(":") + port;
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
  }
  curl_url_cleanup(handle);
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
      random_(std::random_device{}()) {}

Poller::~Poller() = default;

double Poller::Random() { return std::uniform_real_distribution<double>(0.0, 1.0)(random_); }

void Poller::SetFeeds(std::vector<FeedSpec> feeds) {
  std::map<storage::FeedId, FeedSpec> next;
  for (auto& spec : feeds) next.emplace(spec.id, std::move(spec));
  // Forget removed feeds: a transfer in flight finishes, but is not
  // rescheduled because Finish() finds no spec.
  for (auto it = due_.begin(); it != due_.end();) {
    if (next.count(it->first) == 0) {
      queue_.erase({it->second, it->first});
      it = due_.erase(it);
    } else {
      ++it;
    }
  }
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
    if (state && state->next_poll && *state->next_poll > now) {
      Schedule(id, *state->next_poll);
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
    Schedule(id, now + std::chrono::duration_cast<Seconds>(offset));
  }
  if (running_) Pump();
}

void Poller::Schedule(storage::FeedId id, Timestamp due) {
  auto it = due_.find(id);
  if (it != due_.end()) {
    queue_.erase({it->second, id});
    it->second = due;
  } else {
    due_.emplace(id, due);
  }
  queue_.insert({due, id});
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
    Schedule(id, now);
  }
  // Feeds outside the round are not fetched in round mode.
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (round_pending_.count(it->second) == 0) {
      due_.erase(it->second);
      it = queue_.erase(it);
    } else {
      ++it;
    }
  }
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
  fetcher_.CancelAll();
}

std::optional<Seconds> Poller::NextDueIn() const {
  if (queue_.empty()) return std::nullopt;
  auto delta = queue_.begin()->first - clock_.Now();
  return std::max(delta, Seconds{0});
}

// Starts every due fetch the caps allow, then sleeps until the next due
// time or the next moment a blocked host frees up.
void Poller::Pump() {
  if (!running_ || stopped_) return;
  Timestamp now = clock_.Now();
  auto steady_now = SteadyClock::now();
  std::set<std::string> blocked_hosts;
  for (auto it = queue_.begin(); it != queue_.end() && it->first <= now;) {
    if (static_cast<int>(in_flight_.size()) >= options_.max_transfers) break;
    storage::FeedId id = it->second;
    auto spec = feeds_.find(id);
    if (spec == feeds_.end()) {
      due_.erase(id);
      it = queue_.erase(it);
      continue;
    }
    std::string host = HostKey(spec->second.request.url);
    if (!host.empty()) {
      if (blocked_hosts.count(host) != 0) {
        ++it;
        continue;
      }
      HostState& state = hosts_[host];
      if (state.active >= options_.max_per_host || state.next_start > steady_now ||
          state.blocked_until > now) {
        blocked_hosts.insert(host);
        ++it;
        continue;
      }
      state.active++;
      state.next_start = steady_now + options_.host_spacing;
    }
    due_.erase(id);
    it = queue_.erase(it);
    StartFetch(id);
  }
  ArmTimer();
}

void Poller::ArmTimer() {
  if (!running_ || stopped_ || queue_.empty()) return;
  Timestamp now = clock_.Now();
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(queue_.begin()->first - now);
  // Due work held back by a host cap or spacing: look again soon.
  if (wait.count() <= 0) {
    wait = std::max(options_.host_spacing, std::chrono::milliseconds{50});
    if (static_cast<int>(in_flight_.size()) >= options_.max_transfers)
      return;  // a completion pumps
  }
  timer_.expires_after(wait);
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
  log::Debug("feed '{}': fetching {}", spec.name, log::CensorUrl(request.url));
  fetcher_.Fetch(std::move(request),
                 [this, id](feeds::FetchResult result) { OnFetched(id, std::move(result)); });
}

void Poller::OnFetched(storage::FeedId id, feeds::FetchResult result) {
  auto spec_it = feeds_.find(id);
  std::string url = spec_it != feeds_.end() ? spec_it->second.request.url : std::string();
  std::string host = HostKey(url);
  if (!host.empty()) {
    auto& state = hosts_[host];
    state.active = std::max(0, state.active - 1);
    if (result.retry_after && (result.http_status == 429 || result.http_status == 503)) {
      // Retry-After speaks for the server, so every feed on it waits.
      state.blocked_until = clock_.Now() + std::min<Seconds>(*result.retry_after, Seconds{86400});
    }
  }
  if (spec_it == feeds_.end() || result.error_class == "cancelled") {
    in_flight_.erase(id);
    FeedOutcome outcome;
    outcome.id = id;
    outcome.error_class = result.error_class.empty() ? "removed" : result.error_class;
    outcome.error = "fetch abandoned";
    Finish(outcome);
    return;
  }
  if (result.status != feeds::FetchResult::Status::kOk) {
    Enqueue(id, std::move(result), Error{ErrorCode::kNetwork, "", ""});
    return;
  }
  // Parse off the loop: a big document must not stall other feeds. The
  // work guard keeps run() alive until the result is back on the loop.
  auto guard = asio::make_work_guard(io_);
  feeds::ParseOptions options;
  options.feed_url = result.effective_url.empty() ? url : result.effective_url;
  options.content_type = result.content_type;
  asio::post(parse_pool_, [this, id, guard = std::move(guard), options = std::move(options),
                           result = std::move(result)]() mutable {
    auto parsed = feeds::ParseFeed(result.body, options);
    asio::post(io_, [this, id, guard = std::move(guard), result = std::move(result),
                     parsed = std::move(parsed)]() mutable {
      Enqueue(id, std::move(result), std::move(parsed));
    });
  });
}

void Poller::Enqueue(storage::FeedId id, feeds::FetchResult result,
                     Result<feeds::ParsedFeed> parsed) {
  if (metrics_ != nullptr) {
    bool failed = result.status == feeds::FetchResult::Status::kFailed ||
                  (result.status == feeds::FetchResult::Status::kOk && !parsed);
    std::string error_class;
    if (result.status == feeds::FetchResult::Status::kFailed) {
      error_class = result.error_class;
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
  ready_.push_back(Ready{id, std::move(result), std::move(parsed)});
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

FeedOutcome Poller::StoreOne(const Ready& ready) {
  const storage::FeedId id = ready.id;
  const feeds::FetchResult& result = ready.result;
  const Result<feeds::ParsedFeed>& parsed = ready.parsed;
  in_flight_.erase(id);
  FeedOutcome outcome;
  outcome.id = id;
  auto spec_it = feeds_.find(id);
  if (spec_it == feeds_.end()) {
    outcome.error_class = "removed";
    outcome.error = "feed removed from the config";
    return outcome;
  }
  const FeedSpec& spec = spec_it->second;
  Timestamp now = clock_.Now();
  auto loaded = store_.LoadFeedState(id);
  storage::FeedState state = loaded ? *loaded : storage::FeedState{};
  state.last_attempt = now;
  state.http_status = result.http_status;

  if (result.status == feeds::FetchResult::Status::kFailed) {
    return RecordFailure(spec, state, result, result.error_class, result.error_message);
  }
  if (result.status == feeds::FetchResult::Status::kOk && !parsed) {
    const Error& error = parsed.error();
    std::string error_class = error.code == ErrorCode::kNotAFeed ? "not_a_feed" : "parse_error";
    return RecordFailure(spec, state, result, error_class, error.message);
  }

  // Success (200 parsed, or 304). A confirmed permanent redirect moves the
  // feed: seen twice in a row, so one misconfigured answer cannot hijack it.
  if (!result.permanent_redirect_url.empty()) {
    if (state.redirect_candidate == result.permanent_redirect_url) {
      state.redirect_seen++;
    } else {
      state.redirect_candidate = result.permanent_redirect_url;
      state.redirect_seen = 1;
    }
    if (state.redirect_seen >= 2) {
      auto moved = store_.SetFeedUrl(id, state.redirect_candidate);
      if (moved) {
        log::Info("feed '{}': moved permanently to {}", spec.name,
                  log::CensorUrl(state.redirect_candidate));
      }
      state.redirect_candidate.clear();
      state.redirect_seen = 0;
    }
  } else {
    state.redirect_candidate.clear();
    state.redirect_seen = 0;
  }
  state.last_success = now;
  state.last_error.clear();
  state.error_class.clear();
  state.error_count = 0;

  outcome.name = spec.name;
  outcome.ok = true;
  PollSignals signals;
  if (result.status == feeds::FetchResult::Status::kNotModified) {
    signals.max_age = CacheLifetime(result.cache_control, result.expires, now);
    state.next_poll = NextPollAfterSuccess(spec.poll, signals, now, Random());
    if (auto saved = store_.SaveFeedState(id, state); !saved) {
      log::Error("feed '{}': {}", spec.name, saved.error().ToString());
    }
    log::Info("feed '{}': not modified ({} ms), next poll in {}", spec.name,
              result.duration.count(), Pretty(*state.next_poll - now));
    outcome.next_poll = state.next_poll;
    return outcome;
  }

  const feeds::ParsedFeed& doc = *parsed;
  signals = SignalsOf(doc, result, now);
  // Validators are saved only together with the items they describe.
  state.etag = result.etag;
  state.last_modified = result.last_modified;
  state.next_poll = NextPollAfterSuccess(spec.poll, signals, now, Random());
  for (const auto& warning : doc.warnings) {
    log::Warn("feed '{}': {}", spec.name, warning);
  }
  auto report = IngestDocument(store_, id, doc, state, spec.ingest, now);
  if (!report) {
    // Nothing was stored; the validators were not saved either, so the next
    // fetch gets the whole document again.
    storage::FeedState failed = loaded ? *loaded : storage::FeedState{};
    failed.last_attempt = now;
    failed.error_count++;
    failed.error_class = "storage_error";
    failed.last_error = report.error().ToString();
    failed.next_poll =
        NextPollAfterFailure(spec.poll, failed.error_count, std::nullopt, now, Random());
    (void)store_.SaveFeedState(id, failed);  // best effort: the database is what failed
    log::Error("feed '{}': could not store items: {}; will retry", spec.name,
               report.error().ToString());
    outcome.ok = false;
    outcome.error_class = "storage_error";
    outcome.error = report.error().ToString();
    outcome.next_poll = failed.next_poll;
    return outcome;
  }
  for (const auto& warning : report->warnings) log::Warn("feed '{}': {}", spec.name, warning);
  outcome.inserted = report->inserted;
  outcome.updated = report->updated;
  outcome.changed = report->inserted > 0 || report->updated > 0 || report->purged > 0;
  outcome.next_poll = state.next_poll;
  log::Info("feed '{}': {} items ({} new, {} updated) in {} ms, next poll in {}", spec.name,
            doc.items.size(), report->inserted, report->updated, result.duration.count(),
            Pretty(*state.next_poll - now));
  return outcome;
}

FeedOutcome Poller::RecordFailure(const FeedSpec& spec, storage::FeedState state,
                                  const feeds::FetchResult& result, const std::string& error_class,
                                  const std::string& message) {
  Timestamp now = clock_.Now();
  state.error_count++;
  state.error_class = error_class;
  state.last_error = message;
  if (error_class == "http_410" || result.http_status == 410) {
    state.disabled = true;
    log::Error(
        "feed '{}': HTTP 410 Gone: the publisher removed this feed; it will not be "
        "polled again (remove it from the config)",
        spec.name);
  }
  state.next_poll =
      NextPollAfterFailure(spec.poll, state.error_count, result.retry_after, now, Random());
  if (auto saved = store_.SaveFeedState(spec.id, state); !saved) {
    log::Error("feed '{}': {}", spec.name, saved.error().ToString());
  }
  if (!state.disabled) {
    log::Warn("feed '{}': {}: {} (failure {} in a row, next try in {})", spec.name, error_class,
              message, state.error_count, Pretty(*state.next_poll - now));
  }
  FeedOutcome outcome;
  outcome.id = spec.id;
  outcome.name = spec.name;
  outcome.error_class = error_class;
  outcome.error = message;
  outcome.next_poll = state.disabled ? std::nullopt : state.next_poll;
  return outcome;
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
    if (outcome.next_poll) Schedule(outcome.id, *outcome.next_poll);
  }
  if (outcome.changed && on_change_) on_change_();
  if (round_done_ && round_pending_.empty()) {
    running_ = false;
    std::exchange(round_done_, nullptr)(std::move(round_outcomes_));
    return;
  }
  Pump();
}

}  // namespace tributary::daemon
