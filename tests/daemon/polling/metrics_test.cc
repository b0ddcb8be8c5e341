#include "daemon/polling/metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace tributary::daemon {
namespace {

using ::std::chrono::milliseconds;

TEST(MetricsTest, WritesPrometheusTextWithCountersHistogramAndGauges) {
  Metrics metrics;
  metrics.RecordFetch("ok", "", 200, milliseconds{80}, 1000);
  metrics.RecordFetch("not_modified", "", 304, milliseconds{20}, 0);
  metrics.RecordFetch("error", "timeout", 0, milliseconds{61000}, 0);
  metrics.RecordItems(3, 1);
  metrics.RecordDigest(true);
  Metrics::Gauges gauges;
  gauges.feeds = 4;
  gauges.feeds_in_error = 1;
  gauges.database_bytes = 8192;
  std::string text;
  metrics.AppendPrometheus(gauges, &text);

  EXPECT_NE(text.find("tributary_fetches_total{result=\"ok\",error_class=\"\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("tributary_fetches_total{result=\"error\",error_class=\"timeout\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("tributary_fetch_http_status_total{code=\"304\"} 1\n"), std::string::npos);
  // 80 ms and 20 ms are within 0.1 s; the 61 s timeout only in +Inf.
  EXPECT_NE(text.find("tributary_fetch_duration_seconds_bucket{le=\"0.1\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("tributary_fetch_duration_seconds_bucket{le=\"60\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("tributary_fetch_duration_seconds_bucket{le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("tributary_fetch_bytes_total 1000\n"), std::string::npos);
  EXPECT_NE(text.find("tributary_items_new_total 3\n"), std::string::npos);
  EXPECT_NE(text.find("tributary_digests_total{result=\"sent\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("tributary_feeds_in_error 1\n"), std::string::npos);
  EXPECT_NE(text.find("tributary_database_bytes 8192\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE tributary_fetch_duration_seconds histogram\n"), std::string::npos);
}

TEST(MetricsTest, ClusterFiguresOnlyInACluster) {
  Metrics metrics;
  Metrics::Gauges gauges;
  gauges.transfers_in_flight = 5;
  std::string single;
  metrics.AppendPrometheus(gauges, &single);
  EXPECT_EQ(single.find("tributary_cluster"), std::string::npos);

  metrics.SetClusterNode("web-\"2\"");
  metrics.SetWriter(true);
  metrics.RecordClaims(10, 7, 2, std::chrono::microseconds{1500});
  metrics.RecordClaims(4, 4, 0, std::chrono::microseconds{500});
  std::string text;
  metrics.AppendPrometheus(gauges, &text);
  EXPECT_NE(text.find("tributary_cluster_node_info{node=\"web-\\\"2\\\"\",writer=\"true\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tributary_cluster_leases_held 5\n"), std::string::npos);
  EXPECT_NE(text.find("tributary_cluster_claims_total{result=\"granted\"} 11\n"),
            std::string::npos);
  EXPECT_NE(text.find("tributary_cluster_claims_total{result=\"refused\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("tributary_cluster_lease_takeovers_total 2\n"), std::string::npos);
  auto value = [&text](const std::string& name) {
    const auto at = text.find("\n" + name + " ");
    return at == std::string::npos ? -1.0 : std::stod(text.substr(at + name.size() + 2));
  };
  EXPECT_NEAR(value("tributary_cluster_claim_seconds_sum"), 0.002, 1e-9);
  EXPECT_NE(text.find("tributary_cluster_claim_seconds_count 2\n"), std::string::npos);
  EXPECT_NEAR(value("tributary_cluster_claim_max_seconds"), 0.0015, 1e-9);
}

TEST(MetricsTest, LoopLagProbeMeasuresALateLoop) {
  asio::io_context io;
  Metrics metrics;
  LoopLagProbe probe(io, metrics, milliseconds{10});
  probe.Start();
  // Block the loop for 60 ms right when the probe should fire.
  asio::steady_timer blocker(io);
  blocker.expires_after(milliseconds{5});
  blocker.async_wait([](const boost::system::error_code&) {
    auto until = std::chrono::steady_clock::now() + milliseconds{60};
    while (std::chrono::steady_clock::now() < until) {
    }
  });
  asio::steady_timer stop(io);
  stop.expires_after(milliseconds{120});
  stop.async_wait([&probe](const boost::system::error_code&) { probe.Stop(); });
  io.run();
  std::string text;
  metrics.AppendPrometheus({}, &text);
  auto pos = text.find("\ntributary_loop_lag_max_seconds ");
  ASSERT_NE(pos, std::string::npos);
  double lag = std::stod(text.substr(pos + 32));
  EXPECT_GT(lag, 0.04);
}

}  // namespace
}  // namespace tributary::daemon
