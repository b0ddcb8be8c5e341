// hostile-inputs E3, for every feed writer: no dangerous or non-HTTP URL
// may come out as a link, an enclosure or a source link.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "output/atom_writer.h"
#include "output/json_feed_writer.h"
#include "output/rss_writer.h"

namespace tributary::output {
namespace {

constexpr const char* kHostile[] = {"javascript:alert(1)",
                                    "JaVaScRiPt:alert(1)",
                                    " javascript:alert(1)",
                                    "java\tscript:alert(1)",
                                    "java\nscript:alert(1)",
                                    "\x01javascript:alert(1)",
                                    "vbscript:msgbox(1)",
                                    "data:text/html,<script>alert(1)</script>",
                                    "data:text/html;base64,PHNjcmlwdD4=",
                                    "file:///etc/passwd",
                                    "//evil.example/x",
                                    "feed:javascript:alert(1)",
                                    "livescript:x",
                                    "jar:http://x/!/",
                                    "ftp://example.org/x",
                                    "mailto:a@example.org",
                                    "about:blank",
                                    "chrome://settings",
                                    "blob:https://x/1",
                                    "filesystem:https://x/1",
                                    "ws://example.org/",
                                    "tel:123",
                                    "view-source:http://x/",
                                    "/relative/path",
                                    "&#106;avascript:alert(1)",
                                    "http:evil"};

FeedDocument HostileDocument() {
  FeedDocument document;
  for (const char* url : kHostile) {
    OutputEntry entry;
    entry.id = "urn:x:1";
    entry.title = "t";
    entry.link = url;
    entry.enclosures.push_back({url, "audio/mpeg", 1});
    SourceRef source;
    source.title = "s";
    source.url = url;
    source.link = url;
    entry.sources.push_back(source);
    document.entries.push_back(entry);
  }
  return document;
}

struct Writer {
  const char* name;
  std::function<std::string(const FeedDocument&)> render;
};

class WriterSchemesTest : public ::testing::TestWithParam<Writer> {};

TEST_P(WriterSchemesTest, DropsDangerousSchemesFromLinksAndEnclosures) {
  std::string text = GetParam().render(HostileDocument());
  for (const char* url : kHostile) {
    std::string bare = url;
    EXPECT_EQ(text.find("\"" + bare + "\""), std::string::npos) << url;
    EXPECT_EQ(text.find(">" + bare + "<"), std::string::npos) << url;
  }
  EXPECT_EQ(text.find("javascript"), std::string::npos);
  EXPECT_EQ(text.find("evil.example"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(AllWriters, WriterSchemesTest,
                         ::testing::Values(Writer{"Atom", RenderAtom}, Writer{"Rss", RenderRss},
                                           Writer{"JsonFeed", RenderJsonFeed}),
                         [](const ::testing::TestParamInfo<Writer>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace tributary::output
