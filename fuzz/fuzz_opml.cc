// libFuzzer target for OPML import (config/opml.h): an outside document ->
// pugixml -> feed configs and warnings. Beyond the sanitizers: only http
// and https URLs are imported (the guarantee ParseOpml makes, since other
// schemes could be commands or local files to other readers), and the
// imported feeds export and import again unchanged: the same URLs in the
// same folders (export groups a folder's feeds together, so order within
// the document may change).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/opml.h"
#include "fuzz/fuzz_check.h"

namespace config = tributary::config;
namespace fuzz = tributary::fuzz;

namespace {

using FeedKey = std::pair<std::string, std::vector<std::string>>;  // URL, folders

std::vector<FeedKey> Keys(const std::vector<config::FeedConfig>& feeds) {
  std::vector<FeedKey> keys;
  for (const auto& feed : feeds) keys.emplace_back(feed.url, feed.categories);
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto imported = config::ParseOpml(xml, "fuzz.opml");
  if (!imported) return 0;
  config::Config first;
  for (const auto& feed : imported->feeds) {
    if (!fuzz::IsHttpScheme(feed.url)) {
      fuzz::FailPair("imported a URL that is not http(s)", xml, feed.url);
    }
    first.feeds.push_back(feed);
  }
  const std::string opml = config::ExportOpml(first);
  auto again = config::ParseOpml(opml, "export.opml");
  if (!again) fuzz::FailPair("exported OPML does not import", xml, opml);
  if (Keys(again->feeds) != Keys(first.feeds)) {
    fuzz::FailPair("OPML round trip changed the feeds or their folders", xml, opml);
  }
  return 0;
}
