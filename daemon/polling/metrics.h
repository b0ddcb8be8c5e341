// Metrics: the daemon's counters and gauges, exposed at /metrics in the
// Prometheus text format. Updated from the io_context thread only (the
// poller, digests, the loop-lag probe), read by the /metrics route on the
// same thread, so no locking.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "common/asio.h"

namespace tributary::daemon {

class Metrics {
 public:
  // One fetch finished: result is "ok", "not_modified" or "error";
  // error_class is empty unless result is "error".
  void RecordFetch(const std::string& result, const std::string& error_class, long http_status,
                   std::chrono::milliseconds duration, std::int64_t bytes);
  void RecordItems(int inserted, int updated);
  void RecordDigest(bool sent);
  void RecordLoopLag(std::chrono::microseconds lag);
  // Cluster (a shared store): this node's name, whether it writes the
  // files, and one claim statement: feeds asked for, granted, granted after
  // another node's lease ran out, and how long the database took.
  void SetClusterNode(std::string node) { cluster_node_ = std::move(node); }
  void SetWriter(bool writer) { writer_ = writer; }
  void RecordClaims(std::size_t asked, std::size_t granted, std::size_t taken_over,
                    std::chrono::microseconds round_trip);

  struct Gauges {
    std::int64_t feeds = 0;
    std::int64_t feeds_in_error = 0;
    std::int64_t items = 0;
    std::int64_t database_bytes = 0;
    std::int64_t wal_bytes = 0;
    std::int64_t transfers_in_flight = 0;
  };
  // Appends everything in the Prometheus text exposition format.
  void AppendPrometheus(const Gauges& gauges, std::string* out) const;

  // Histogram bucket upper bounds of fetch latency, in seconds.
  static constexpr std::array<double, 10> kLatencyBuckets = {0.05, 0.1, 0.25, 0.5, 1,
                                                             2.5,  5,   10,   30,  60};

 private:
  void AppendFetches(std::string* out) const;
  void AppendCluster(const Gauges& gauges, std::string* out) const;

  std::map<std::pair<std::string, std::string>, std::uint64_t> fetches_;  // result, class
  std::map<long, std::uint64_t> statuses_;
  std::array<std::uint64_t, kLatencyBuckets.size()> latency_buckets_{};
  std::uint64_t latency_count_ = 0;
  double latency_sum_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t items_new_ = 0;
  std::uint64_t items_updated_ = 0;
  std::uint64_t digests_sent_ = 0;
  std::uint64_t digests_failed_ = 0;
  double loop_lag_seconds_ = 0;
  double loop_lag_max_seconds_ = 0;
  std::string cluster_node_;  // empty: not in a cluster
  bool writer_ = false;
  std::uint64_t claims_granted_ = 0;
  std::uint64_t claims_refused_ = 0;
  std::uint64_t lease_takeovers_ = 0;
  std::uint64_t claim_statements_ = 0;
  double claim_seconds_ = 0;
  double claim_max_seconds_ = 0;
};

// Measures how late the event loop runs a timer that should fire every
// `period`: a direct reading of how busy (or stuck) the loop is.
class LoopLagProbe {
 public:
  LoopLagProbe(asio::io_context& io, Metrics& metrics,
               std::chrono::milliseconds period = std::chrono::milliseconds{1000});
  void Start();
  void Stop();

 private:
  void Arm();
  asio::steady_timer timer_;
  Metrics& metrics_;
  std::chrono::milliseconds period_;
  std::chrono::steady_clock::time_point expected_{};
  bool stopped_ = false;
};

}  // namespace tributary::daemon
