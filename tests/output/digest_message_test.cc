#include "output/digest_message.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <fstream>

#include "tests/e2e/mail_inspect.h"

namespace tributary::output {
namespace {

// 2025-11-30T23:30:00Z: already 1 December in Shanghai.
const Timestamp kNow = FromUnix(1764545400);

DigestItem Item(std::int64_t id, std::string title, std::string link, std::string source,
                std::string summary_html) {
  DigestItem item;
  item.id = id;
  item.title = std::move(title);
  item.link = std::move(link);
  item.source = std::move(source);
  item.time = kNow - Seconds{3600 * id};
  item.summary_html = std::move(summary_html);
  return item;
}

DigestInput SampleInput() {
  DigestInput input;
  input.name = "daily";
  input.from = "Tributary <tributary@example.org>";
  input.to = {"reader@example.org", "读者 <reader2@example.org>"};
  input.subject_template = "每日摘要 {{date}}";
  input.timezone = "Asia/Shanghai";
  input.now = kNow;
  input.run_key = "s1764543600-i1-6";
  DigestFolderGroup finance{"金融", {}};
  finance.feeds.push_back(
      {"新浪财经",
       "https://finance.sina.com.cn/",
       {Item(1, "央行宣布降准0.5个百分点", "https://finance.sina.com.cn/a/1", "新浪财经",
             "<p>中国人民银行决定于12月5日下调金融机构存款准备金率0.5个百分点。</p>"),
        Item(2, "A股三大指数集体收涨", "https://finance.sina.com.cn/a/2", "新浪财经",
             "<p>沪指涨1.2%，深成指涨1.8%，创业板指涨2.1%。两市成交额超过1.2万亿元。</p>")}});
  DigestFolderGroup tech{"Technology", {}};
  tech.feeds.push_back(
      {"LWN.net",
       "https://lwn.net/",
       {Item(3, "Kernel 6.13 released", "https://lwn.net/Articles/1/", "LWN.net",
             "<p>Linus has released 6.13. Highlights include <a href=\"https://lwn.net/Articles/"
             "2/\">lazy preemption</a> and new <em>sched_ext</em> work.</p><ul><li>faster "
             "boots</li><li>fewer regressions</li></ul>"),
        Item(4, "A look at the Rust 2024 edition", "https://lwn.net/Articles/3/", "LWN.net",
             "<p>The 2024 edition brings a number of changes to the language, among them "
             "new rules for temporaries in tail expressions, RPIT lifetime capture and "
             "reserved syntax for generators. This article walks through each change with "
             "examples and explains what the migration lints do when you upgrade a crate, "
             "and why some of them cannot be applied automatically.</p>")}});
  tech.feeds.push_back({"Hacker News",
                        "",
                        {Item(5, "Show HN: A feed reader in 300 lines",
                              "https://news.ycombinator.com/item?id=1", "Hacker News", ""),
                         Item(6, "Why SMTP is still hard", "https://example.com/smtp",
                              "Hacker News", "<p>Dot-stuffing &amp; bare LF.</p>")}});
  input.folders = {finance, tech};
  return input;
}

class DigestMessageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/digest-message-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  nlohmann::json Inspect(const DigestMessage& message) {
    const std::string path = testing::WriteTempMessage(dir_, "message.eml", message.bytes);
    nlohmann::json result = testing::InspectMail({path});
    EXPECT_TRUE(result.is_array()) << "python3 email parser failed";
    return result.is_array() ? result[0] : nlohmann::json();
  }

