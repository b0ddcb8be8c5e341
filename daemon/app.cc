#include "daemon/app.h"

#include <algorithm>
#include <csignal>
#include <optional>
#include <thread>
#include <utility>

#include "common/asio.h"
#include "common/host.h"
#include "common/log.h"
#include "daemon/digests/digests.h"
#include "daemon/http/http_server.h"
#include "daemon/polling/feed_specs.h"
#include "daemon/polling/metrics.h"
#include "daemon/polling/poller.h"
#include "daemon/publishing/publisher.h"
#include "daemon/service_notify.h"
#include "feeds/curl_fetcher.h"
#include "storage/open.h"

namespace tributary::daemon {
namespace {

Poller::Options PollerOptions(const config::Config& config, const std::string& node) {
  Poller::Options options;
  options.max_transfers = config.fetch.max_transfers;
  options.max_per_host = config.fetch.max_per_host;
  options.host_spacing = config.fetch.host_spacing;
  options.node = node;
  options.lease = config.cluster.lease;
  return options;
}

}  // namespace

struct Daemon::Impl {
  Impl(config::Config config_in, std::string path, const Clock& clock_in)
      : config(std::move(config_in)),
        config_path(std::move(path)),
        clock(clock_in),
        parse_pool(std::max(1u, std::thread::hardware_concurrency())),
        signals(io),
        output_timer(io),
        maintenance_timer(io),
        cluster_timer(io) {}

  Result<void> Open();
  void Apply(const config::Config& next);
  void Reload();
  void Maintain();
  void ReplaceDigests(std::unique_ptr<DigestService> next);
  void ScheduleOutputs(bool promptly = false);
  void OnFeedsChanged();
  void RegenerateOutputs();
  void TakeRoles();
  void WatchCluster();
  void Shutdown();
  void WaitForSignal();

  config::Config config;
  std::string config_path;
  const Clock& clock;
  asio::io_context io;
  asio::thread_pool parse_pool;
  asio::signal_set signals;
  asio::steady_timer output_timer;
  asio::steady_timer maintenance_timer;
  asio::steady_timer cluster_timer;
  // Whether this node writes files and runs global retention: always on a
  // store only it uses; on a shared one, while it holds the writer role.
  bool writer = true;
  bool roles_known = false;
  // cluster.node, or host name + pid; fixed at start, as leases carry it.
  std::string node;
  bool output_pending = false;
  std::chrono::steady_clock::time_point output_due{};
  std::chrono::steady_clock::time_point last_output{};
  // The first change after start or a reload is published at once, not
  // output_interval after the (empty) outputs written at start.
  bool first_change_pending = true;
  int generation = 1;
  bool stopping = false;

