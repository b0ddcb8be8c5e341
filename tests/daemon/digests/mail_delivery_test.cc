#include "daemon/digests/mail_delivery.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "output/digest_message.h"
#include "tests/e2e/mail_inspect.h"
#include "tests/e2e/smtp_sink.h"

namespace tributary::daemon {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string SampleMessage(const std::string& run_key = "r1") {
  output::DigestInput input;
  input.name = "daily";
  input.from = "Tributary <tributary@example.org>";
  input.to = {"reader@example.org"};
  input.subject_template = "每日摘要 {{date}}";
  input.timezone = "Asia/Shanghai";
  input.now = FromUnix(1764545400);
  input.run_key = run_key;
  output::DigestItem item;
  item.title = "央行宣布降准";
  item.link = "https://finance.example/1";
  item.source = "新浪财经";
  item.time = input.now;
  item.summary_html = "<p>line\n.\r\n.dot</p>";
  input.folders = {{"金融", {{"新浪财经", "", {item}}}}};
  Result<output::DigestMessage> message = output::RenderDigest(input);
  EXPECT_TRUE(message);
  return message ? message->bytes : "";
}

class MailDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mail-delivery-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  DeliveryTarget Target(const std::string& spec) {
    Result<DeliveryTarget> target = ParseDeliveryTarget(spec);
    EXPECT_TRUE(target) << spec;
    DeliveryTarget result = target ? *target : DeliveryTarget{};
    result.connect_timeout = Seconds{5};
    result.command_timeout = Seconds{5};
    result.total_timeout = Seconds{20};
    return result;
  }

  std::string dir_;
};

TEST_F(MailDeliveryTest, ParsesDeliveryTargets) {
  Result<DeliveryTarget> maildir = ParseDeliveryTarget("maildir:var/mail");
  ASSERT_TRUE(maildir);
  EXPECT_EQ(maildir->kind, DeliveryTarget::Kind::kMaildir);
  EXPECT_EQ(maildir->path, "var/mail");
  Result<DeliveryTarget> sendmail = ParseDeliveryTarget("sendmail:/usr/sbin/sendmail");
  ASSERT_TRUE(sendmail);
  EXPECT_EQ(sendmail->kind, DeliveryTarget::Kind::kSendmail);
  EXPECT_FALSE(ParseDeliveryTarget("sendmail:sendmail"));
  Result<DeliveryTarget> smtp = ParseDeliveryTarget("smtp://mail.example.org:587");
  ASSERT_TRUE(smtp);
  EXPECT_TRUE(smtp->require_tls);
  EXPECT_EQ(smtp->url, "smtp://mail.example.org:587/");
  Result<DeliveryTarget> plain = ParseDeliveryTarget("smtp://127.0.0.1:2525?starttls=no");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->require_tls);
  EXPECT_EQ(plain->url, "smtp://127.0.0.1:2525/");
  EXPECT_FALSE(ParseDeliveryTarget("smtp://h?tls=maybe"));
  EXPECT_FALSE(ParseDeliveryTarget("ftp://h"));
  EXPECT_FALSE(ParseDeliveryTarget("maildir:"));
}

TEST_F(MailDeliveryTest, SmtpPasswordComesFromFileOrEnvironmentNeverTheUrl) {
  Result<DeliveryTarget> in_url = ParseDeliveryTarget("smtps://bob:secret@mail.example.org");
  ASSERT_FALSE(in_url);
  EXPECT_EQ(in_url.error().message.find("secret"), std::string::npos);
  EXPECT_FALSE(ParseDeliveryTarget("smtps://bob@mail.example.org")) << "no password source";
  const std::string file = dir_ + "/password";
  std::ofstream(file) << "s3cret\n";
  Result<DeliveryTarget> from_file = ParseDeliveryTarget("smtps://bob@mail.example.org", file);
  ASSERT_TRUE(from_file);
  EXPECT_EQ(from_file->username, "bob");
  EXPECT_EQ(from_file->password, "s3cret");
  EXPECT_EQ(from_file->Describe().find("bob"), std::string::npos);
  EXPECT_EQ(from_file->Describe().find("s3cret"), std::string::npos);
  setenv("TRIBUTARY_TEST_SMTP_PASSWORD", "from-env", 1);
  Result<DeliveryTarget> from_env =
      ParseDeliveryTarget("smtp://bob@mail.example.org", "", "TRIBUTARY_TEST_SMTP_PASSWORD");
  ASSERT_TRUE(from_env);
  EXPECT_EQ(from_env->password, "from-env");
  EXPECT_FALSE(ParseDeliveryTarget("smtp://bob@mail.example.org", "", "TRIBUTARY_TEST_UNSET_VAR"));
}

