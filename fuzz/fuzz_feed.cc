// libFuzzer target for the whole parse pipeline: bytes plus an HTTP
// Content-Type -> encoding decision -> pugixml/nlohmann -> normalised
// ParsedFeed -> JSON. Checks what must hold for any input: no crash, leak
// or UB (the sanitizers), and every output string valid UTF-8 without
// control characters.
//
// Each item's content also goes through the fingerprint's tokenizer-level
// HTML reading (daemon/simhash), which sees the same hostile markup.
//
// Input layout: the first byte gives the length (mod 48) of a Content-Type
// string that follows; the rest is the response body.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "daemon/polling/simhash.h"
#include "feeds/charset.h"
#include "feeds/dates.h"
#include "feeds/feed_json.h"
#include "feeds/parser.h"

namespace {

void CheckText(const std::string& text, const char* field) {
  bool controls = false;
  if (tributary::feeds::CountInvalidUtf8(text, &controls) != 0 || controls) {
    std::fprintf(stderr, "invalid text in %s:", field);
    for (char c : text) std::fprintf(stderr, " %02x", static_cast<unsigned char>(c));
    std::fprintf(stderr, "\n");
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  tributary::feeds::ParseOptions options;
  options.feed_url = "https://example.org/dir/feed.xml";
  if (!input.empty()) {
    std::size_t type_length = static_cast<unsigned char>(input[0]) % 48;
    input.remove_prefix(1);
    type_length = std::min(type_length, input.size());
    options.content_type = std::string(input.substr(0, type_length));
    input.remove_prefix(type_length);
  }
  auto result = tributary::feeds::ParseFeed(input, options);
  if (result) {
    const tributary::feeds::ParsedFeed& feed = *result;
    CheckText(feed.feed.title, "feed.title");
    CheckText(feed.feed.link, "feed.link");
    CheckText(feed.feed.subtitle, "feed.subtitle");
    CheckText(feed.feed.author, "feed.author");
    for (const auto& item : feed.items) {
      CheckText(item.id, "item.id");
      CheckText(item.title, "item.title");
      CheckText(item.link, "item.link");
      CheckText(item.author, "item.author");
      CheckText(item.summary, "item.summary");
      CheckText(item.content, "item.content");
      for (const auto& c : item.categories) CheckText(c, "item.category");
      for (const auto& e : item.enclosures) CheckText(e.url, "enclosure.url");
      (void)tributary::daemon::SimHash(tributary::daemon::HtmlToText(item.content));
    }
    for (const auto& w : feed.warnings) CheckText(w, "warning");
    std::string json = tributary::feeds::ParsedFeedToJson(feed);
    CheckText(json, "json");
  } else {
    CheckText(result.error().message, "error.message");
  }
  // The date parser on its own, on the first line of the body.
  (void)tributary::feeds::ParseFeedDate(input.substr(0, input.find('\n')));
  return 0;
}