  std::unique_ptr<storage::Store> store;
  std::unique_ptr<feeds::CurlFetcher> fetcher;
  std::unique_ptr<Poller> poller;
  std::unique_ptr<Publisher> outputs;
  std::unique_ptr<HttpServer> http;
  std::unique_ptr<DigestService> digests;  // after io: its timers live on it
  // Services replaced by a reload, kept until their last tick has finished.
  std::vector<std::unique_ptr<DigestService>> retired_digests;
  std::vector<FeedSpec> specs;
  ServiceNotifier notifier;
  Metrics metrics;
  std::unique_ptr<LoopLagProbe> lag_probe;
};

Result<void> Daemon::Impl::Open() {
  auto opened = storage::OpenStore(config.storage.Location());
  if (!opened) return opened.error();
  store = std::move(*opened);
  fetcher = std::make_unique<feeds::CurlFetcher>(io, clock);
  auto built = BuildFeedSpecs(config, *store);
  if (!built) return built.error();
  specs = std::move(*built);
  node = config.cluster.node.empty() ? DefaultNodeName() : config.cluster.node;
  poller = std::make_unique<Poller>(io, *fetcher, *store, clock, parse_pool,
                                    PollerOptions(config, node));
  poller->SetFeeds(specs);
  TakeRoles();
  outputs = std::make_unique<Publisher>(*store, clock, io);
  outputs->Configure(config, specs);
  poller->SetMetrics(&metrics);
  if (store->Shared()) {
    metrics.SetClusterNode(node);
    metrics.SetWriter(writer);
    outputs->SetClusterRole(node, writer);
  }
  outputs->SetMetrics(&metrics, [this] { return poller->InFlight(); });
  outputs->SetHostHealth([this] {
    std::vector<output::HostHealth> hosts;
    for (const HostReport& report : poller->Hosts()) {
      output::HostHealth host;
      host.host = report.host;
      host.active = report.active;
      host.max_per_host = report.max_per_host;
      host.configured_max_per_host = report.configured_max_per_host;
      host.spacing_ms = report.spacing.count();
      host.own_service = report.own_service;
      host.slowdown_level = report.slowdown_level;
      host.blocked_until = report.blocked_until;
      hosts.push_back(std::move(host));
    }
    // Slowed-down hosts first, like failing feeds.
    std::stable_partition(hosts.begin(), hosts.end(), [](const output::HostHealth& host) {
      return host.slowdown_level > 0 || host.blocked_until.has_value();
    });
    return hosts;
  });
  outputs->SetPollProgress([this] {
    return PollProgress{poller->FeedCount() - poller->Unanswered(), poller->FeedCount()};
  });
  for (const auto& warning : config.warnings) log::Warn("{}", warning);
  // Digests start after the items stored before they were first seen.
  auto digest_service = DigestService::Create(config, clock);
  if (!digest_service) return digest_service.error();
  digests = std::move(*digest_service);
  if (auto registered = digests->RegisterAll(); !registered) return registered.error();
  return Ok();
}

// Applies a validated configuration to the running daemon without dropping
// state: new feeds start, removed ones stop, outputs follow the new config.
void Daemon::Impl::Apply(const config::Config& next) {
  auto built = BuildFeedSpecs(next, *store);
  if (!built) {
    log::Error("reload rejected: {}; generation {} keeps running", built.error().ToString(),
               generation);
    return;
  }
  if (next.storage.Location() != config.storage.Location()) {
    log::Warn("reload: storage.path or storage.url changed; it takes effect after a restart");
  }
  // Digests are rebuilt from the new config before anything is applied, so
  // a digest the new config gets wrong rejects the whole reload.
  config::Config digest_config = next;
  digest_config.storage.path = config.storage.path;
  digest_config.storage.url = config.storage.url;
  auto next_digests = DigestService::Create(digest_config, clock);
  if (next_digests) {
    if (auto registered = (*next_digests)->RegisterAll(); !registered) {
      next_digests = registered.error();
    }
  }
  if (!next_digests) {
    log::Error("reload rejected: {}; generation {} keeps running", next_digests.error().ToString(),
               generation);
    return;
  }
  if (next.server.listen != config.server.listen || next.server.enabled != config.server.enabled) {
    log::Warn("reload: server settings changed; they take effect after a restart");
  }
  for (const auto& warning : next.warnings) log::Warn("{}", warning);
  auto storage_path = config.storage.path;
  auto storage_url = config.storage.url;
  auto server = config.server;
  config = next;
  config.storage.path = storage_path;
  config.storage.url = storage_url;
  config.server = server;
  specs = std::move(*built);
  poller->SetOptions(PollerOptions(config, node));
  poller->SetFeeds(specs);
  outputs->Configure(config, specs);
  ReplaceDigests(std::move(*next_digests));
  ++generation;
  log::Info("configuration generation {} live: {} feeds, {} outputs", generation, specs.size(),
            config.outputs.size());
  notifier.Status("config generation " + std::to_string(generation) + ", " +
                  std::to_string(specs.size()) + " feeds");
  first_change_pending = true;
  ScheduleOutputs(/*promptly=*/true);
}

// The old service stops at once; the new one starts only when every
// replaced service has finished its tick in progress (a delivery, perhaps),
// so no digest is ever worked on by two services: its exactly-once
// bookkeeping assumes one.
void Daemon::Impl::ReplaceDigests(std::unique_ptr<DigestService> next) {
  DigestService* old = digests.get();
  retired_digests.push_back(std::move(digests));
  digests = std::move(next);
  old->Stop();
  old->WhenIdle([this, old] {
    asio::post(io, [this, old] {
      std::erase_if(retired_digests, [old](const auto& service) { return service.get() == old; });
      if (!stopping && retired_digests.empty()) digests->Start(io);
    });
  });
}

// Now and then, on the loop: the global retention cap, and a WAL checkpoint
// that truncates the log once it has grown (SQLite's own checkpoints keep
// it from growing without bound but never shrink the file).
void Daemon::Impl::Maintain() {
  if (stopping) return;
  if (config.storage.max_items > 0 && writer) {
    if (auto purged = store->PurgeBeyond(config.storage.max_items); !purged) {
      log::DatabaseError("global retention", purged.error());
    } else if (*purged > 0) {
      log::Info("global retention: deleted the {} oldest items (storage.max_items {})", *purged,
                config.storage.max_items);
      ScheduleOutputs();
    }
  }
  if (auto maintained = store->Maintain(); !maintained) {
    log::Debug("{}", maintained.error().ToString());
  }
  maintenance_timer.expires_after(std::chrono::minutes{10});
  maintenance_timer.async_wait([this](const boost::system::error_code& error) {
    if (!error) Maintain();
  });
}

void Daemon::Impl::Reload() {
  log::Info("SIGHUP: reloading {}", config_path);
  notifier.Reloading();
  auto next = config::LoadConfig(config_path);
  if (!next) {
    log::Error("reload rejected, the running configuration (generation {}) stays: {}", generation,
               next.error().ToString());
  } else {
    Apply(*next);
  }
  notifier.Ready();
}

// Outputs are regenerated after changes, at most once per output_interval,
// or every few seconds while feeds never fetched before are still being
// fetched for the first time; `promptly` skips the wait (the first change
// after start or a reload, and the end of a first round). Either way a short
// pause lets the documents committed together be published together.
void Daemon::Impl::ScheduleOutputs(bool promptly) {
  if (stopping) return;
  constexpr std::chrono::seconds kFirstRoundPace{2};
  auto interval = std::chrono::steady_clock::duration(config.output_interval);
  if (poller->Unanswered() > 0)
    interval = std::min(interval, std::chrono::steady_clock::duration(kFirstRoundPace));
  auto now = std::chrono::steady_clock::now();
  auto at = promptly ? now : std::max(now, last_output + interval);
  at += std::chrono::milliseconds{200};
  if (output_pending && output_due <= at) return;
  output_pending = true;
  output_due = at;
  output_timer.expires_at(at);  // cancels a later wait, if any
  output_timer.async_wait([this](const boost::system::error_code& error) {
    if (error == asio::error::operation_aborted) return;  // re-armed or stopping
    output_pending = false;
    if (!error && !stopping) RegenerateOutputs();
  });
}

void Daemon::Impl::OnFeedsChanged() { ScheduleOutputs(std::exchange(first_change_pending, false)); }

void Daemon::Impl::RegenerateOutputs() {
  last_output = std::chrono::steady_clock::now();
  int failed = outputs->Regenerate(http.get(), writer);
  if (failed > 0 && !stopping) {
    // A failed write (disk full, permissions) keeps the previous file; try
    // again later even if no feed changes in the meantime.
    if (log::DatabaseDown()) {
      log::Debug("{} output(s) failed; retrying in {} s", failed, config.output_interval.count());
    } else {
      log::Warn("{} output(s) failed; retrying in {} s", failed, config.output_interval.count());
    }
    ScheduleOutputs();
  }
}

// A cluster elects its writer through the store: the node holding the role
// writes files and runs retention; every node serves what is stored.
void Daemon::Impl::TakeRoles() {
  if (!store->Shared()) return;
  auto held = store->HoldRole(storage::ClusterRole::kWriter);
  if (!held) {
    log::DatabaseError("cluster", held.error());
  } else {
    log::DatabaseAnswers();
  }
  const bool now_writer = held && *held;
  if (now_writer != writer || !roles_known) {
    if (now_writer) {
      log::Info("cluster: node {} writes the output files", node);
    } else {
      log::Info("cluster: node {} serves outputs; another node writes the files", node);
    }
  }
  const bool became = now_writer && !writer;
  writer = now_writer;
  metrics.SetWriter(writer);
  if (outputs) outputs->SetClusterRole(node, writer);
  roles_known = true;
  if (became && outputs) ScheduleOutputs(/*promptly=*/true);
}

// On a shared store other nodes change what the outputs show, and the
// writer may go away: every node re-reads the store once per
// output_interval and asks for the role a few times per lease.
void Daemon::Impl::WatchCluster() {
  if (stopping || !store->Shared()) return;
  TakeRoles();
  ScheduleOutputs();
  const Seconds period = std::clamp(std::min(config.cluster.lease / 3, config.output_interval),
                                    Seconds{1}, Seconds{60});
  cluster_timer.expires_after(period);
  cluster_timer.async_wait([this](const boost::system::error_code& error) {
    if (!error) WatchCluster();
  });
}

void Daemon::Impl::Shutdown() {
  if (stopping) return;
  stopping = true;
  notifier.Stopping();
  log::Info("stopping: aborting {} transfer(s)", poller->InFlight());
  if (lag_probe) lag_probe->Stop();
  poller->Stop();
  output_timer.cancel();
  maintenance_timer.cancel();
  cluster_timer.cancel();
  if (digests) digests->Stop();
  signals.cancel();
  notifier.Stop();
  if (http) http->Stop();
  // Output commands run to their end (or their command_timeout).
  if (outputs && outputs->commands().Running() > 0) {
    log::Info("stopping: waiting for {} output command(s)", outputs->commands().Running());
  }
}

void Daemon::Impl::WaitForSignal() {
  signals.async_wait([this](const boost::system::error_code& error, int signal_number) {
    if (error) return;
    if (signal_number == SIGHUP) {
      Reload();
      WaitForSignal();
      return;
    }
    log::Info("received {}", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
    Shutdown();
  });
}

Daemon::Daemon(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Daemon::~Daemon() {
  if (impl_) {
    impl_->parse_pool.join();
  }
}

Result<std::unique_ptr<Daemon>> Daemon::Create(config::Config config, std::string config_path,
                                               const Clock& clock) {
  auto impl = std::make_unique<Impl>(std::move(config), std::move(config_path), clock);
  if (auto opened = impl->Open(); !opened) return opened.error();
  return std::unique_ptr<Daemon>(new Daemon(std::move(impl)));
}

Result<void> Daemon::CheckDatabase() { return impl_->store->CheckIntegrity(); }

int Daemon::Run() {
  Impl& d = *impl_;
  d.signals.add(SIGTERM);
  d.signals.add(SIGINT);
  d.signals.add(SIGHUP);
  d.WaitForSignal();
  if (d.config.server.enabled) {
    HttpServerOptions options;
    options.listen = d.config.server.listen;
    options.max_connections = static_cast<std::size_t>(d.config.server.max_connections);
    options.clock = &d.clock;
    d.http = std::make_unique<HttpServer>(d.io, options);
    if (auto started = d.http->Start(); !started) {
      log::Error("{}", started.error().ToString());
      return 1;
    }
    log::Info("serving on http://{}", d.config.server.listen);
  }
  d.poller->OnChange([&d] { d.OnFeedsChanged(); });
  // Once every new feed has answered, the river's "n of m" note goes.
  d.poller->OnAllAnswered([&d] { d.ScheduleOutputs(/*promptly=*/true); });
  d.Maintain();
  d.RegenerateOutputs();
  d.WatchCluster();
  d.poller->Start();
  d.lag_probe = std::make_unique<LoopLagProbe>(d.io, d.metrics);
  d.lag_probe->Start();
  d.digests->Start(d.io);
  d.notifier.Start(d.io, [&d] {
    auto next = d.poller->NextDueIn();
    if (d.poller->InFlight() > 0) {
      return "polling " + std::to_string(d.poller->InFlight()) + "/" +
             std::to_string(d.poller->FeedCount()) + " feeds";
    }
    return next ? "idle, next poll in " + std::to_string(next->count()) + " s"
                : std::string("idle");
  });
  d.notifier.Ready();
  log::Info("tributary {} running: {} feeds, {} outputs (config generation {})", TRIBUTARY_VERSION,
            d.specs.size(), d.config.outputs.size(), d.generation);
  d.io.run();
  d.parse_pool.join();
  log::Info("stopped cleanly");
  return 0;
}

Result<RoundSummary> Daemon::PollOnce(const std::vector<std::string>& only_feeds) {
  Impl& d = *impl_;
  std::vector<storage::FeedId> ids;
  if (!only_feeds.empty()) {
    auto selected = SelectFeeds(d.specs, only_feeds);
    if (!selected) return selected.error();
    ids = std::move(*selected);
  }
  RoundSummary summary;
  d.signals.add(SIGTERM);
  d.signals.add(SIGINT);
  d.signals.async_wait([&d](const boost::system::error_code& error, int) {
    if (!error) d.Shutdown();
  });
  d.poller->RunRound(ids, [&d, &summary](std::vector<FeedOutcome> outcomes) {
    for (const auto& outcome : outcomes) {
      summary.feeds++;
      if (!outcome.ok) summary.failed++;
      summary.inserted += outcome.inserted;
      summary.updated += outcome.updated;
    }
    d.signals.cancel();
  });
  d.io.run();
  d.parse_pool.join();
  if (!d.stopping) {
    d.RegenerateOutputs();
    // The outputs' commands run on the loop: wait for them (each bounded
    // by its command_timeout) before the one-shot command returns.
    d.io.restart();
    d.io.run();
  }
  return summary;
}

}  // namespace tributary::daemon
