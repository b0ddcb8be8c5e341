// End to end: the digest runner, the real renderer and libcurl SMTP delivery
// against real aiosmtpd sinks on 127.0.0.1, over a simulated week with
// connections refused, DATA dropped mid-stream, a 421, a crash between the
// server's 250 and recording `sent`, and the daemon down over a slot. The
// received bytes are checked with Python's email package.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <set>

#include "daemon/digests/digest_runner.h"
#include "daemon/digests/mail_delivery.h"
#include "tests/daemon/digests/fake_digest_ledger.h"
#include "tests/e2e/mail_inspect.h"
#include "tests/e2e/smtp_sink.h"

namespace tributary::daemon {
namespace {

using std::chrono::minutes;

Timestamp At(const char* text) { return *ParseRfc3339(text); }
bool Within(Timestamp t, const char* from, const char* to) { return t >= At(from) && t < At(to); }

std::string ItemTitle(std::int64_t id) {
  if (id == 5) return "Hi\r\nBcc: x@evil\r\n\r\nINJECTED";
  return "条目 " + std::to_string(id) + " arrived";
}

TEST(DigestSmtpEndToEndTest, WeekOfDigestsThroughRealSmtpWithFaults) {
  if (!testing::HaveAiosmtpd()) {
    GTEST_SKIP() << "python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd)";
  }
  char pattern[] = "/tmp/digest-e2e-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  testing::SmtpSink dropping(dir + "/main", "drop", 2);  // first two DATA dropped
  testing::SmtpSink refusing(dir + "/refused", "refuse");
  testing::SmtpSink tempfail(dir + "/tempfail", "tempfail", 1);  // one 421
  ASSERT_NE(dropping.port(), 0);
  ASSERT_NE(refusing.port(), 0);
  ASSERT_NE(tempfail.port(), 0);

  FakeClock clock(At("2025-12-01T00:00:00+08:00"));
  FakeDigestLedger ledger;
  std::vector<Timestamp> arrivals;  // item id - 1 -> arrival
  DigestRunnerOptions options;
  options.digest = "daily";
  options.schedule = *ParseDigestSchedule("daily 07:00");
  options.zone = *LocateZone("Asia/Shanghai");
  int attempts = 0;

  DigestRunnerHooks hooks;
  hooks.new_item_ids = [&](std::int64_t after) -> Result<std::vector<std::int64_t>> {
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < arrivals.size(); ++i) {
      const auto id = static_cast<std::int64_t>(i) + 1;
      if (id > after && arrivals[i] <= clock.Now()) ids.push_back(id);
    }
    return ids;
  };
  hooks.compose = [&](const DigestRun& run) -> Result<output::DigestMessage> {
    output::DigestInput input;
    input.name = "daily";
    input.from = "Tributary <tributary@example.org>";
    input.to = {"reader@example.org"};
    input.subject_template = "每日摘要 {{date}}";
    input.timezone = "Asia/Shanghai";
    input.now = run.slot;  // Date: the slot, so a resend is byte-identical
    input.run_key = RunKey(run);
    // The display caps (which count, not list, what is over them) are
    // tested in digest_message_test; here every item must be listed.
    input.max_items_per_feed = 1000;
    output::DigestFeedGroup feed{"新浪财经", "https://finance.sina.com.cn/", {}};
    for (std::int64_t id = run.first_item_id; id <= run.last_item_id; ++id) {
      feed.items.push_back({id, ItemTitle(id), "https://example.org/item/" + std::to_string(id),
                            "新浪财经", arrivals[static_cast<std::size_t>(id - 1)],
                            "<p>Summary of " + std::to_string(id) + "</p>", ""});
    }
    input.folders = {{"金融", {feed}}};
    return output::RenderDigest(input);
  };
  hooks.deliver = [&](const std::string& message) -> Result<void> {
    ++attempts;
    const Timestamp now = clock.Now();
    std::string url = dropping.Url();
    if (Within(now, "2025-12-02T06:00:00+08:00", "2025-12-03T09:00:00+08:00")) {
      url = refusing.Url();
    } else if (Within(now, "2025-12-04T00:00:00+08:00", "2025-12-05T00:00:00+08:00")) {
      url = tempfail.Url();
    }
    Result<DeliveryTarget> target = ParseDeliveryTarget(url);
    if (!target) return target.error();
    target->connect_timeout = Seconds{5};
    target->command_timeout = Seconds{5};
    return Deliver(*target, "tributary@example.org", {"reader@example.org"}, message);
  };

