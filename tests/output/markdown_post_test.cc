#include "output/markdown_post.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <pugixml.hpp>
#include <string>

namespace tributary::output {
namespace {

std::string TestData(const std::string& relative) {
  const char* root = std::getenv("TRIBUTARY_TEST_DATA");
  return std::string(root != nullptr ? root : "tests/data") + "/" + relative;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Drops blank (whitespace-only) lines at the start and end of the file.
std::string TrimBlankLines(const std::string& text) {
  std::size_t begin = 0;
  while (true) {
    std::size_t newline = text.find('\n', begin);
    if (newline == std::string::npos) break;
    if (text.find_first_not_of(" \t\r", begin) < newline) break;
    begin = newline + 1;
  }
  std::size_t end = text.size();
  while (end > begin) {
    std::size_t line_start = text.rfind('\n', end - 1);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    if (text.find_first_not_of(" \t\r\n", line_start) < end) break;
    end = line_start == 0 ? 0 : line_start - 1;
  }
  return text.substr(begin, end - begin);
}

// The item of the Hexo example as the daemon hands it over.
OutputEntry SinaEntry() {
  pugi::xml_document xml;
  EXPECT_TRUE(xml.load_file(TestData("output/hexo/sina-finance-china.rss.xml").c_str()));
  pugi::xml_node item = xml.child("rss").child("channel").child("item");
  OutputEntry entry;
  entry.title = item.child_value("title");
  entry.content = item.child_value("description");
  entry.link = item.child_value("link");
  entry.id = item.child_value("guid");
  entry.published = ParseRfc3339("2022-05-09T02:48:24Z");
  entry.updated = *entry.published;
  SourceRef source;
  source.title = "新浪财经－国內";
  source.url = "https://rsshub.example/sina/finance/china";
  source.link = "https://finance.sina.com.cn/china/";
  source.categories = {"金融", "新浪财经"};
  entry.sources.push_back(source);
  return entry;
}

TEST(MarkdownPostTest, HexoExampleIsByteExact) {
  PostSettings settings;
  settings.default_author = "新浪财经";
  Result<std::string> post = RenderMarkdownPost(SinaEntry(), settings);
  ASSERT_TRUE(post) << post.error().ToString();
  std::string expected = ReadFile(TestData("output/hexo/expected-post.md"));
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(TrimBlankLines(*post), TrimBlankLines(expected));
}

TEST(MarkdownPostTest, ItemAuthorWinsThenConfiguredThenFeedTitle) {
  OutputEntry entry = SinaEntry();
  PostSettings settings;
  EXPECT_NE(RenderMarkdownPost(entry, settings)->find("\nauthor: 新浪财经－国內\n"),
            std::string::npos);
  settings.default_author = "Configured";
  EXPECT_NE(RenderMarkdownPost(entry, settings)->find("\nauthor: Configured\n"), std::string::npos);
  entry.author = "Item Author";
  EXPECT_NE(RenderMarkdownPost(entry, settings)->find("\nauthor: Item Author\n"),
            std::string::npos);
}

TEST(MarkdownPostTest, TitleQuotesAndFileNameCharactersBecomeUnderscores) {
  OutputEntry entry = SinaEntry();
  entry.title = "a\"b'c/d\\e:f*g?h<i>j|k\x01l“m”";
  Result<std::string> post = RenderMarkdownPost(entry, PostSettings{});
  ASSERT_TRUE(post);
  EXPECT_NE(post->find("title: 'a_b_c_d_e_f_g_h_i_j_k_l_m_'\n"), std::string::npos) << *post;
}

TEST(MarkdownPostTest, FrontMatterValuesCannotBreakYaml) {
  OutputEntry entry = SinaEntry();
  entry.author = "x: y\n---\nevil: true";
  entry.sources.front().categories = {"- a", "#b", "true", "ok"};
  entry.content = "<p>no image</p>";
  Result<std::string> post = RenderMarkdownPost(entry, PostSettings{});
  ASSERT_TRUE(post);
  EXPECT_NE(post->find("\nauthor: 'x: y --- evil: true'\n"), std::string::npos) << *post;
  EXPECT_NE(post->find("\n - '- a'\n - '#b'\n - 'true'\n - ok\n"), std::string::npos) << *post;
  EXPECT_EQ(post->find("headimg"), std::string::npos);
  EXPECT_EQ(post->find("thumbnail"), std::string::npos);
}

TEST(MarkdownPostTest, BodyEscapesBracesAndLosesActiveContent) {
  OutputEntry entry = SinaEntry();
  entry.content =
      "<style>.a{color:red}</style><p class=\"k\" onclick=\"x()\">{{ hi }}</p>"
      "<script>alert(1)</script><!-- c -->";
  Result<std::string> post = RenderMarkdownPost(entry, PostSettings{});
  ASSERT_TRUE(post);
  EXPECT_NE(post->find("---\n\n<style>.a&#123;color:red&#125;</style>"
                       "<p class=\"k\">&#123;&#123; hi &#125;&#125;</p><!-- c -->"),
            std::string::npos)
      << *post;
}

TEST(MarkdownPostTest, HugoAndJekyllTemplatesRender) {
  OutputEntry entry = SinaEntry();
  PostSettings settings;
  settings.template_name = "hugo";
  Result<std::string> hugo = RenderMarkdownPost(entry, settings);
  ASSERT_TRUE(hugo);
  EXPECT_TRUE(hugo->starts_with("---\ntitle: '5月至8月中旬"));
  EXPECT_NE(hugo->find("\ndate: 2022-05-09T02:48:24Z\n"), std::string::npos);
  EXPECT_NE(hugo->find("\ncategories:\n  - 金融\n  - 新浪财经\n  - 新浪财经－国內\n"),
            std::string::npos);
  settings.template_name = "jekyll";
  Result<std::string> jekyll = RenderMarkdownPost(entry, settings);
  ASSERT_TRUE(jekyll);
  EXPECT_NE(jekyll->find("\nlayout: post\n"), std::string::npos);
  EXPECT_NE(jekyll->find("\ndate: 2022-05-09 02:48:24 +0000\n"), std::string::npos);
  EXPECT_NE(jekyll->find("\noriginal_url: 'https://finance.sina.com.cn/china/2022-05-09/"),
            std::string::npos);
}

TEST(MarkdownPostTest, LoadsTemplateFromUserPath) {
  auto path = std::filesystem::temp_directory_path() / "tributary_post_template_test.mustache";
  std::ofstream(path) << "T={{{title}}} A={{{author}}}\n";
  PostSettings settings;
  settings.template_name = path.string();
  settings.default_author = "me";
  Result<std::string> post = RenderMarkdownPost(SinaEntry(), settings);
  std::filesystem::remove(path);
  ASSERT_TRUE(post);
  EXPECT_EQ(*post, "T=5月至8月中旬，教育部开展高校毕业生就业_百日冲刺_活动 A=me\n");
}

TEST(MarkdownPostTest, ReportsMissingAndBrokenTemplates) {
  PostSettings settings;
  settings.template_name = "/nonexistent/post.mustache";
  Result<std::string> missing = RenderMarkdownPost(SinaEntry(), settings);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().context, "/nonexistent/post.mustache");

  auto path = std::filesystem::temp_directory_path() / "tributary_post_template_bad.mustache";
  std::ofstream(path) << "{{#open}}never closed\n";
  settings.template_name = path.string();
  Result<std::string> broken = RenderMarkdownPost(SinaEntry(), settings);
  std::filesystem::remove(path);
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("bad post template"), std::string::npos);
}

}  // namespace
}  // namespace tributary::output
