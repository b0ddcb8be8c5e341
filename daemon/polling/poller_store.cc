// What an answer changes: the feed's state, its items (through ingest) and
// the outcome the scheduler acts on. Runs on the io_context thread, between
// store batches (Poller::Drain).
#include "common/log.h"
#include "daemon/polling/poller.h"

namespace tributary::daemon {
namespace {

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
  signals.max_age = CacheLifetime(result.max_age, result.expires_at, now);
  signals.skip_hours = doc.hints.skip_hours;
  signals.skip_days = doc.hints.skip_days;
  return signals;
}

}  // namespace

FeedOutcome Poller::StoreOne(const Ready& ready) {
  const storage::FeedId id = ready.id;
  const feeds::FetchResult& result = ready.result;
  const Result<feeds::ParsedFeed>& parsed = ready.parsed;
  in_flight_.erase(id);
  auto spec_it = feeds_.find(id);
  if (spec_it == feeds_.end()) {
    FeedOutcome outcome;
    outcome.id = id;
    outcome.error_class = "removed";
    outcome.error = "feed removed from the config";
    return outcome;
  }
  const FeedSpec& spec = spec_it->second;
  Timestamp now = clock_.Now();
  auto loaded = store_.LoadFeedState(id);
  const storage::FeedState before = loaded ? *loaded : storage::FeedState{};
  storage::FeedState state = before;
  state.last_attempt = now;
  state.http_status = result.http_status;

  if (result.status == feeds::FetchResult::Status::kFailed) {
    return RecordFailure(spec, state, result, feeds::FetchErrorName(result.error),
                         result.error_message);
  }
  if (result.status == feeds::FetchResult::Status::kOk && !parsed) {
    const Error& error = parsed.error();
    std::string error_class = error.code == ErrorCode::kNotAFeed ? "not_a_feed" : "parse_error";
    return RecordFailure(spec, state, result, error_class, error.message);
  }
  // Success (200 parsed, or 304).
  FollowRedirect(spec, result, state);
  state.last_success = now;
  state.last_error.clear();
  state.error_class.clear();
  state.error_count = 0;
  if (result.status == feeds::FetchResult::Status::kNotModified) {
    return StoreNotModified(spec, result, state, now);
  }
  return StoreDocument(spec, ready, before, state, now);
}

// A confirmed permanent redirect moves the feed: seen twice in a row, so
// one misconfigured answer cannot hijack it.
void Poller::FollowRedirect(const FeedSpec& spec, const feeds::FetchResult& result,
                            storage::FeedState& state) {
  if (result.permanent_redirect_url.empty()) {
    state.redirect_candidate.clear();
    state.redirect_seen = 0;
    return;
  }
  if (state.redirect_candidate == result.permanent_redirect_url) {
    state.redirect_seen++;
  } else {
    state.redirect_candidate = result.permanent_redirect_url;
    state.redirect_seen = 1;
  }
  if (state.redirect_seen < 2) return;
  if (auto moved = store_.SetFeedUrl(spec.id, state.redirect_candidate); moved) {
    log::Info("feed '{}': moved permanently to {}", spec.name,
              log::CensorUrl(state.redirect_candidate));
  }
  state.redirect_candidate.clear();
  state.redirect_seen = 0;
}

FeedOutcome Poller::StoreNotModified(const FeedSpec& spec, const feeds::FetchResult& result,
                                     storage::FeedState& state, Timestamp now) {
  PollSignals signals;
  signals.max_age = CacheLifetime(result.max_age, result.expires_at, now);
  state.next_poll = NextPollAfterSuccess(spec.poll, signals, now, Random());
  if (auto saved = store_.SaveFeedState(spec.id, state); !saved) {
    log::DatabaseError("feed '" + spec.name + "'", saved.error());
  } else {
    log::DatabaseAnswers();
  }
  log::Info("feed '{}': not modified ({} ms), next poll in {}", spec.name, result.duration.count(),
            Pretty(*state.next_poll - now));
  FeedOutcome outcome;
  outcome.id = spec.id;
  outcome.name = spec.name;
  outcome.ok = true;
  outcome.next_poll = state.next_poll;
  return outcome;
}

