#include "daemon/digests/digests.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <utility>

#include "common/log.h"
#include "daemon/digests/digest_runner.h"
#include "daemon/digests/digest_setup.h"
#include "daemon/digests/mail_delivery.h"
#include "daemon/polling/feed_specs.h"
#include "daemon/publishing/entry_selector.h"
#include "output/digest_message.h"
#include "output/sanitizer.h"
#include "storage/open.h"

namespace tributary::daemon {
namespace {

// One configured digest: its config entry and what PrepareDigest made of it.
struct DigestSlot {
  config::DigestConfig config;
  DigestSetup setup;
  std::unique_ptr<asio::steady_timer> timer;
};

// Groups entries by folder (the feed's first category; feeds without one
// last) then by feed, both by name; items keep their id order.
std::vector<output::DigestFolderGroup> GroupEntries(
    const std::vector<EntrySelector::IdentifiedEntry>& entries) {
  std::map<std::pair<bool, std::string>, std::map<std::string, output::DigestFeedGroup>> folders;
  for (const auto& [id, entry] : entries) {
    const output::SourceRef* source = entry.sources.empty() ? nullptr : &entry.sources.front();
    const std::string folder =
        source != nullptr && !source->categories.empty() ? source->categories.front() : "";
    const std::string feed = source != nullptr ? source->title : std::string();
    output::DigestFeedGroup& group = folders[{folder.empty(), folder}][feed];
    group.name = feed;
    if (source != nullptr) group.link = source->link;
    output::DigestItem item;
    item.id = id;
    item.title = entry.title;
    item.link = entry.link;
    item.source = feed;
    item.time = entry.published.value_or(entry.sort_time);
    const std::string& html = entry.summary.empty() ? entry.content : entry.summary;
    item.summary_html = output::SanitizeEntryHtml(html, entry);
    group.items.push_back(std::move(item));
  }
  std::vector<output::DigestFolderGroup> grouped;
  for (auto& [key, feeds] : folders) {
    output::DigestFolderGroup folder;
    folder.name = key.second;
    for (auto& [name, group] : feeds) folder.feeds.push_back(std::move(group));
    grouped.push_back(std::move(folder));
  }
  return grouped;
}

}  // namespace

struct DigestService::Impl {
  Impl(const config::Config& config_in, const Clock& clock_in)
      : config(config_in), clock(clock_in), worker(1) {}

  DigestSlot* Find(const std::string& name);
  Result<std::vector<EntrySelector::IdentifiedEntry>> Select(const DigestSlot& digest,
                                                             storage::ItemId after,
                                                             storage::ItemId up_to);
  DigestRunnerHooks Hooks(const DigestSlot& digest);
  Result<output::DigestMessage> Compose(const DigestSlot& digest, const std::string& run_key,
                                        std::vector<EntrySelector::IdentifiedEntry> entries);
  Result<void> Register(const DigestSlot& digest);
  void Arm(DigestSlot& digest, Timestamp when);
  void TickOnWorker(DigestSlot& digest);

