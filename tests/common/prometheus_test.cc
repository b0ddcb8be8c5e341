#include "common/prometheus.h"

#include <gtest/gtest.h>

namespace tributary::prometheus {
namespace {

TEST(PrometheusTest, WritesFamiliesAndSamplesInTheTextFormat) {
  std::string out;
  Family(&out, "tributary_fetches_total", "counter", "Fetches by result.");
  Sample(&out, "tributary_fetches_total", "result=\"ok\"", 42);
  Sample(&out, "tributary_loop_lag_seconds", "", 0.25);
  Sample(&out, "tributary_bytes_total", "", 9007199254740992.0);  // 2^53, exactly
  EXPECT_EQ(out,
            "# HELP tributary_fetches_total Fetches by result.\n"
            "# TYPE tributary_fetches_total counter\n"
            "tributary_fetches_total{result=\"ok\"} 42\n"
            "tributary_loop_lag_seconds 0.25\n"
            "tributary_bytes_total 9007199254740992\n");
}

TEST(PrometheusTest, EscapesLabelValues) {
  EXPECT_EQ(EscapeLabel("web-2"), "web-2");
  EXPECT_EQ(EscapeLabel("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace tributary::prometheus
