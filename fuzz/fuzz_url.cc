// libFuzzer target for URL resolution in feed documents (feeds/url.h): a
// base URL, a reference, and HTML whose href/src/poster get made absolute.
// Beyond the sanitizers, for valid UTF-8 input:
//  - what Resolve and AbsolutizeHtmlUrls return is valid UTF-8;
//  - a resolved hierarchical URL in printable ASCII is a fixed point: its
//    own path, query and fragment resolved against it give it back (this
//    also compares the resolver's fast path for plain absolute paths with
//    libcurl's answer). Not so with other bytes: libcurl %-escapes bytes
//    above 0x7F in a relative reference but keeps them raw in a base, so
//    "https://h/é" as a base and "/é" as a reference resolve differently.
//  - AbsolutizeHtmlUrls is idempotent: a second pass changes nothing.
//
// Input layout: line 1 the base, line 2 the reference, the rest the HTML.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "feeds/url.h"
#include "fuzz/fuzz_check.h"

namespace feeds = tributary::feeds;
namespace fuzz = tributary::fuzz;

namespace {

// The part of an absolute "scheme://authority/..." URL from its path on,
// or npos when it has no authority or no path.
std::size_t PathStart(std::string_view url) {
  const std::size_t authority = url.find("://");
  if (authority == std::string_view::npos || authority != url.find(':')) {
    return std::string_view::npos;
  }
  return url.find_first_of("/?#", authority + 3);
}

void CheckResolve(std::string_view base, std::string_view ref) {
  const feeds::UrlResolver resolver(base);
  const std::string resolved = resolver.Resolve(ref);
  fuzz::CheckUtf8(resolved, "resolved URL is not UTF-8");
  // Only what libcurl made absolute is normalised; an absolute reference
  // comes back as written.
  if (!resolver.valid() || feeds::HasScheme(ref) || !feeds::HasScheme(resolved)) return;
  for (char c : resolved) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) return;
  }
  const std::size_t path = PathStart(resolved);
  if (path == std::string_view::npos || resolved[path] != '/' ||
      std::string_view(resolved).substr(path).starts_with("//")) {
    return;
  }
  const feeds::UrlResolver again(resolved);
  if (!again.valid()) fuzz::FailPair("a resolved URL is no base", ref, resolved);
  const std::string twice = again.Resolve(std::string_view(resolved).substr(path));
  if (twice != resolved) fuzz::FailPair("resolving is not stable", resolved, twice);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // The parser hands these functions valid UTF-8 only (it decodes first).
  if (!fuzz::IsValidUtf8(input)) return -1;
  const std::string_view base = fuzz::TakeLine(input);
  const std::string_view ref = fuzz::TakeLine(input);
  const std::string_view html = input;
  (void)feeds::HasScheme(ref);
  CheckResolve(base, ref);

  const feeds::UrlResolver resolver(base);
  const std::string once = feeds::AbsolutizeHtmlUrls(std::string(html), resolver);
  fuzz::CheckUtf8(once, "absolutized HTML is not UTF-8");
  const std::string twice = feeds::AbsolutizeHtmlUrls(once, resolver);
  if (twice != once) fuzz::FailPair("AbsolutizeHtmlUrls is not idempotent", once, twice);
  return 0;
}
