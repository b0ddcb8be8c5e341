// libFuzzer target for the liberal feed date parser (feeds/dates.h). Beyond
// the sanitizers: a date it reads lies in years 1..9999, and what it reads
// survives a round trip through both formats we write (RFC 3339, RFC 1123):
// reading our own output gives the same second.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/time.h"
#include "feeds/dates.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace std::chrono;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = tributary::feeds::ParseFeedDate(text);
  if (!parsed) return 0;
  const year_month_day day{floor<days>(*parsed)};
  if (day.year() < year{1} || day.year() > year{9999}) {
    tributary::fuzz::Fail("date outside years 1..9999", text);
  }
  const std::string rfc3339 = tributary::FormatRfc3339(*parsed);
  const auto again = tributary::feeds::ParseFeedDate(rfc3339);
  if (!again || *again != *parsed) {
    tributary::fuzz::FailPair("RFC 3339 round trip", text, rfc3339);
  }
  const std::string rfc1123 = tributary::FormatRfc1123(*parsed);
  const auto again1123 = tributary::feeds::ParseFeedDate(rfc1123);
  if (!again1123 || *again1123 != *parsed) {
    tributary::fuzz::FailPair("RFC 1123 round trip", text, rfc1123);
  }
  return 0;
}
