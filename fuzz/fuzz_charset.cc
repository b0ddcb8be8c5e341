// libFuzzer target for charset detection and decoding (feeds/charset.h):
// bytes plus an HTTP Content-Type -> the encoding decision -> iconv -> UTF-8.
// Beyond the sanitizers: the decoded document and every warning are valid
// UTF-8 (checked by fuzz_check.h's own validator), the document holds no C0
// control but TAB/LF/CR, CleanUtf8 output is valid and a fixed point, and
// whatever CountInvalidUtf8 calls valid is valid.
//
// Input layout: the first byte gives the length (mod 48) of a Content-Type
// string that follows; the rest is the body (as fuzz_feed does).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/charset.h"
#include "fuzz/fuzz_check.h"

namespace feeds = tributary::feeds;
namespace fuzz = tributary::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view content_type;
  if (!input.empty()) {
    std::size_t type_length = static_cast<unsigned char>(input[0]) % 48;
    input.remove_prefix(1);
    type_length = std::min(type_length, input.size());
    content_type = input.substr(0, type_length);
    input.remove_prefix(type_length);
  }
  // The helpers on their own: they must not read past what they are given.
  (void)feeds::EncodingForLabel(feeds::CharsetFromContentType(content_type));
  (void)feeds::EncodingForLabel(feeds::XmlDeclaredEncoding(input));

  std::vector<std::string> warnings;
  auto decoded = feeds::DecodeToUtf8(input, content_type, &warnings);
  if (decoded) {
    fuzz::CheckUtf8(decoded->utf8, "decoded document is not UTF-8");
    if (fuzz::HasControl(decoded->utf8)) fuzz::Fail("control left in document", decoded->utf8);
  } else {
    fuzz::CheckUtf8(decoded.error().message, "error message is not UTF-8");
  }
  for (const auto& warning : warnings) fuzz::CheckUtf8(warning, "warning is not UTF-8");

  bool controls = false;
  if (feeds::CountInvalidUtf8(input, &controls) == 0 && !fuzz::IsValidUtf8(input)) {
    fuzz::Fail("CountInvalidUtf8 accepts invalid UTF-8", input);
  }
  const std::string clean = feeds::CleanUtf8(input);
  fuzz::CheckUtf8(clean, "CleanUtf8 output is not UTF-8");
  if (fuzz::HasControl(clean)) fuzz::Fail("control left by CleanUtf8", clean);
  if (feeds::CleanUtf8(clean) != clean) fuzz::Fail("CleanUtf8 is not idempotent", input);
  return 0;
}