TEST_F(MailDeliveryTest, MaildirCreatesDirectoriesAndMovesIntoNew) {
  const std::string maildir = dir_ + "/mail/inbox";
  std::filesystem::create_directories(dir_ + "/mail");
  const std::string message = SampleMessage();
  ASSERT_TRUE(Deliver(Target("maildir:" + maildir), "a@example.org", {"b@example.org"}, message));
  ASSERT_TRUE(Deliver(Target("maildir:" + maildir), "a@example.org", {"b@example.org"}, message));
  EXPECT_TRUE(std::filesystem::is_empty(maildir + "/tmp"));
  EXPECT_TRUE(std::filesystem::is_directory(maildir + "/cur"));
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(maildir + "/new")) {
    files.push_back(entry.path().string());
  }
  ASSERT_EQ(files.size(), 2u) << "unique names";
  const std::string stored = ReadFile(files[0]);
  EXPECT_EQ(stored.find('\r'), std::string::npos) << "maildir files use LF";
  const nlohmann::json mail = testing::InspectMail({files[0]});
  ASSERT_TRUE(mail.is_array());
  EXPECT_EQ(mail[0]["subject"], "每日摘要 2025-12-01");
  Result<void> failed =
      Deliver(Target("maildir:/proc/no-such/dir"), "a@example.org", {"b@example.org"}, message);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kIo);
}

TEST_F(MailDeliveryTest, SendmailGetsArgvAndStdinAndExitStatusIsChecked) {
  const auto script = [&](const std::string& name, int exit_code) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$0.args\"\ncat > \"$0.stdin\"\n"
                        << "exit " << exit_code << "\n";
    chmod(path.c_str(), 0700);
    return path;
  };
  const std::string ok = script("sendmail-ok", 0);
  const std::string message = SampleMessage();
  ASSERT_TRUE(Deliver(Target("sendmail:" + ok), "from@example.org",
                      {"to1@example.org", "-oQ/tmp/evil"}, message));
  EXPECT_EQ(ReadFile(ok + ".args"),
            "-i\n-f\nfrom@example.org\n--\nto1@example.org\n-oQ/tmp/evil\n");
  const std::string stdin_copy = ReadFile(ok + ".stdin");
  EXPECT_EQ(stdin_copy.find('\r'), std::string::npos);
  EXPECT_NE(stdin_copy.find("Subject: =?UTF-8?B?"), std::string::npos);

  Result<void> tempfail = Deliver(Target("sendmail:" + script("sendmail-75", 75)), "f@example.org",
                                  {"t@example.org"}, message);
  ASSERT_FALSE(tempfail);
  EXPECT_TRUE(IsTransientDeliveryError(tempfail.error()));
  Result<void> failed = Deliver(Target("sendmail:" + script("sendmail-1", 1)), "f@example.org",
                                {"t@example.org"}, message);
  ASSERT_FALSE(failed);
  EXPECT_FALSE(IsTransientDeliveryError(failed.error()));
  EXPECT_EQ(failed.error().ToString(), "sendmail:" + dir_ + "/sendmail-1: exited with status 1");
  DeliveryTarget slow = Target("sendmail:" + script("sendmail-slow", 0));
  std::ofstream(slow.path) << "#!/bin/sh\nexec sleep 30\n";
  slow.total_timeout = Seconds{1};
  Result<void> hung = Deliver(slow, "f@example.org", {"t@example.org"}, message);
  ASSERT_FALSE(hung);
  EXPECT_TRUE(IsTransientDeliveryError(hung.error()));
  EXPECT_EQ(hung.error().message, "timed out after 1 s, killed");
  Result<void> missing =
      Deliver(Target("sendmail:" + dir_ + "/missing"), "f@example.org", {"t@example.org"}, message);
  ASSERT_FALSE(missing);
  EXPECT_FALSE(IsTransientDeliveryError(missing.error()));
}

class SmtpDeliveryTest : public MailDeliveryTest {
 protected:
  void SetUp() override {
    if (!testing::HaveAiosmtpd()) {
      GTEST_SKIP() << "python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd)";
    }
    MailDeliveryTest::SetUp();
  }
};

