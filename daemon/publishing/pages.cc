#include <unordered_map>
#include <unordered_set>

#include "common/log.h"
#include "daemon/http/http_server.h"
#include "daemon/publishing/publisher.h"
#include "output/river_page.h"
#include "output/sanitizer.h"
#include "output/status_page.h"

namespace tributary::daemon {

output::StatusPage Publisher::BuildStatusPage() {
  output::StatusPage page;
  page.version = TRIBUTARY_VERSION;
  page.generated = clock_.Now();
  page.started = started_;
  page.node = node_;
  page.writer = writer_;
  if (hosts_) page.hosts = hosts_();
  // One query for every feed's state and item count, not three per feed.
  std::unordered_map<storage::FeedId, storage::FeedOverview> overviews;
  if (auto listed = store_.ListFeedOverviews(); listed) {
    for (auto& overview : *listed) overviews.emplace(overview.row.id, std::move(overview));
  } else {
    log::DatabaseError("status page", listed.error());
  }
  page.feeds.reserve(selector_.feeds().size());
  for (const auto& spec : selector_.feeds()) {
    output::FeedHealth health;
    health.name = spec.name;
    health.url = log::CensorUrl(spec.config.url);
    if (auto found = overviews.find(spec.id); found != overviews.end()) {
      const storage::FeedOverview& feed = found->second;
      health.site_link = feed.row.site_link;
      if (!feed.row.url.empty()) health.url = log::CensorUrl(feed.row.url);
      const storage::FeedState& state = feed.state;
      health.last_success = state.last_success;
      health.last_attempt = state.last_attempt;
      health.error_class = state.error_class;
      health.error_message = state.last_error;
      if (state.disabled)
        health.error_message = "disabled after HTTP 410 Gone. " + health.error_message;
      health.consecutive_failures = state.error_count;
      if (state.http_status != 0) health.http_status = static_cast<int>(state.http_status);
      health.next_poll = state.next_poll;
      health.items = feed.items;
      if (!feed.lease_node.empty() && feed.lease_until && *feed.lease_until > page.generated) {
        health.fetching_node = feed.lease_node;
      }
    }
    page.feeds.push_back(std::move(health));
  }
  return page;
}

void Publisher::PublishPages(HttpServer* server) {
  // The river: the newest entries of every feed, duplicates collapsed.
  config::OutputConfig river_selection;
  river_selection.max_items = 100;
  output::RiverPage river;
  river.title = "Tributary";
  river.generated = clock_.Now();
  if (progress_) {
    PollProgress progress = progress_();
    river.feeds_answered = progress.answered;
    river.feeds_total = progress.total;
  }
  if (auto entries = selector_.Select(river_selection); entries) {
    for (const auto& entry : *entries) {
      output::RiverItem item;
      item.title = entry.title;
      item.link = entry.link;
      item.author = entry.author;
      item.time = entry.published.value_or(entry.updated);
      if (!entry.sources.empty()) {
        item.source_title = entry.sources.front().title;
        item.source_link = entry.sources.front().link;
      }
      const std::string& html = !entry.summary.empty() ? entry.summary : entry.content;
      output::SanitizeOptions options;
      options.base_url = entry.link;
      item.summary_html = output::SanitizeHtml(html, options);
      river.items.push_back(std::move(item));
    }
  } else {
    log::DatabaseError("river page", entries.error());
  }
  for (const auto& output : config_.outputs) {
    if (output.type != "feed" || output.url_path.empty()) continue;
    river.feeds.push_back({output.title + " (" + output.format + ")", output.url_path,
                           FeedContentType(output.format)});
  }
  HttpResource page;
  page.body = output::RenderRiverPage(river);
  page.content_type = "text/html; charset=utf-8";
  page.last_modified = river.items.empty() ? river.generated : river.items.front().time;
  server->Publish("/", std::move(page));

  if (!routes_registered_) RegisterRoutes(server);
}

std::string Publisher::RenderMetrics(HttpServer* server) {
  Metrics::Gauges gauges;
  gauges.feeds = static_cast<std::int64_t>(selector_.feeds().size());
  if (auto listed = store_.ListFeedOverviews(); listed) {
    std::unordered_set<storage::FeedId> configured;
    for (const auto& spec : selector_.feeds()) configured.insert(spec.id);
    for (const auto& feed : *listed) {
      if (feed.state.error_count > 0 && configured.count(feed.row.id) != 0) {
        gauges.feeds_in_error++;
      }
    }
  }
  if (auto stats = store_.Stats(); stats) {
    gauges.items = stats->items;
    gauges.database_bytes = stats->database_bytes;
    gauges.wal_bytes = stats->wal_bytes;
  }
  if (in_flight_) gauges.transfers_in_flight = static_cast<std::int64_t>(in_flight_());
  std::string body;
  if (metrics_ != nullptr) metrics_->AppendPrometheus(gauges, &body);
  AppendPrometheusMetrics(server->stats(), &body);
  return body;
}

// Computed per request; the server runs on the same single-threaded
// io_context as the store, so these may read it.
void Publisher::RegisterRoutes(HttpServer* server) {
  routes_registered_ = true;
  server->Route("/status", [this] {
    HttpResource resource;
    resource.body = output::RenderStatusPage(BuildStatusPage());
    resource.content_type = "text/html; charset=utf-8";
    return resource;
  });
  server->Route("/metrics", [this, server] {
    HttpResource resource;
    resource.content_type = std::string(kPrometheusContentType);
    resource.body = RenderMetrics(server);
    return resource;
  });
  server->Route("/healthz", [this] {
    HttpResource resource;
    auto stats = store_.Stats();
    resource.status = stats ? 200 : 503;
    resource.body = stats ? "ok\n" : "database unavailable: " + stats.error().ToString() + "\n";
    resource.content_type = "text/plain; charset=utf-8";
    return resource;
  });
}

}  // namespace tributary::daemon