  config::Config config;
  const Clock& clock;
  std::vector<DigestSlot> digests;
  std::unique_ptr<storage::Store> store;  // worker-thread connection
  std::unique_ptr<storage::DigestLedger> ledger;
  std::unique_ptr<EntrySelector> selector;
  asio::thread_pool worker;
  asio::io_context* io = nullptr;
  std::atomic<bool> stopping{false};
  // Cluster: whether the worker's connection held the digests role at its
  // last tick (1 or 0; -1 before the first).
  std::atomic<int> holds_role{-1};
};

DigestSlot* DigestService::Impl::Find(const std::string& name) {
  for (DigestSlot& digest : digests) {
    if (digest.config.name == name) return &digest;
  }
  return nullptr;
}

Result<std::vector<EntrySelector::IdentifiedEntry>> DigestService::Impl::Select(
    const DigestSlot& digest, storage::ItemId after, storage::ItemId up_to) {
  const config::DigestConfig& c = digest.config;
  return selector->SelectNew({c.categories, c.feeds, c.include, c.exclude, after, up_to});
}

Result<output::DigestMessage> DigestService::Impl::Compose(
    const DigestSlot& digest, const std::string& run_key,
    std::vector<EntrySelector::IdentifiedEntry> entries) {
  output::DigestInput input = digest.setup.message;
  input.now = clock.Now();
  input.run_key = run_key;
  input.folders = GroupEntries(entries);
  return output::RenderDigest(input);
}

DigestRunnerHooks DigestService::Impl::Hooks(const DigestSlot& digest) {
  DigestRunnerHooks hooks;
  hooks.new_item_ids = [this, &digest](std::int64_t after) -> Result<std::vector<std::int64_t>> {
    auto entries = Select(digest, after, 0);
    if (!entries) return entries.error();
    std::vector<std::int64_t> ids;
    for (const auto& e : *entries) ids.push_back(e.id);
    return ids;
  };
  hooks.compose = [this, &digest](const DigestRun& run) -> Result<output::DigestMessage> {
    std::vector<EntrySelector::IdentifiedEntry> entries;
    if (run.last_item_id >= run.first_item_id) {
      auto selected = Select(digest, run.first_item_id - 1, run.last_item_id);
      if (!selected) return selected.error();
      entries = std::move(*selected);
    }
    return Compose(digest, RunKey(run), std::move(entries));
  };
  hooks.deliver = [&digest](const std::string& message) -> Result<void> {
    return Deliver(digest.setup.delivery, digest.setup.envelope_from, digest.setup.envelope_to,
                   message);
  };
  return hooks;
}

Result<void> DigestService::Impl::Register(const DigestSlot& digest) {
  auto cursor = ledger->LoadCursor(digest.config.name);
  if (!cursor) return cursor.error();
  if (cursor->has_value()) return Ok();
  auto existing = Select(digest, 0, 0);
  if (!existing) return existing.error();
  const storage::ItemId last = existing->empty() ? 0 : existing->back().id;
  log::Info("digest {}: first seen; it starts after item {} ({} stored items are not mailed)",
            digest.config.name, last, existing->size());
  return ledger->SaveCursor(digest.config.name, DigestCursor{last, clock.Now()});
}

DigestService::DigestService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

DigestService::~DigestService() {
  Stop();
  impl_->worker.join();
}

Result<std::unique_ptr<DigestService>> DigestService::Create(const config::Config& config,
                                                             const Clock& clock) {
  auto impl = std::make_unique<Impl>(config, clock);
  for (const config::DigestConfig& digest : config.digests) {
    auto setup = PrepareDigest(digest);
    if (!setup) return setup.error();
    impl->digests.push_back(DigestSlot{digest, std::move(*setup), nullptr});
  }
  if (impl->digests.empty())
    return std::unique_ptr<DigestService>(new DigestService(std::move(impl)));
  auto store = storage::OpenStore(config.storage.Location());
  if (!store) return store.error();
  impl->store = std::move(*store);
  auto ledger = storage::OpenDigestLedger(config.storage.Location());
  if (!ledger) return ledger.error();
  impl->ledger = std::move(*ledger);
  auto specs = BuildFeedSpecs(config, *impl->store);
  if (!specs) return specs.error();
  impl->selector = std::make_unique<EntrySelector>(*impl->store, clock);
  impl->selector->Configure(std::move(*specs));
  return std::unique_ptr<DigestService>(new DigestService(std::move(impl)));
}

Result<void> DigestService::RegisterAll() {
  for (const DigestSlot& digest : impl_->digests) {
    if (auto registered = impl_->Register(digest); !registered) return registered;
  }
  return Ok();
}

Result<std::string> DigestService::Preview(const std::string& name,
                                           std::optional<Timestamp> since) {
  Impl& d = *impl_;
  DigestSlot* digest = d.Find(name);
  if (digest == nullptr) {
    return Error{ErrorCode::kNotFound, "no digest named '" + name + "' in the configuration", name};
  }
  storage::ItemId after = 0;
  if (!since) {
    auto open = d.ledger->LoadOpenRun(name);
    if (!open) return open.error();
    auto cursor = d.ledger->LoadCursor(name);
    if (!cursor) return cursor.error();
    if (open->has_value()) {
      after = (*open)->first_item_id - 1;
    } else if (cursor->has_value()) {
      after = (*cursor)->last_item_id;
    }
  }
  auto entries = d.Select(*digest, after, 0);
  if (!entries) return entries.error();
  if (since) {
    std::erase_if(*entries, [&since](const EntrySelector::IdentifiedEntry& e) {
      return e.entry.published.value_or(e.entry.sort_time) < *since;
    });
  }
  auto message =
      d.Compose(*digest, "preview-" + std::to_string(ToUnix(d.clock.Now())), std::move(*entries));
  if (!message) return message.error();
  return message->bytes;
}

Result<DigestSendReport> DigestService::SendNow(const std::string& name) {
  Impl& d = *impl_;
  DigestSlot* digest = d.Find(name);
  if (digest == nullptr) {
    return Error{ErrorCode::kNotFound, "no digest named '" + name + "' in the configuration", name};
  }
  if (auto registered = d.Register(*digest); !registered) return registered.error();
  // "Now" overrides the back-off of a run waiting for its retry.
  auto open = d.ledger->LoadOpenRun(name);
  if (!open) return open.error();
  if (open->has_value() && (*open)->next_attempt > d.clock.Now()) {
    (*open)->next_attempt = d.clock.Now();
    if (auto saved = d.ledger->UpdateRun(**open); !saved) return saved.error();
  }
  // The forced schedule below has a slot every second; a cursor whose last
  // slot is this very second (a poll or send a moment ago) would hide it.
  auto cursor = d.ledger->LoadCursor(name);
  if (!cursor) return cursor.error();
  if (cursor->has_value() && (*cursor)->last_slot >= d.clock.Now()) {
    DigestCursor earlier = **cursor;
    earlier.last_slot = d.clock.Now() - Seconds{1};
    if (auto saved = d.ledger->SaveCursor(name, earlier); !saved) return saved.error();
  }
  auto before = d.ledger->ListRuns(name);
  if (!before) return before.error();
  // A schedule with a slot every second makes "now" a due slot.
  DigestRunnerOptions options = digest->setup.runner;
  options.schedule.kind = DigestSchedule::Kind::kEvery;
  options.schedule.interval = Seconds{1};
  DigestRunner runner(options, *d.ledger, d.clock, d.Hooks(*digest));
  if (auto ticked = runner.Tick(); !ticked) return ticked.error();
  auto after = d.ledger->ListRuns(name);
  if (!after) return after.error();
  DigestSendReport report;
  std::map<std::int64_t, DigestRunState> previous;
  for (const DigestRun& run : *before) previous[run.id] = run.state;
  for (const DigestRun& run : *after) {
    auto was = previous.find(run.id);
    const bool newly_sent = run.state == DigestRunState::kSent &&
                            (was == previous.end() || was->second != DigestRunState::kSent);
    if (newly_sent) ++report.sent;
    if (run.state == DigestRunState::kPlanned || run.state == DigestRunState::kSending ||
        (run.state == DigestRunState::kFailed &&
         (was == previous.end() || was->second != DigestRunState::kFailed))) {
      ++report.still_queued;
      report.last_error = run.last_error;
    }
  }
  return report;
}

void DigestService::Impl::Arm(DigestSlot& digest, Timestamp when) {
  if (stopping || io == nullptr) return;
  const Timestamp now = clock.Now();
  const auto wait =
      when > now ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(when - now)
                 : std::chrono::steady_clock::duration::zero();
  digest.timer->expires_after(wait);
  digest.timer->async_wait([this, &digest](const boost::system::error_code& error) {
    if (error || stopping) return;
    asio::post(worker, [this, &digest] { TickOnWorker(digest); });
  });
}

// Runs on the worker thread: the whole tick (selection, ledger, blocking
// delivery) uses the worker's own connections; only the next wake-up time
// goes back to the io_context.
void DigestService::Impl::TickOnWorker(DigestSlot& digest) {
  if (stopping) return;
  // In a cluster one node plans and sends every digest; the others ask
  // again a few times per lease and take over a run the holder left in
  // `sending` (it is resent with the same Message-ID).
  if (store->Shared()) {
    auto held = store->HoldRole(storage::ClusterRole::kDigests);
    if (!held) log::DatabaseError("digest " + digest.config.name, held.error());
    const bool holding = held && *held;
    if (static_cast<int>(holding) != holds_role.exchange(holding)) {
      if (holding) {
        log::Info("cluster: this node sends the digests");
      } else {
        log::Info("cluster: another node sends the digests");
      }
    }
    if (!holding) {
      const Seconds retry = std::clamp(config.cluster.lease / 3, Seconds{1}, Seconds{60});
      const Timestamp when = clock.Now() + retry;
      asio::post(*io, [this, &digest, when] { Arm(digest, when); });
      return;
    }
  }
  DigestRunner runner(digest.setup.runner, *ledger, clock, Hooks(digest));
  Result<Timestamp> next = runner.Tick();
  Timestamp when;
  if (next) {
    when = *next;
  } else {
    log::Error("digest {}: {}; trying again in a minute", digest.config.name,
               next.error().ToString());
    when = clock.Now() + Seconds{60};
  }
  asio::post(*io, [this, &digest, when] { Arm(digest, when); });
}

void DigestService::Start(asio::io_context& io) {
  Impl& d = *impl_;
  d.io = &io;
  for (DigestSlot& digest : d.digests) {
    digest.timer = std::make_unique<asio::steady_timer>(io);
    log::Info("digest {}: {} ({}), delivering to {}", digest.config.name, digest.config.schedule,
              digest.config.timezone, digest.setup.delivery.Describe());
    // The first tick catches up on a slot missed while the daemon was down.
    d.Arm(digest, d.clock.Now());
  }
}

void DigestService::WhenIdle(std::function<void()> done) {
  asio::post(impl_->worker, std::move(done));
}

void DigestService::Stop() {
  Impl& d = *impl_;
  if (d.stopping.exchange(true)) return;
  for (DigestSlot& digest : d.digests) {
    if (digest.timer) digest.timer->cancel();
  }
}

}  // namespace tributary::daemon
