#include "config/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "common/curl_url.h"
#include "common/text.h"
#include "config/values.h"

namespace tributary::config {
namespace {

// Reads one part; empty when absent.
std::string GetPart(CURLU* handle, CURLUPart part) {
  return curl::Part(handle, part).value_or(std::string());
}

}  // namespace

std::optional<CheckedUrl> CheckUrl(std::string_view url, std::string* why) {
  const std::string text(url);
  // Reject what curl would quietly repair, so the URL stays as written.
  if (text.find_first_of(" \t\r\n") != std::string::npos) {
    *why = "URLs cannot contain spaces or line breaks (write %20)";
    return std::nullopt;
  }
  CURLUcode rc = CURLUE_OK;
  curl::Url handle = curl::ParseUrl(text, CURLU_NON_SUPPORT_SCHEME, &rc);
  if (!handle) {
    *why = curl_url_strerror(rc);
    return std::nullopt;
  }
  CheckedUrl checked;
  checked.scheme = ToLowerAscii(GetPart(handle.get(), CURLUPART_SCHEME));
  checked.url = GetPart(handle.get(), CURLUPART_URL);
  std::string host = GetPart(handle.get(), CURLUPART_HOST);
  checked.identity = checked.url;
  // curl keeps the host as written; hosts are case-insensitive.
  if (!host.empty()) {
    std::size_t at = checked.identity.find(host);
    if (at != std::string::npos) checked.identity.replace(at, host.size(), ToLowerAscii(host));
  }
  if ((checked.scheme == "http" || checked.scheme == "https") && host.empty()) {
    *why = "no host name";
    return std::nullopt;
  }
  return checked;
}

std::optional<std::string> FileUrlForPath(const std::string& absolute_path) {
  curl::Url handle(curl_url());
  if (!handle) return std::nullopt;
  if (curl_url_set(handle.get(), CURLUPART_SCHEME, "file", 0) != CURLUE_OK ||
      curl_url_set(handle.get(), CURLUPART_PATH, absolute_path.c_str(), CURLU_URLENCODE) !=
          CURLUE_OK) {
    return std::nullopt;
  }
  std::string url = GetPart(handle.get(), CURLUPART_URL);
  if (url.empty()) return std::nullopt;
  return url;
}

}  // namespace tributary::config