  std::optional<DigestRunner> runner;
  runner.emplace(options, ledger, clock, hooks);
  int crashes = 0;
  for (int step = 0; clock.Now() < At("2025-12-08T08:00:00+08:00"); ++step) {
    const Timestamp now = clock.Now();
    if (step % 4 == 0) {
      for (int i = 0; i < (step / 4) % 3; ++i) arrivals.push_back(now);  // 0-2 items an hour
    }
    if (now == At("2025-12-05T06:00:00+08:00")) ledger.fail_next_sent_updates = 1;
    if (!Within(now, "2025-12-07T05:00:00+08:00", "2025-12-07T12:00:00+08:00")) {
      if (Result<Timestamp> next = runner->Tick(); !next) {
        ++crashes;
        runner.emplace(options, ledger, clock, hooks);  // restart after the "crash"
      }
    }
    clock.Advance(minutes{15});
  }
  EXPECT_EQ(crashes, 1);

  std::vector<std::string> files = dropping.Messages();
  for (const std::string& file : tempfail.Messages()) files.push_back(file);
  EXPECT_TRUE(refusing.Messages().empty());
  const nlohmann::json mails = testing::InspectMail(files);
  ASSERT_TRUE(mails.is_array());
  std::map<std::string, int> copies;         // Message-ID -> deliveries
  std::map<std::string, std::string> texts;  // Message-ID -> text part
  for (const auto& mail : mails) {
    EXPECT_TRUE(mail["defects"].empty()) << mail["defects"];
    EXPECT_TRUE(mail["bcc"].is_null());
    EXPECT_FALSE(mail["bare_lf_or_cr"]);
    EXPECT_LE(mail["max_line"].get<int>(), 78);
    EXPECT_TRUE(mail["subject"].get<std::string>().starts_with("每日摘要 2025-12-0"));
    ASSERT_EQ(mail["parts"].size(), 2u);
    ++copies[mail["message_id"]];
    texts[mail["message_id"]] = mail["parts"][0]["content"];
  }
  EXPECT_EQ(copies.size(), 8u) << "one message per local day, Mon 1 to Mon 8";
  int duplicates = 0;
  for (const auto& [id, count] : copies) duplicates += count - 1;
  EXPECT_EQ(duplicates, 1) << "only the crash resends, with the same Message-ID";

  const DigestCursor cursor = **ledger.LoadCursor("daily");
  ASSERT_GT(cursor.last_item_id, 100);
  for (std::int64_t id = 1; id <= cursor.last_item_id; ++id) {
    const std::string needle = "https://example.org/item/" + std::to_string(id) + "\r\n";
    int found = 0;
    for (const auto& [message_id, text] : texts) found += text.find(needle) != std::string::npos;
    EXPECT_EQ(found, 1) << "item " << id;
  }
  // The injected title is one line of body text, not a header.
  bool injected_seen = false;
  for (const auto& [message_id, text] : texts) {
    injected_seen |= text.find("Hi Bcc: x@evil INJECTED [") != std::string::npos;
  }
  EXPECT_TRUE(injected_seen);
  for (const std::string& file : files) {
    const nlohmann::json envelope = nlohmann::json::parse(
        std::ifstream(file.substr(0, file.size() - 4) + ".json"), nullptr, false);
    EXPECT_EQ(envelope["rcpt_tos"], nlohmann::json({"reader@example.org"}));
  }
  EXPECT_GT(attempts, 20) << "the outage was retried with back-off";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tributary::daemon
