// etc/tributary.example.yaml, which the README's run command uses, loads
// with the real loader and says what the README promises.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "common/source_dir.h"
#include "config/config.h"

namespace tributary::config {
namespace {

TEST(ExampleConfigTest, LoadsAndHasTheDocumentedShape) {
  // Relative file: URLs resolve against the working directory, the repo
  // root for tests as for the README's run command.
  Result<Config> loaded =
      LoadConfig(std::string(TRIBUTARY_SOURCE_DIR) + "/etc/tributary.example.yaml");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  const Config& config = *loaded;
  EXPECT_TRUE(config.warnings.empty());
  EXPECT_EQ(config.storage.path.rfind("var/", 0), 0U);

  const std::string examples =
      "file://" + (std::filesystem::current_path() / "examples/feeds/").string();
  int local = 0;
  int remote = 0;
  for (const FeedConfig& feed : config.feeds) {
    if (feed.url.rfind(examples, 0) == 0) {
      ++local;
      // The sample files have plain names, so the URL path is the file path.
      EXPECT_TRUE(std::filesystem::exists(feed.url.substr(7))) << feed.url;
    } else if (feed.url.rfind("https://", 0) == 0) {
      ++remote;
    }
  }
  EXPECT_EQ(local, 5);
  EXPECT_GE(remote, 3);
  auto sina = std::find_if(config.feeds.begin(), config.feeds.end(), [&](const FeedConfig& f) {
    return f.url == examples + "sina-finance-china.gb2312.rss.xml";
  });
  ASSERT_NE(sina, config.feeds.end());
  EXPECT_EQ(sina->categories, (std::vector<std::string>{"金融", "新浪财经"}));
  EXPECT_EQ(sina->author, "新浪财经");

  std::vector<std::string> outputs;
  for (const OutputConfig& output : config.outputs) {
    outputs.push_back(output.type + ":" + output.format + ":" + output.path + output.dir);
  }
  EXPECT_NE(std::find(outputs.begin(), outputs.end(), "feed:atom:public/all.atom"), outputs.end());
  EXPECT_NE(std::find(outputs.begin(), outputs.end(), "feed:rss:public/all.rss"), outputs.end());
  EXPECT_NE(std::find(outputs.begin(), outputs.end(), "feed:json:public/all.json"), outputs.end());
  EXPECT_NE(std::find(outputs.begin(), outputs.end(), "markdown::public/posts"), outputs.end());
  EXPECT_TRUE(std::any_of(config.outputs.begin(), config.outputs.end(), [](const auto& output) {
    return output.categories == std::vector<std::string>{"金融"};
  }));
  EXPECT_EQ(config.outputs.at(0).url_path, "/all.atom");

  EXPECT_TRUE(config.server.enabled);
  EXPECT_EQ(config.server.listen, "127.0.0.1:8080");
  ASSERT_EQ(config.digests.size(), 1U);
  EXPECT_EQ(config.digests[0].name, "daily");
  EXPECT_EQ(config.digests[0].delivery, "maildir:var/mail");
}

}  // namespace
}  // namespace tributary::config
