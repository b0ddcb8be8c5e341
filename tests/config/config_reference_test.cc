// docs/configuration.md must document every key the loader accepts, and
// name no key the loader would reject, so the reference cannot drift.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "common/source_dir.h"
#include "config/config.h"

namespace tributary::config {
namespace {

std::string ReadReference() {
  std::ifstream in(std::string(TRIBUTARY_SOURCE_DIR) + "/docs/configuration.md");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ConfigReferenceTest, KnowsTheFixedKeys) {
  std::vector<std::string> keys = KnownConfigKeys();
  for (const char* fixed :
       {"storage.path",         "feeds[].url",        "feeds[].name",       "feeds[].categories",
        "feeds[].author",       "feeds[].interval",   "feed_lists",         "outputs[].type",
        "outputs[].format",     "outputs[].path",     "outputs[].title",    "outputs[].max_items",
        "outputs[].categories", "digests[].name",     "digests[].schedule", "digests[].timezone",
        "digests[].from",       "digests[].to",       "digests[].subject",  "digests[].categories",
        "digests[].delivery",   "outputs[].template", "outputs[].dir"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), fixed), keys.end()) << fixed;
  }
  EXPECT_GT(keys.size(), 80U);
}

TEST(ConfigReferenceTest, DocumentsEveryKey) {
  const std::string reference = ReadReference();
  ASSERT_FALSE(reference.empty()) << "docs/configuration.md is missing";
  for (const std::string& key : KnownConfigKeys()) {
    // Each key has a table row of its own: "| `feeds[].url` | ...".
    EXPECT_NE(reference.find("| `" + key + "` |"), std::string::npos)
        << "docs/configuration.md has no row for `" << key << "`";
  }
}

TEST(ConfigReferenceTest, DocumentsNoUnknownKey) {
  const std::string reference = ReadReference();
  std::vector<std::string> keys = KnownConfigKeys();
  const std::regex row(R"(^\| `([a-z_\[\].]+)` \|)", std::regex::multiline);
  int rows = 0;
  for (auto it = std::sregex_iterator(reference.begin(), reference.end(), row);
       it != std::sregex_iterator(); ++it) {
    ++rows;
    const std::string key = (*it)[1];
    EXPECT_NE(std::find(keys.begin(), keys.end(), key), keys.end())
        << "docs/configuration.md documents `" << key << "`, which the loader rejects";
  }
  EXPECT_EQ(rows, static_cast<int>(keys.size()));
}

}  // namespace
}  // namespace tributary::config
