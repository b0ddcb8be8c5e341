#include "daemon/digests/digest_runner.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/daemon/digests/fake_digest_ledger.h"

namespace tributary::daemon {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

Timestamp At(const char* text) { return *ParseRfc3339(text); }

// A simulated daemon around one digest: items arrive on the clock, messages
// are rendered for real, and delivery fails when the script says so.
class DigestWorld {
 public:
  explicit DigestWorld(Timestamp start, const char* schedule = "daily 07:00")
      : clock(start), zone(*LocateZone("Asia/Shanghai")) {
    options.digest = "daily";
    options.schedule = *ParseDigestSchedule(schedule);
    options.zone = zone;
  }

  void AddItem() {
    const std::int64_t id = static_cast<std::int64_t>(items.size()) + 1;
    items.push_back({id, clock.Now()});
  }

  DigestRunner Runner() { return DigestRunner(options, ledger, clock, Hooks()); }

  DigestRunnerHooks Hooks() {
    DigestRunnerHooks hooks;
    hooks.new_item_ids = [this](std::int64_t after) -> Result<std::vector<std::int64_t>> {
      std::vector<std::int64_t> ids;
      for (const auto& [id, arrived] : items) {
        if (id > after && arrived <= clock.Now()) ids.push_back(id);
      }
      return ids;
    };
    hooks.compose = [this](const DigestRun& run) -> Result<output::DigestMessage> {
      output::DigestInput input;
      input.name = "daily";
      input.from = "tributary@example.org";
      input.to = {"reader@example.org"};
      input.subject_template = "每日摘要 {{date}}";
      input.timezone = "Asia/Shanghai";
      input.now = clock.Now();
      input.run_key = RunKey(run);
      output::DigestFeedGroup feed{"Feed", "", {}};
      std::vector<std::int64_t> ids;
      for (std::int64_t id = run.first_item_id; id <= run.last_item_id; ++id) {
        ids.push_back(id);
        feed.items.push_back({id, "Item " + std::to_string(id),
                              "https://example.org/" + std::to_string(id), "Feed",
                              items[static_cast<std::size_t>(id - 1)].second, "", ""});
      }
      input.folders = {{"", {feed}}};
      Result<output::DigestMessage> message = output::RenderDigest(input);
      if (message) composed[message->message_id] = ids;
      return message;
    };
    hooks.deliver = [this](const std::string& bytes) -> Result<void> {
      const std::size_t start = bytes.find("Message-ID: ") + 12;
      const std::string id = bytes.substr(start, bytes.find("\r\n", start) - start);
      ++attempts;
      if (fault) {
        if (std::optional<Error> error = fault(clock.Now())) return *error;
      }
      delivered.push_back(id);
      return Ok();
    };
    return hooks;
  }