TEST_F(SmtpDeliveryTest, DeliveredMessageParsesWithPythonEmail) {
  testing::SmtpSink sink(dir_ + "/sink", "accept");
  ASSERT_NE(sink.port(), 0);
  const std::string message = SampleMessage();
  Result<void> sent = Deliver(Target(sink.Url()), "tributary@example.org",
                              {"reader@example.org", "second@example.org"}, message);
  ASSERT_TRUE(sent) << sent.error().ToString();
  const std::vector<std::string> stored = sink.Messages();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(ReadFile(stored[0]), message) << "byte-exact after dot-unstuffing";
  const nlohmann::json envelope =
      nlohmann::json::parse(ReadFile(stored[0].substr(0, stored[0].size() - 4) + ".json"));
  EXPECT_EQ(envelope["mail_from"], "tributary@example.org");
  EXPECT_EQ(envelope["rcpt_tos"], nlohmann::json({"reader@example.org", "second@example.org"}));
  const nlohmann::json mail = testing::InspectMail(stored);
  ASSERT_TRUE(mail.is_array());
  EXPECT_EQ(mail[0]["subject"], "每日摘要 2025-12-01");
  EXPECT_EQ(mail[0]["parts"].size(), 2u);
  EXPECT_TRUE(mail[0]["defects"].empty());
}

TEST_F(SmtpDeliveryTest, RefusedConnectionIsTransient) {
  testing::SmtpSink sink(dir_ + "/sink", "refuse");
  ASSERT_NE(sink.port(), 0);
  Result<void> sent = Deliver(Target(sink.Url()), "a@example.org", {"b@example.org"}, "x\r\n");
  ASSERT_FALSE(sent);
  EXPECT_TRUE(IsTransientDeliveryError(sent.error())) << sent.error().ToString();
  EXPECT_NE(sent.error().message.find("Couldn't connect"), std::string::npos)
      << sent.error().message;
}

TEST_F(SmtpDeliveryTest, TempFailureIsTransientAndTheRetrySucceeds) {
  testing::SmtpSink sink(dir_ + "/sink", "tempfail", 1);
  ASSERT_NE(sink.port(), 0);
  const std::string message = SampleMessage();
  Result<void> first = Deliver(Target(sink.Url()), "a@example.org", {"b@example.org"}, message);
  ASSERT_FALSE(first);
  EXPECT_TRUE(IsTransientDeliveryError(first.error())) << first.error().ToString();
  EXPECT_NE(first.error().message.find("421"), std::string::npos) << first.error().message;
  EXPECT_TRUE(sink.Messages().empty());
  ASSERT_TRUE(Deliver(Target(sink.Url()), "a@example.org", {"b@example.org"}, message));
  EXPECT_EQ(sink.Messages().size(), 1u);
}

TEST_F(SmtpDeliveryTest, RejectionsArePermanent) {
  for (const char* mode : {"reject", "reject-rcpt"}) {
    testing::SmtpSink sink(dir_ + "/sink-" + mode, mode);
    ASSERT_NE(sink.port(), 0);
    Result<void> sent =
        Deliver(Target(sink.Url()), "a@example.org", {"b@example.org"}, SampleMessage());
    ASSERT_FALSE(sent) << mode;
    EXPECT_FALSE(IsTransientDeliveryError(sent.error())) << mode << sent.error().ToString();
    EXPECT_NE(sent.error().message.find("550"), std::string::npos) << sent.error().message;
    EXPECT_TRUE(sink.Messages().empty());
  }
}

TEST_F(SmtpDeliveryTest, DropMidDataIsTransientAndNothingIsStored) {
  testing::SmtpSink sink(dir_ + "/sink", "drop", 1);
  ASSERT_NE(sink.port(), 0);
  const std::string message = SampleMessage();
  Result<void> first = Deliver(Target(sink.Url()), "a@example.org", {"b@example.org"}, message);
  ASSERT_FALSE(first);
  EXPECT_TRUE(IsTransientDeliveryError(first.error())) << first.error().ToString();
  EXPECT_TRUE(sink.Messages().empty());
  ASSERT_TRUE(Deliver(Target(sink.Url()), "a@example.org", {"b@example.org"}, message));
  EXPECT_EQ(sink.Messages().size(), 1u);
}

TEST_F(SmtpDeliveryTest, StartTlsIsRequiredUnlessTheUrlSaysNo) {
  testing::SmtpSink sink(dir_ + "/sink", "accept");
  ASSERT_NE(sink.port(), 0);
  const std::string url = "smtp://127.0.0.1:" + std::to_string(sink.port());
  Result<void> sent = Deliver(Target(url), "a@example.org", {"b@example.org"}, SampleMessage());
  ASSERT_FALSE(sent) << "the sink offers no STARTTLS";
  EXPECT_FALSE(IsTransientDeliveryError(sent.error())) << sent.error().ToString();
  EXPECT_TRUE(sink.Messages().empty());
}

}  // namespace
}  // namespace tributary::daemon
