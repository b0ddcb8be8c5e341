// libcurl's URL API (CURLU) with ownership, for every module that parses,
// resolves or rewrites a URL with curl. Header-only: the callers link
// libcurl themselves (common/ does not).
#pragma once

#include <curl/curl.h>

#include <memory>
#include <optional>
#include <string>

namespace tributary::curl {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using Url = std::unique_ptr<CURLU, UrlDeleter>;

// A handle holding `text` set with `flags`; empty when curl refuses it or
// runs out of memory, with the reason in `*code` when asked for.
inline Url ParseUrl(const std::string& text, unsigned int flags = 0, CURLUcode* code = nullptr) {
  Url url(curl_url());
  const CURLUcode rc =
      url ? curl_url_set(url.get(), CURLUPART_URL, text.c_str(), flags) : CURLUE_OUT_OF_MEMORY;
  if (code != nullptr) *code = rc;
  if (rc != CURLUE_OK) url.reset();
  return url;
}

// One part of `url`, or nullopt when curl has none.
inline std::optional<std::string> Part(CURLU* url, CURLUPart part, unsigned int flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, flags) != CURLUE_OK || raw == nullptr) {
    curl_free(raw);
    return std::nullopt;
  }
  std::string text(raw);
  curl_free(raw);
  return text;
}

}  // namespace tributary::curl
