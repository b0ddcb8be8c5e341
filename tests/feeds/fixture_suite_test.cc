// Runs every fixture pair in tests/data/feeds: <case>.xml or
// <case>.jsonfeed is parsed (with <case>.content-type as the HTTP header
// when present) and compared with <case>.json (the expected
// ParsedFeedToJson output), <case>.error (expected "code: message"), and
// <case>.warnings (expected warnings, one per line) when present.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "feeds/feed_json.h"
#include "feeds/parser.h"

namespace tributary::feeds {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFeedUrl = "https://example.org/feed.xml";

fs::path DataDir() {
  const char* root = std::getenv("TRIBUTARY_TEST_DATA");
  return fs::path(root ? root : "tests/data") / "feeds";
}

bool ReadFile(const fs::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

std::string TrimNewline(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

std::vector<fs::path> Inputs() {
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(DataDir())) {
    std::string ext = entry.path().extension().string();
    if (ext == ".xml" || ext == ".jsonfeed") inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

TEST(FixtureSuiteTest, EveryFixtureMatchesItsExpectedOutput) {
  std::vector<fs::path> inputs = Inputs();
  EXPECT_GE(inputs.size(), 200u);
  for (const fs::path& input : inputs) {
    SCOPED_TRACE(input.filename().string());
    fs::path stem = input;
    stem.replace_extension();
    std::string body;
    ASSERT_TRUE(ReadFile(input, &body));
    ParseOptions options;
    options.feed_url = kFeedUrl;
    std::string content_type;
    if (ReadFile(fs::path(stem.string() + ".content-type"), &content_type)) {
      options.content_type = TrimNewline(content_type);
    }
    Result<ParsedFeed> result = ParseFeed(body, options);
    std::string expected;
    if (ReadFile(fs::path(stem.string() + ".error"), &expected)) {
      ASSERT_FALSE(result.has_value());
      EXPECT_EQ(std::string(ErrorCodeName(result.error().code)) + ": " + result.error().message,
                TrimNewline(expected));
      continue;
    }
    ASSERT_TRUE(result.has_value()) << result.error().ToString();
    ASSERT_TRUE(ReadFile(fs::path(stem.string() + ".json"), &expected))
        << "no .json or .error beside the fixture";
    EXPECT_EQ(ParsedFeedToJson(*result), TrimNewline(expected));
    std::string warnings;
    if (ReadFile(fs::path(stem.string() + ".warnings"), &warnings)) {
      std::string actual;
      for (const std::string& w : result->warnings) actual += w + "\n";
      EXPECT_EQ(actual, warnings);
    }
  }
}

}  // namespace
}  // namespace tributary::feeds