  FakeClock clock;
  const date::time_zone* zone;
  DigestRunnerOptions options;
  FakeDigestLedger ledger;
  std::vector<std::pair<std::int64_t, Timestamp>> items;
  std::map<std::string, std::vector<std::int64_t>> composed;  // Message-ID -> items
  std::vector<std::string> delivered;  // Message-IDs accepted by "the server"
  int attempts = 0;
  std::function<std::optional<Error>(Timestamp)> fault;
};

Error Refused() { return Error{ErrorCode::kNetwork, "Couldn't connect to server", "smtp"}; }
Error Rejected() { return Error{ErrorCode::kInvalidArgument, "550 5.7.1 Rejected", "smtp"}; }

bool Within(Timestamp t, const char* from, const char* to) { return t >= At(from) && t < At(to); }

// A week of simulated days (Mon 1 to Mon 8 Dec 2025, Asia/Shanghai) with an
// SMTP outage of 27 hours, a 421 spell, a one-off 550, a crash between the
// server's 250 and recording `sent`, and the daemon down over Sunday's slot.
TEST(DigestRunnerTest, WeekWithOutagesDeliversEveryItemExactlyOnce) {
  DigestWorld world(At("2025-12-01T00:00:00+08:00"));
  world.fault = [](Timestamp now) -> std::optional<Error> {
    if (Within(now, "2025-12-02T06:30:00+08:00", "2025-12-03T10:00:00+08:00")) return Refused();
    if (Within(now, "2025-12-05T07:00:00+08:00", "2025-12-05T07:20:00+08:00")) {
      return Error{ErrorCode::kNetwork, "421 4.3.2 Try again later", "smtp"};
    }
    if (Within(now, "2025-12-06T07:00:00+08:00", "2025-12-06T07:01:00+08:00")) return Rejected();
    return std::nullopt;
  };
  std::optional<DigestRunner> runner;
  runner.emplace(world.Runner());
  ASSERT_TRUE(runner->Tick());  // first sight, before any item
  int crashes = 0;
  int step = 0;
  for (; world.clock.Now() < At("2025-12-08T08:00:00+08:00"); world.clock.Advance(minutes{5})) {
    const Timestamp now = world.clock.Now();
    if (step++ % 12 == 0) {
      for (int i = 0; i < step % 4; ++i) world.AddItem();  // 0-3 items an hour
    }
    if (now == At("2025-12-04T06:00:00+08:00")) world.ledger.fail_next_sent_updates = 1;
    if (Within(now, "2025-12-07T05:00:00+08:00", "2025-12-07T12:00:00+08:00")) continue;  // down
    Result<Timestamp> next = runner->Tick();
    if (!next) {
      ++crashes;
      runner.emplace(world.Runner());  // restart
      continue;
    }
    EXPECT_GT(*next, now);
  }
  EXPECT_EQ(crashes, 1);

  // One message per local day, all sent.
  Result<std::vector<DigestRun>> runs = world.ledger.ListRuns("daily");
  ASSERT_TRUE(runs);
  std::set<std::string> days;
  for (const DigestRun& run : *runs) {
    EXPECT_EQ(run.state, DigestRunState::kSent) << run.id << " " << run.last_error;
    days.insert(date::format("%F", date::zoned_time<Seconds>(world.zone, run.slot)));
  }
  EXPECT_EQ(runs->size(), 8u);
  EXPECT_EQ(days.size(), 8u);
  // The crash resent one message, with the same Message-ID; nothing else twice.
  const std::set<std::string> distinct(world.delivered.begin(), world.delivered.end());
  EXPECT_EQ(distinct.size(), 8u);
  EXPECT_EQ(world.delivered.size(), 9u);
  // Every item up to the cursor is in exactly one delivered message.
  std::map<std::int64_t, int> seen;
  for (const std::string& id : distinct) {
    for (std::int64_t item : world.composed.at(id)) ++seen[item];
  }
  const DigestCursor cursor = **world.ledger.LoadCursor("daily");
  ASSERT_GT(cursor.last_item_id, 100);
  for (std::int64_t item = 1; item <= cursor.last_item_id; ++item) {
    EXPECT_EQ(seen[item], 1) << "item " << item;
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(cursor.last_item_id));
  // Items that arrived by the last slot are all covered.
  for (const auto& [id, arrived] : world.items) {
    if (arrived <= At("2025-12-08T07:00:00+08:00")) {
      EXPECT_LE(id, cursor.last_item_id);
    }
  }
  // Catch-up after the outage: Tuesday's run went out on Wednesday 10:00,
  // and Wednesday's right behind it; Sunday's when the daemon came back.
  EXPECT_GT((*runs)[1].attempts, 5);
  EXPECT_EQ(date::format("%F", date::zoned_time<Seconds>(world.zone, (*runs)[6].slot)),
            "2025-12-07");
}

TEST(DigestRunnerTest, PermanentFailureFailsTheRunAfterAttemptsAndLaterDigestsGoOut) {
  DigestWorld world(At("2025-12-01T00:00:00+08:00"));
  world.fault = [](Timestamp now) -> std::optional<Error> {
    if (now < At("2025-12-02T00:00:00+08:00")) return Rejected();
    return std::nullopt;
  };
  DigestRunner runner = world.Runner();
  for (; world.clock.Now() < At("2025-12-02T08:00:00+08:00"); world.clock.Advance(minutes{1})) {
    if (world.clock.Now() == At("2025-12-01T03:00:00+08:00")) world.AddItem();
    if (world.clock.Now() == At("2025-12-01T09:00:00+08:00")) world.AddItem();
    ASSERT_TRUE(runner.Tick());
  }
  std::vector<DigestRun> runs = *world.ledger.ListRuns("daily");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].state, DigestRunState::kFailed);
  EXPECT_EQ(runs[0].attempts, 3);
  EXPECT_EQ(runs[0].last_error, "smtp: 550 5.7.1 Rejected");
  EXPECT_EQ(runs[1].state, DigestRunState::kSent);
  EXPECT_EQ(runs[1].first_item_id, 2);
  EXPECT_EQ(world.delivered.size(), 1u);
}

TEST(DigestRunnerTest, TransientFailuresBackOffExponentially) {
  DigestWorld world(At("2025-12-01T00:00:00+08:00"));
  world.fault = [](Timestamp) -> std::optional<Error> { return Refused(); };
  DigestRunner runner = world.Runner();
  ASSERT_TRUE(runner.Tick());
  world.AddItem();
  world.clock.Set(At("2025-12-01T07:00:00+08:00"));
  std::vector<Seconds> delays;
  for (int i = 0; i < 9; ++i) {
    Result<Timestamp> next = runner.Tick();
    ASSERT_TRUE(next);
    delays.push_back(*next - world.clock.Now());
    world.clock.Set(*next);
  }
  const std::vector<Seconds> expected = {minutes{1},  minutes{2},  minutes{4},
                                         minutes{8},  minutes{16}, minutes{32},
                                         minutes{60}, minutes{60}, minutes{60}};
  EXPECT_EQ(delays, expected);
  DigestRun run = **world.ledger.LoadOpenRun("daily");
  EXPECT_EQ(run.state, DigestRunState::kPlanned) << "items stay queued";
  EXPECT_EQ(run.attempts, 9);
  EXPECT_EQ(run.last_error, "smtp: Couldn't connect to server");
}

