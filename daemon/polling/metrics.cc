#include "daemon/polling/metrics.h"

#include <algorithm>

#include "common/prometheus.h"

namespace tributary::daemon {
using prometheus::EscapeLabel;
using prometheus::Family;
using prometheus::Sample;
using prometheus::Single;

void Metrics::RecordFetch(const std::string& result, const std::string& error_class,
                          long http_status, std::chrono::milliseconds duration,
                          std::int64_t bytes) {
  fetches_[{result, error_class}]++;
  if (http_status > 0) statuses_[http_status]++;
  double seconds = static_cast<double>(duration.count()) / 1000.0;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) latency_buckets_[i]++;
  }
  latency_count_++;
  latency_sum_ += seconds;
  if (bytes > 0) bytes_ += static_cast<std::uint64_t>(bytes);
}

void Metrics::RecordItems(int inserted, int updated) {
  items_new_ += static_cast<std::uint64_t>(std::max(0, inserted));
  items_updated_ += static_cast<std::uint64_t>(std::max(0, updated));
}

void Metrics::RecordDigest(bool sent) { (sent ? digests_sent_ : digests_failed_)++; }

void Metrics::RecordLoopLag(std::chrono::microseconds lag) {
  loop_lag_seconds_ = static_cast<double>(lag.count()) / 1e6;
  loop_lag_max_seconds_ = std::max(loop_lag_max_seconds_, loop_lag_seconds_);
}

void Metrics::RecordClaims(std::size_t asked, std::size_t granted, std::size_t taken_over,
                           std::chrono::microseconds round_trip) {
  claims_granted_ += granted;
  claims_refused_ += asked - std::min(asked, granted);
  lease_takeovers_ += taken_over;
  ++claim_statements_;
  const double seconds = static_cast<double>(round_trip.count()) / 1e6;
  claim_seconds_ += seconds;
  claim_max_seconds_ = std::max(claim_max_seconds_, seconds);
}

void Metrics::AppendPrometheus(const Gauges& gauges, std::string* out) const {
  AppendFetches(out);
  Single(out, "tributary_items_new_total", "counter", "Items stored for the first time.",
         static_cast<double>(items_new_));
  Single(out, "tributary_items_updated_total", "counter", "Stored items edited by their feed.",
         static_cast<double>(items_updated_));
  Family(out, "tributary_digests_total", "counter", "Digest deliveries by result.");
  Sample(out, "tributary_digests_total", "result=\"sent\"", static_cast<double>(digests_sent_));
  Sample(out, "tributary_digests_total", "result=\"failed\"", static_cast<double>(digests_failed_));
  Single(out, "tributary_feeds", "gauge", "Configured feeds.", static_cast<double>(gauges.feeds));
  Single(out, "tributary_feeds_in_error", "gauge", "Feeds whose last fetch failed.",
         static_cast<double>(gauges.feeds_in_error));
  Single(out, "tributary_items", "gauge", "Stored items.", static_cast<double>(gauges.items));
  Single(out, "tributary_database_bytes", "gauge", "Size of the database file.",
         static_cast<double>(gauges.database_bytes));
  Single(out, "tributary_database_wal_bytes", "gauge", "Size of the write-ahead log.",
         static_cast<double>(gauges.wal_bytes));
  Single(out, "tributary_transfers_in_flight", "gauge", "Fetches in progress.",
         static_cast<double>(gauges.transfers_in_flight));
  Single(out, "tributary_loop_lag_seconds", "gauge",
         "How late the event loop ran its last probe timer.", loop_lag_seconds_);
  Single(out, "tributary_loop_lag_max_seconds", "gauge", "The largest loop lag seen.",
         loop_lag_max_seconds_);
  if (!cluster_node_.empty()) AppendCluster(gauges, out);
}

// Fetches by result and status, their latency histogram and bytes.
void Metrics::AppendFetches(std::string* out) const {
  Family(out, "tributary_fetches_total", "counter", "Feed fetches by result and error class.");
  for (const auto& [key, count] : fetches_) {
    Sample(
        out, "tributary_fetches_total",
        "result=\"" + EscapeLabel(key.first) + "\",error_class=\"" + EscapeLabel(key.second) + "\"",
        static_cast<double>(count));
  }
  Family(out, "tributary_fetch_http_status_total", "counter", "Fetch responses by HTTP status.");
  for (const auto& [status, count] : statuses_) {
    Sample(out, "tributary_fetch_http_status_total", "code=\"" + std::to_string(status) + "\"",
           static_cast<double>(count));
  }
  Family(out, "tributary_fetch_duration_seconds", "histogram", "Fetch latency.");
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    char bound[32];
    std::snprintf(bound, sizeof bound, "%g", kLatencyBuckets[i]);
    Sample(out, "tributary_fetch_duration_seconds_bucket", std::string("le=\"") + bound + "\"",
           static_cast<double>(latency_buckets_[i]));
  }
  Sample(out, "tributary_fetch_duration_seconds_bucket", "le=\"+Inf\"",
         static_cast<double>(latency_count_));
  Sample(out, "tributary_fetch_duration_seconds_sum", "", latency_sum_);
  Sample(out, "tributary_fetch_duration_seconds_count", "", static_cast<double>(latency_count_));
  Single(out, "tributary_fetch_bytes_total", "counter", "Decoded bytes received from feeds.",
         static_cast<double>(bytes_));
}

void Metrics::AppendCluster(const Gauges& gauges, std::string* out) const {
  Family(out, "tributary_cluster_node_info", "gauge",
         "This node's cluster.node, and whether it writes the output files.");
  Sample(
      out, "tributary_cluster_node_info",
      "node=\"" + EscapeLabel(cluster_node_) + "\",writer=\"" + (writer_ ? "true" : "false") + "\"",
      1);
  Single(out, "tributary_cluster_leases_held", "gauge", "Feeds this node holds a lease on.",
         static_cast<double>(gauges.transfers_in_flight));
  Family(out, "tributary_cluster_claims_total", "counter",
         "Due feeds this node asked to fetch, by answer.");
  Sample(out, "tributary_cluster_claims_total", "result=\"granted\"",
         static_cast<double>(claims_granted_));
  Sample(out, "tributary_cluster_claims_total", "result=\"refused\"",
         static_cast<double>(claims_refused_));
  Single(out, "tributary_cluster_lease_takeovers_total", "counter",
         "Feeds claimed after another node's lease on them ran out.",
         static_cast<double>(lease_takeovers_));
  Family(out, "tributary_cluster_claim_seconds", "summary",
         "Round trip of the claim statement to the database.");
  Sample(out, "tributary_cluster_claim_seconds_sum", "", claim_seconds_);
  Sample(out, "tributary_cluster_claim_seconds_count", "", static_cast<double>(claim_statements_));
  Single(out, "tributary_cluster_claim_max_seconds", "gauge", "The slowest claim statement seen.",
         claim_max_seconds_);
}

LoopLagProbe::LoopLagProbe(asio::io_context& io, Metrics& metrics, std::chrono::milliseconds period)
    : timer_(io), metrics_(metrics), period_(period) {}

void LoopLagProbe::Start() {
  stopped_ = false;
  Arm();
}

void LoopLagProbe::Stop() {
  stopped_ = true;
  timer_.cancel();
}

void LoopLagProbe::Arm() {
  expected_ = std::chrono::steady_clock::now() + period_;
  timer_.expires_at(expected_);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || stopped_) return;
    auto lag = std::chrono::steady_clock::now() - expected_;
    metrics_.RecordLoopLag(std::chrono::duration_cast<std::chrono::microseconds>(lag));
    Arm();
  });
}

}  // namespace tributary::daemon