FeedOutcome Poller::StoreDocument(const FeedSpec& spec, const Ready& ready,
                                  const storage::FeedState& before, storage::FeedState& state,
                                  Timestamp now) {
  const feeds::FetchResult& result = ready.result;
  const feeds::ParsedFeed& doc = *ready.parsed;
  PollSignals signals = SignalsOf(doc, result, now);
  // Validators are saved only together with the items they describe.
  state.etag = result.etag;
  state.last_modified = result.last_modified;
  state.next_poll = NextPollAfterSuccess(spec.poll, signals, now, Random());
  for (const auto& warning : doc.warnings) log::Warn("feed '{}': {}", spec.name, warning);
  auto report = ready.prepared
                    ? IngestPrepared(store_, spec.id, doc, *ready.prepared, state, spec.ingest, now)
                    : IngestDocument(store_, spec.id, doc, state, spec.ingest, now);
  if (!report) return RecordStorageFailure(spec, before, report.error(), now);
  log::DatabaseAnswers();
  for (const auto& warning : report->warnings) log::Warn("feed '{}': {}", spec.name, warning);
  if (ready.prepared) {
    known_hashes_[spec.id] =
        std::make_shared<const ContentHashSet>(ContentHashesOf(*ready.prepared));
  }
  FeedOutcome outcome;
  outcome.id = spec.id;
  outcome.name = spec.name;
  outcome.ok = true;
  outcome.inserted = report->inserted;
  outcome.updated = report->updated;
  outcome.changed = report->inserted > 0 || report->updated > 0 || report->purged > 0;
  outcome.next_poll = state.next_poll;
  log::Info("feed '{}': {} items ({} new, {} updated) in {} ms, next poll in {}", spec.name,
            doc.items.size(), report->inserted, report->updated, result.duration.count(),
            Pretty(*state.next_poll - now));
  return outcome;
}

// Nothing was stored; the validators were not saved either, so the next
// fetch gets the whole document again.
FeedOutcome Poller::RecordStorageFailure(const FeedSpec& spec, storage::FeedState failed,
                                         const Error& error, Timestamp now) {
  failed.last_attempt = now;
  failed.error_count++;
  failed.error_class = "storage_error";
  failed.last_error = error.ToString();
  failed.next_poll =
      NextPollAfterFailure(spec.poll, failed.error_count, std::nullopt, now, Random());
  (void)store_.SaveFeedState(spec.id, failed);  // best effort: the database is what failed
  log::DatabaseError("feed '" + spec.name + "': could not store items, will retry", error);
  FeedOutcome outcome;
  outcome.id = spec.id;
  outcome.name = spec.name;
  outcome.error_class = "storage_error";
  outcome.error = error.ToString();
  outcome.next_poll = failed.next_poll;
  return outcome;
}

FeedOutcome Poller::RecordFailure(const FeedSpec& spec, storage::FeedState state,
                                  const feeds::FetchResult& result, std::string_view error_class,
                                  const std::string& message) {
  Timestamp now = clock_.Now();
  state.error_count++;
  state.error_class = error_class;
  state.last_error = message;
  if (result.error == feeds::FetchError::kHttp410 || result.http_status == 410) {
    state.disabled = true;
    log::Error(
        "feed '{}': HTTP 410 Gone: the publisher removed this feed; it will not be "
        "polled again (remove it from the config)",
        spec.name);
  }
  state.next_poll =
      NextPollAfterFailure(spec.poll, state.error_count, result.retry_after, now, Random());
  if (auto saved = store_.SaveFeedState(spec.id, state); !saved) {
    log::DatabaseError("feed '" + spec.name + "'", saved.error());
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

}  // namespace tributary::daemon
