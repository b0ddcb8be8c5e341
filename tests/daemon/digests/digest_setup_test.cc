#include "daemon/digests/digest_setup.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace tributary::daemon {
namespace {

config::DigestConfig Sample() {
  config::DigestConfig digest;
  digest.name = "daily";
  digest.schedule = "daily 07:00";
  digest.timezone = "Asia/Shanghai";
  digest.from = "Tributary <tributary@example.org>";
  digest.to = {"reader@example.org"};
  digest.subject = "每日摘要 {{date}}";
  digest.delivery = "smtp://127.0.0.1:2525?starttls=no";
  digest.max_items_per_feed = 5;
  return digest;
}

TEST(DigestSetupTest, BuildsEverythingFromTheConfigEntry) {
  Result<DigestSetup> setup = PrepareDigest(Sample());
  ASSERT_TRUE(setup) << setup.error().ToString();
  EXPECT_EQ(setup->runner.digest, "daily");
  EXPECT_EQ(setup->runner.schedule.kind, DigestSchedule::Kind::kDaily);
  EXPECT_EQ(setup->runner.zone->name(), "Asia/Shanghai");
  EXPECT_EQ(setup->delivery.kind, DeliveryTarget::Kind::kSmtp);
  EXPECT_FALSE(setup->delivery.require_tls);
  EXPECT_EQ(setup->envelope_from, "tributary@example.org");
  EXPECT_EQ(setup->envelope_to, std::vector<std::string>{"reader@example.org"});
  EXPECT_EQ(setup->message.subject_template, "每日摘要 {{date}}");
  EXPECT_EQ(setup->message.max_items_per_feed, 5u);
}

TEST(DigestSetupTest, ErrorsNameTheDigestKeyAndPosition) {
  config::DigestConfig digest = Sample();
  digest.mark = {"tributary.yaml", 12, 5};
  digest.timezone = "Mars/Olympus";
  Result<DigestSetup> setup = PrepareDigest(digest);
  ASSERT_FALSE(setup);
  EXPECT_EQ(setup.error().ToString(),
            "tributary.yaml:12: digest daily: timezone: unknown time zone \"Mars/Olympus\"");
  digest = Sample();
  digest.to = {"reader@example.org", "bad address"};
  setup = PrepareDigest(digest);
  ASSERT_FALSE(setup);
  EXPECT_NE(setup.error().context.find("digest daily: to"), std::string::npos);
  digest = Sample();
  digest.schedule = "sometimes";
  EXPECT_FALSE(PrepareDigest(digest));
  digest = Sample();
  digest.delivery = "pigeon:loft";
  EXPECT_FALSE(PrepareDigest(digest));
  digest = Sample();
  digest.to.clear();
  EXPECT_FALSE(PrepareDigest(digest));
}

TEST(DigestSetupTest, LoadsAndChecksUserTemplates) {
  const auto dir = std::filesystem::path(::testing::TempDir());
  const auto good = (dir / "digest_setup_good.mustache").string();
  const auto bad = (dir / "digest_setup_bad.mustache").string();
  std::ofstream(good) << "<h1>{{subject}}</h1>{{#folders}}{{name}}{{/folders}}";
  std::ofstream(bad) << "<h1>{{#folders}}never closed";
  config::DigestConfig digest = Sample();
  digest.html_template = good;
  Result<DigestSetup> setup = PrepareDigest(digest);
  ASSERT_TRUE(setup) << setup.error().ToString();
  EXPECT_EQ(setup->message.html_template, "<h1>{{subject}}</h1>{{#folders}}{{name}}{{/folders}}");
  EXPECT_EQ(setup->message.text_template, "");  // the shipped one
  digest.text_template = bad;
  setup = PrepareDigest(digest);
  ASSERT_FALSE(setup);
  EXPECT_NE(setup.error().context.find("digest daily: text_template"), std::string::npos);
  EXPECT_NE(setup.error().message.find("bad mustache template"), std::string::npos);
}

}  // namespace
}  // namespace tributary::daemon
