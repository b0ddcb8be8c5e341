#include "common/log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <memory>
#include <sstream>
#include <string>

namespace tributary::log {
namespace {

TEST(LogTest, CensorsCredentialsInUrls) {
  EXPECT_EQ(CensorUrl("https://user:secret@example.org/feed"), "https://***@example.org/feed");
  EXPECT_EQ(CensorUrl("https://example.org/a@b"), "https://example.org/a@b");
  EXPECT_EQ(CensorUrl("file:///tmp/x"), "file:///tmp/x");
}

TEST(LogTest, ParsesLevels) {
  Level level = Level::kInfo;
  EXPECT_TRUE(ParseLevel("debug", &level));
  EXPECT_EQ(level, Level::kDebug);
  EXPECT_FALSE(ParseLevel("loud", &level));
}

// Counts the lines at `level` ("[error]") that contain `text`.
int Lines(const std::string& log, const std::string& level, const std::string& text) {
  std::istringstream in(log);
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find(level) != std::string::npos && line.find(text) != std::string::npos) ++n;
  }
  return n;
}

// With the database unreachable every timer and feed fails the same way:
// the log says so once, then once more when it answers again; other
// database errors are logged each time.
TEST(LogTest, AnUnreachableDatabaseIsLoggedOncePerOutage) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("test", sink);
  logger->set_pattern("[%l] %v");
  logger->set_level(spdlog::level::debug);
  spdlog::set_default_logger(logger);

  const tributary::Error gone{ErrorCode::kStorageBusy,
                              "cannot query items: server closed the connection", "db"};
  const tributary::Error constraint{ErrorCode::kStorage, "cannot save: duplicate key", "db"};
  EXPECT_FALSE(DatabaseDown());
  DatabaseError("output all.atom", gone);
  EXPECT_TRUE(DatabaseDown());
  DatabaseError("river page", gone);
  DatabaseError("feed 'a'", gone);
  DatabaseError("feed 'b'", constraint);
  DatabaseError("feed 'b'", constraint);
  DatabaseAnswers();
  EXPECT_FALSE(DatabaseDown());
  DatabaseAnswers();               // nothing more to say
  DatabaseError("cluster", gone);  // a new outage is reported again

  spdlog::set_default_logger(previous);
  const std::string log = out.str();
  EXPECT_EQ(Lines(log, "[error]", "server closed the connection"), 2) << log;
  EXPECT_EQ(Lines(log, "[error]", "output all.atom: db: cannot query items"), 1) << log;
  EXPECT_EQ(Lines(log, "[error]", "cluster: db: cannot query items"), 1) << log;
  EXPECT_EQ(Lines(log, "[debug]", "river page: db: cannot query items"), 1) << log;
  EXPECT_EQ(Lines(log, "[error]", "duplicate key"), 2) << log;
  EXPECT_EQ(Lines(log, "[info]", "the database answers again after"), 1) << log;
  EXPECT_EQ(Lines(log, "[info]", "2 later failure(s) were not logged one by one"), 1) << log;
  DatabaseAnswers();
}

}  // namespace
}  // namespace tributary::log
