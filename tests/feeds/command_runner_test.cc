#include "feeds/command_runner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::feeds {
namespace {

using namespace std::chrono_literals;

TEST(ParseExecCommandTest, SplitsWordsWithQuotesAndNoShell) {
  const auto argv =
      ParseExecCommand("exec:/usr/bin/tool  --flag 'two words' \"a \\\"b\\\"\" $(id)");
  ASSERT_TRUE(argv) << argv.error().ToString();
  EXPECT_EQ(*argv,
            (std::vector<std::string>{"/usr/bin/tool", "--flag", "two words", "a \"b\"", "$(id)"}));
}

TEST(ParseExecCommandTest, RejectsEmptyAndMalformed) {
  EXPECT_FALSE(ParseExecCommand("exec:"));
  EXPECT_FALSE(ParseExecCommand("exec:   "));
  EXPECT_FALSE(ParseExecCommand("http://example.org/"));
}

class CommandRunnerTest : public ::testing::Test {
 protected:
  FetchResult Run(std::vector<std::string> argv, FetchLimits limits = {}) {
    CommandRunner runner(io_);
    std::optional<FetchResult> result;
    runner.Run(std::move(argv), limits, "exec:test", [&](FetchResult r) { result = std::move(r); });
    EXPECT_FALSE(result) << "done ran inside Run()";
    io_.run();
    io_.restart();
    EXPECT_TRUE(result);
    return result ? std::move(*result) : FetchResult{};
  }
  asio::io_context io_;
};

TEST_F(CommandRunnerTest, CapturesStdout) {
  const FetchResult result = Run({"echo", "<rss/>", "$(id)"});
  ASSERT_EQ(result.status, FetchResult::Status::kOk) << result.error_message;
  EXPECT_EQ(result.body, "<rss/> $(id)\n");  // no shell: nothing substituted
  EXPECT_EQ(result.effective_url, "exec:test");
}

TEST_F(CommandRunnerTest, NonZeroExitFails) {
  const FetchResult result = Run({"sh", "-c", "echo partial; exit 3"});
  EXPECT_EQ(FetchErrorName(result.error), "exec_failed");
  EXPECT_NE(result.error_message.find("status 3"), std::string::npos);
}

TEST_F(CommandRunnerTest, MissingCommandFails) {
  const FetchResult result = Run({"/nonexistent/tributary-tool"});
  EXPECT_EQ(FetchErrorName(result.error), "exec_failed");
  EXPECT_NE(result.error_message.find("cannot start"), std::string::npos);
}

TEST_F(CommandRunnerTest, KillsCommandThatRunsTooLongWithItsChildren) {
  FetchLimits limits;
  limits.total_timeout = 300ms;
  // The grandchild sleep keeps stdout open: only a group kill ends it.
  const FetchResult result = Run({"sh", "-c", "sleep 30 & sleep 30"}, limits);
  EXPECT_EQ(FetchErrorName(result.error), "timeout");
  EXPECT_LT(result.duration, 3s);
}

TEST_F(CommandRunnerTest, StopsEndlessOutputAtTheLimit) {
  FetchLimits limits;
  limits.max_body_bytes = 1024 * 1024;
  const FetchResult result = Run({"yes"}, limits);
  EXPECT_EQ(FetchErrorName(result.error), "body_too_large");
  EXPECT_LE(result.bytes_received, 1024 * 1024 + 64 * 1024);
}

TEST_F(CommandRunnerTest, CancelAllStopsCommands) {
  CommandRunner runner(io_);
  std::optional<FetchResult> result;
  runner.Run({"sleep", "30"}, {}, "exec:sleep 30", [&](FetchResult r) { result = std::move(r); });
  EXPECT_EQ(runner.InFlight(), 1u);
  runner.CancelAll();
  EXPECT_EQ(runner.InFlight(), 0u);
  io_.run();
  ASSERT_TRUE(result);
  EXPECT_EQ(FetchErrorName(result->error), "cancelled");
}

// The names are what /status, /metrics and the database show: stable.
TEST(FetchErrorTest, EveryErrorHasItsOwnStableName) {
  const std::vector<std::pair<FetchError, std::string_view>> names = {
      {FetchError::kTimeout, "timeout"},
      {FetchError::kDns, "dns"},
      {FetchError::kConnect, "connect"},
      {FetchError::kTls, "tls"},
      {FetchError::kHttp4xx, "http_4xx"},
      {FetchError::kHttp5xx, "http_5xx"},
      {FetchError::kHttp410, "http_410"},
      {FetchError::kHttp429, "http_429"},
      {FetchError::kHttp3xx, "http_3xx"},
      {FetchError::kBodyTooLarge, "body_too_large"},
      {FetchError::kTooManyRedirects, "too_many_redirects"},
      {FetchError::kRedirectSchemeDenied, "redirect_scheme_denied"},
      {FetchError::kBlockedAddress, "blocked_address"},
      {FetchError::kTransferPartial, "transfer_partial"},
      {FetchError::kBotChallenge, "bot_challenge"},
      {FetchError::kIo, "io"},
      {FetchError::kCancelled, "cancelled"},
      {FetchError::kInvalidRequest, "invalid_request"},
      {FetchError::kExecFailed, "exec_failed"}};
  for (const auto& [error, name] : names) EXPECT_EQ(FetchErrorName(error), name);
  EXPECT_EQ(FetchErrorName(FetchError::kNone), "");
}

}  // namespace
}  // namespace tributary::feeds