TEST(DigestRunnerTest, EmptySlotsAreSkippedUnlessSendEmpty) {
  for (bool send_empty : {false, true}) {
    DigestWorld world(At("2025-12-01T00:00:00+08:00"));
    world.options.send_empty = send_empty;
    DigestRunner runner = world.Runner();
    Result<Timestamp> first = runner.Tick();
    ASSERT_TRUE(first);
    EXPECT_EQ(*first, At("2025-12-01T07:00:00+08:00"));
    world.clock.Set(*first);
    Result<Timestamp> next = runner.Tick();
    ASSERT_TRUE(next);
    EXPECT_EQ(*next, At("2025-12-02T07:00:00+08:00"));
    EXPECT_EQ(world.delivered.size(), send_empty ? 1u : 0u);
    EXPECT_EQ((*world.ledger.LoadCursor("daily"))->last_slot, At("2025-12-01T07:00:00+08:00"));
  }
}

TEST(DigestRunnerTest, CrashWhileSendingResendsTheSameMessageId) {
  DigestWorld world(At("2025-12-01T00:00:00+08:00"));
  DigestRunner runner = world.Runner();
  ASSERT_TRUE(runner.Tick());
  world.AddItem();
  world.AddItem();
  world.clock.Set(At("2025-12-01T07:00:00+08:00"));
  world.ledger.fail_next_sent_updates = 1;
  EXPECT_FALSE(runner.Tick());
  EXPECT_EQ((*world.ledger.LoadOpenRun("daily"))->state, DigestRunState::kSending);
  world.AddItem();  // arrives after the run was planned: belongs to the next one
  DigestRunner restarted = world.Runner();
  ASSERT_TRUE(restarted.Tick());
  ASSERT_EQ(world.delivered.size(), 2u);
  EXPECT_EQ(world.delivered[0], world.delivered[1]);
  EXPECT_EQ(world.composed.at(world.delivered[0]), (std::vector<std::int64_t>{1, 2}));
  EXPECT_FALSE(*world.ledger.LoadOpenRun("daily"));
}

TEST(DigestRunnerTest, MessageThatCannotBeBuiltFailsItsRunWithoutBlockingTheNext) {
  DigestWorld world(At("2025-12-01T00:00:00+08:00"));
  DigestRunnerHooks hooks = world.Hooks();
  auto compose = hooks.compose;
  hooks.compose = [&](const DigestRun& run) -> Result<output::DigestMessage> {
    if (run.first_item_id == 1) return Error{ErrorCode::kInvalidArgument, "bad template", "t"};
    return compose(run);
  };
  DigestRunner runner(world.options, world.ledger, world.clock, hooks);
  ASSERT_TRUE(runner.Tick());
  world.AddItem();
  world.clock.Set(At("2025-12-01T07:00:00+08:00"));
  ASSERT_TRUE(runner.Tick());
  world.AddItem();
  world.clock.Set(At("2025-12-02T07:00:00+08:00"));
  ASSERT_TRUE(runner.Tick());
  std::vector<DigestRun> runs = *world.ledger.ListRuns("daily");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].state, DigestRunState::kFailed);
  EXPECT_EQ(runs[0].last_error, "t: bad template");
  EXPECT_EQ(runs[1].state, DigestRunState::kSent);
  EXPECT_EQ(world.delivered.size(), 1u);
}

TEST(DigestRunnerTest, NewDigestStartsAfterTheExistingItems) {
  DigestWorld world(At("2025-12-01T00:00:00+08:00"));
  world.AddItem();
  world.AddItem();
  DigestRunner runner = world.Runner();
  ASSERT_TRUE(runner.Tick());
  EXPECT_EQ((*world.ledger.LoadCursor("daily"))->last_item_id, 2);
  world.AddItem();
  world.clock.Set(At("2025-12-01T07:00:00+08:00"));
  ASSERT_TRUE(runner.Tick());
  ASSERT_EQ(world.delivered.size(), 1u);
  EXPECT_EQ(world.composed.at(world.delivered[0]), std::vector<std::int64_t>{3});
}

TEST(DigestRunnerTest, RunStateNames) {
  EXPECT_EQ(DigestRunStateName(DigestRunState::kPlanned), "planned");
  EXPECT_EQ(DigestRunStateName(DigestRunState::kSending), "sending");
  EXPECT_EQ(DigestRunStateName(DigestRunState::kSent), "sent");
  EXPECT_EQ(DigestRunStateName(DigestRunState::kFailed), "failed");
  DigestRun run;
  run.slot = FromUnix(1764543600);
  run.first_item_id = 7;
  run.last_item_id = 9;
  EXPECT_EQ(RunKey(run), "s1764543600-i7-9");
}

}  // namespace
}  // namespace tributary::daemon