  std::string dir_;
};

TEST_F(DigestMessageTest, ChineseSubjectAndAllItemsRoundTripThroughPythonEmail) {
  const DigestInput input = SampleInput();
  Result<DigestMessage> message = RenderDigest(input);
  ASSERT_TRUE(message) << message.error().ToString();
  EXPECT_EQ(message->subject, "每日摘要 2025-12-01");
  EXPECT_EQ(message->item_count, 6u);
  const nlohmann::json mail = Inspect(*message);
  ASSERT_TRUE(mail.is_object());
  EXPECT_EQ(mail["subject"], "每日摘要 2025-12-01");
  EXPECT_EQ(mail["from"], "Tributary <tributary@example.org>");
  EXPECT_EQ(mail["to"], "reader@example.org, 读者 <reader2@example.org>");
  EXPECT_EQ(mail["message_id"], message->message_id);
  EXPECT_EQ(mail["date"], "Mon, 01 Dec 2025 07:30:00 +0800");
  EXPECT_EQ(mail["content_type"], "multipart/alternative");
  EXPECT_TRUE(mail["defects"].empty()) << mail["defects"];
  EXPECT_FALSE(mail["bare_lf_or_cr"]);
  EXPECT_LE(mail["max_line"].get<int>(), 78);
  ASSERT_EQ(mail["parts"].size(), 2u);
  EXPECT_EQ(mail["parts"][0]["content_type"], "text/plain");
  EXPECT_EQ(mail["parts"][1]["content_type"], "text/html");
  for (const auto& part : mail["parts"]) {
    EXPECT_EQ(part["charset"], "utf-8");
    EXPECT_EQ(part["transfer_encoding"], "quoted-printable");
    const std::string content = part["content"];
    for (const auto& folder : input.folders) {
      for (const auto& feed : folder.feeds) {
        for (const auto& item : feed.items) {
          EXPECT_NE(content.find(item.title), std::string::npos) << item.title;
          EXPECT_NE(content.find(item.link), std::string::npos) << item.link;
        }
      }
    }
  }
  const std::string text = mail["parts"][0]["content"];
  // Real plain text: numbered references, links from summaries included.
  EXPECT_NE(text.find("* Kernel 6.13 released [3]"), std::string::npos) << text;
  EXPECT_NE(text.find("lazy preemption [4]"), std::string::npos) << text;
  EXPECT_NE(text.find("[4] https://lwn.net/Articles/2/"), std::string::npos) << text;
  EXPECT_NE(text.find("- faster boots"), std::string::npos) << text;
  EXPECT_EQ(text.find("<p>"), std::string::npos);
  EXPECT_NE(text.find("Mon 01 Dec, 06:30"), std::string::npos) << "item times in Asia/Shanghai";
  const std::string html = mail["parts"][1]["content"];
  EXPECT_NE(html.find("金融"), std::string::npos);
  EXPECT_NE(html.find("Dot-stuffing &amp; bare LF."), std::string::npos);
  EXPECT_EQ(html.find("<table"), std::string::npos);
  EXPECT_EQ(html.find("<style"), std::string::npos);
  EXPECT_NE(html.find("…"), std::string::npos) << "long summary shortened";

  // For the screenshot check: TRIBUTARY_DIGEST_PREVIEW=/path/out.html.
  if (const char* preview = std::getenv("TRIBUTARY_DIGEST_PREVIEW")) {
    std::ofstream(preview) << html;
    std::ofstream(std::string(preview) + ".txt") << text;
  }
}

TEST_F(DigestMessageTest, FeedTextCannotInjectHeaders) {
  DigestInput input = SampleInput();
  input.name = "evil\r\nBcc: x@evil";
  input.subject_template = "{{name}}";
  input.folders[0].feeds[0].items[0].title = "Hi\r\nBcc: x@evil\r\n\r\nINJECTED";
  input.folders[0].feeds[0].name = "Feed\r\nBcc: y@evil";
  Result<DigestMessage> message = RenderDigest(input);
  ASSERT_TRUE(message) << message.error().ToString();
  EXPECT_EQ(message->bytes.find("\r\nBcc"), std::string::npos);
  EXPECT_EQ(message->bytes.find("\r\nINJECTED"), std::string::npos);
  const nlohmann::json mail = Inspect(*message);
  EXPECT_TRUE(mail["bcc"].is_null());
  EXPECT_EQ(mail["subject"], "evil Bcc: x@evil");
  int subjects = 0;
  for (const auto& name : mail["header_names"]) subjects += name == "Subject";
  EXPECT_EQ(subjects, 1);
  EXPECT_NE(mail["parts"][0]["content"].get<std::string>().find("Hi Bcc: x@evil INJECTED"),
            std::string::npos);
}

TEST_F(DigestMessageTest, OversizedMessageDropsSummariesThenFails) {
  DigestInput input = SampleInput();
  input.summary_chars = 100000;
  input.folders[0].feeds[0].items[0].summary_text = std::string(60000, 'x');
  input.max_bytes = 50000;
  Result<DigestMessage> message = RenderDigest(input);
  ASSERT_TRUE(message) << message.error().ToString();
  EXPECT_LE(message->bytes.size(), 50000u);
  EXPECT_EQ(message->bytes.find("xxxxxxxxxx"), std::string::npos);
  EXPECT_EQ(message->item_count, 6u);
  input.max_bytes = 1000;
  Result<DigestMessage> too_big = RenderDigest(input);
  ASSERT_FALSE(too_big);
  EXPECT_NE(too_big.error().message.find("over the limit of 1000"), std::string::npos);
}

TEST_F(DigestMessageTest, OnlyWebLinksAreClickable) {
  DigestInput input = SampleInput();
  input.folders[0].feeds[0].items[0].link = "javascript:alert(1)";
  input.folders[0].feeds[0].link = "data:text/html,x";
  Result<DigestMessage> message = RenderDigest(input);
  ASSERT_TRUE(message);
  const nlohmann::json mail = Inspect(*message);
  const std::string html = mail["parts"][1]["content"];
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  EXPECT_EQ(html.find("data:text"), std::string::npos);
  EXPECT_NE(html.find("央行宣布降准0.5个百分点"), std::string::npos);
}

TEST_F(DigestMessageTest, HostileBodyStaysWithinSmtpLimits) {
  DigestInput input = SampleInput();
  DigestItem& item = input.folders[0].feeds[0].items[0];
  item.summary_text = "a\n.\r\nb\r\n.\r\nMAIL FROM:<a@b>\rlone" + std::string(100 * 1024, 'z');
  input.summary_chars = 200 * 1024;
  Result<DigestMessage> message = RenderDigest(input);
  ASSERT_TRUE(message);
  std::size_t start = 0;
  const std::string& bytes = message->bytes;
  while (start < bytes.size()) {
    const std::size_t end = bytes.find("\r\n", start);
    ASSERT_NE(end, std::string::npos) << "message must end with CRLF";
    const std::string_view line(bytes.data() + start, end - start);
    ASSERT_LE(line.size(), 78u);
    ASSERT_EQ(line.find_first_of("\r\n"), std::string_view::npos) << "bare CR or LF";
    ASSERT_FALSE(!line.empty() && line[0] == '.') << "line starting with a dot";
    start = end + 2;
  }
  const nlohmann::json mail = Inspect(*message);
  EXPECT_NE(mail["parts"][0]["content"].get<std::string>().find("MAIL FROM:<a@b>"),
            std::string::npos);
}

TEST_F(DigestMessageTest, MessageIdIsDeterministicPerRun) {
  const DigestInput input = SampleInput();
  Result<DigestMessage> first = RenderDigest(input);
  Result<DigestMessage> again = RenderDigest(input);
  ASSERT_TRUE(first && again);
  EXPECT_EQ(first->message_id, again->message_id);
  EXPECT_EQ(first->bytes, again->bytes);
  EXPECT_TRUE(first->message_id.starts_with("<digest."));
  EXPECT_TRUE(first->message_id.ends_with(".s1764543600-i1-6@example.org>"));
  DigestInput other = input;
  other.run_key = "s1764630000-i7-9";
  Result<DigestMessage> next = RenderDigest(other);
  ASSERT_TRUE(next);
  EXPECT_NE(next->message_id, first->message_id);
  EXPECT_EQ(DigestMessageId("daily", "r 1/2", ""), DigestMessageId("daily", "r 1/2", ""))
      << "pure function";
  EXPECT_TRUE(DigestMessageId("daily", "r 1/2", "").ends_with(".r-1-2@tributary.invalid>"));
}

TEST_F(DigestMessageTest, CapsCountWhatIsNotShown) {
  DigestInput input = SampleInput();
  input.max_items_per_feed = 1;
  input.max_items = 2;
  Result<DigestMessage> message = RenderDigest(input);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->item_count, 2u);
  const nlohmann::json mail = Inspect(*message);
  const std::string text = mail["parts"][0]["content"];
  EXPECT_NE(text.find("(and 1 more from 新浪财经)"), std::string::npos) << text;
  EXPECT_NE(text.find("(and 1 more items not shown in this digest)"), std::string::npos) << text;
}

