#include "output/file_name.h"

#include <gtest/gtest.h>

#include <string>

namespace tributary::output {
namespace {

OutputEntry Entry(std::string title, std::string id = "urn:x:1") {
  OutputEntry entry;
  entry.title = std::move(title);
  entry.id = std::move(id);
  entry.published = ParseRfc3339("2022-05-09T02:48:24Z");
  entry.updated = *ParseRfc3339("2023-01-01T00:00:00Z");
  return entry;
}

TEST(FileNameTest, DatePlusReadableCjkSlug) {
  std::string name = PostFileName(Entry("5月至8月中旬，教育部开展高校毕业生就业“百日冲刺”活动"));
  EXPECT_TRUE(name.starts_with("2022-05-09-5月至8月中旬-教育部开展高校毕业生就业-百日冲刺-活动-"))
      << name;
  EXPECT_TRUE(name.ends_with(".md"));
}

TEST(FileNameTest, AsciiIsLowerCasedAndPunctuationCollapsed) {
  std::string name = PostFileName(Entry("  Hello, World!  C++20 -- Ready? "));
  EXPECT_TRUE(name.starts_with("2022-05-09-hello-world-c-20-ready-")) << name;
}

TEST(FileNameTest, NoPathSeparatorsOrControls) {
  std::string name = PostFileName(Entry("../../etc/passwd\\x\x01y\nz\x7f; touch $(id)"));
  EXPECT_EQ(name.find('/'), std::string::npos) << name;
  EXPECT_EQ(name.find('\\'), std::string::npos) << name;
  EXPECT_EQ(name.find(".."), std::string::npos) << name;
  for (char c : name) EXPECT_GT(static_cast<unsigned char>(c), 0x20) << name;
  EXPECT_TRUE(name.starts_with("2022-05-09-etc-passwd-x-y-z-touch-id-")) << name;
}

TEST(FileNameTest, StableAndDistinctPerEntryId) {
  EXPECT_EQ(PostFileName(Entry("Same", "a")), PostFileName(Entry("Same", "a")));
  EXPECT_NE(PostFileName(Entry("Same", "a")), PostFileName(Entry("Same", "b")));
}

TEST(FileNameTest, BoundedLengthCutOnCharacterBoundary) {
  std::string title;
  for (int i = 0; i < 200; ++i) title += "长";
  std::string name = PostFileName(Entry(title));
  EXPECT_LE(name.size(), 11u + 120u + 8u + 3u);
  // Only whole three-byte characters between the date and the hash.
  std::string slug = name.substr(11, name.size() - 11 - 10);
  EXPECT_EQ(slug.size() % 3, 0u) << name;
}

TEST(FileNameTest, EmptyOrSymbolOnlyTitleGivesPost) {
  EXPECT_TRUE(PostFileName(Entry("")).starts_with("2022-05-09-post-"));
  EXPECT_TRUE(PostFileName(Entry("“”!!…")).starts_with("2022-05-09-post-"));
}

TEST(FileNameTest, FallsBackToUpdatedDate) {
  OutputEntry entry = Entry("x");
  entry.published.reset();
  EXPECT_TRUE(PostFileName(entry).starts_with("2023-01-01-x-"));
}

}  // namespace
}  // namespace tributary::output
