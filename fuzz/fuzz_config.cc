// libFuzzer target for the YAML config loader (config/config.h): text ->
// yaml-cpp -> validated typed structs, from a buffer (ParseConfig). Beyond
// the sanitizers: a config that loads exports as OPML that imports again to
// the same http(s) feed URLs, and the duration syntax
// ("1h30m") is read without surprises.
//
// feed_lists entries are read from disk relative to an empty directory, so
// a relative name finds nothing.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/opml.h"
#include "fuzz/fuzz_check.h"

namespace config = tributary::config;
namespace fuzz = tributary::fuzz;

namespace {

const std::string& EmptyDirectory() {
  static const std::string* const kDirectory = [] {
    char name[] = "/tmp/fuzz_config.XXXXXX";
    if (mkdtemp(name) == nullptr) std::abort();
    return new std::string(name);
  }();
  return *kDirectory;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)config::ParseDuration(text.substr(0, text.find('\n')));
  auto loaded = config::ParseConfig(text, "fuzz.yaml", EmptyDirectory());
  if (!loaded) return 0;
  std::vector<std::string> urls;
  for (const auto& feed : loaded->feeds) {
    if (fuzz::IsHttpScheme(feed.url)) urls.push_back(feed.url);
  }
  const std::string opml = config::ExportOpml(*loaded);
  auto imported = config::ParseOpml(opml, "export.opml");
  if (!imported) fuzz::FailPair("exported OPML does not import", text, opml);
  std::vector<std::string> again;
  for (const auto& feed : imported->feeds) again.push_back(feed.url);
  // Export groups each folder's feeds together: compare as sets.
  std::sort(urls.begin(), urls.end());
  std::sort(again.begin(), again.end());
  if (again != urls) fuzz::FailPair("OPML round trip changed the feeds", text, opml);
  return 0;
}