TEST_F(DigestMessageTest, UserTemplatesOverrideTheShippedOnes) {
  DigestInput input = SampleInput();
  input.text_template = "{{count}} items{{#folders}}|{{name}}{{/folders}}\n";
  input.html_template = "<p>{{subject}}</p>";
  Result<DigestMessage> message = RenderDigest(input);
  ASSERT_TRUE(message);
  const nlohmann::json mail = Inspect(*message);
  EXPECT_EQ(mail["parts"][0]["content"], "6 items|金融|Technology\r\n");
  EXPECT_EQ(mail["parts"][1]["content"], "<p>每日摘要 2025-12-01</p>\r\n");
  EXPECT_FALSE(DefaultDigestHtmlTemplate().empty());
  EXPECT_NE(DefaultDigestTextTemplate().find("{{#references}}"), std::string_view::npos);
}

TEST_F(DigestMessageTest, RejectsBadZoneAddressAndTemplate) {
  DigestInput input = SampleInput();
  input.timezone = "Mars/Olympus";
  Result<DigestMessage> zone = RenderDigest(input);
  ASSERT_FALSE(zone);
  EXPECT_EQ(zone.error().ToString(), "digest daily: unknown time zone \"Mars/Olympus\"");
  input = SampleInput();
  input.to = {"not an address"};
  EXPECT_FALSE(RenderDigest(input));
  input = SampleInput();
  input.subject_template = "{{#date}}";
  Result<DigestMessage> bad = RenderDigest(input);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("bad mustache template"), std::string::npos);
}

TEST_F(DigestMessageTest, LoadsTemplateFromPath) {
  const std::string path = testing::WriteTempMessage(dir_, "t.mustache", "{{name}}!");
  Result<std::string> loaded = LoadDigestTemplate(path);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(*loaded, "{{name}}!");
  EXPECT_FALSE(LoadDigestTemplate(dir_ + "/missing"));
}

}  // namespace
}  // namespace tributary::output
