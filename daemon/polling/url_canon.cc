#include "daemon/polling/url_canon.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>

#include "common/curl_url.h"
#include "common/text.h"

namespace tributary::daemon {
namespace {

// Parameters that only say where a click came from. Kept short and
// well-known: removing a parameter that selects content would merge
// different pages.
constexpr std::array<std::string_view, 27> kTrackingParameters = {
    "fbclid", "gclid",       "dclid",   "gclsrc",     "msclkid",     "yclid",    "twclid",
    "igshid", "mc_cid",      "mc_eid",  "_hsenc",     "_hsmi",       "mkt_tok",  "spm",
    "scm",    "spm_id_from", "vero_id", "oly_enc_id", "oly_anon_id", "wt.mc_id", "wt_mc_id",
    "ncid",   "cmpid",       "icid",    "s_cid",      "_ga",         "ref_src"};

using curl::Part;

bool IsTracking(std::string_view name, const std::vector<std::string>& extra) {
  const std::string lower = ToLowerAscii(name);
  if (IsTrackingParameter(lower)) return true;
  return std::any_of(extra.begin(), extra.end(),
                     [&lower](const std::string& e) { return ToLowerAscii(e) == lower; });
}

// The query without tracking parameters, its parameters sorted.
std::string CleanQuery(std::string_view query, const std::vector<std::string>& extra) {
  std::vector<std::string_view> kept;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (param.empty()) continue;
    if (!IsTracking(param.substr(0, param.find('=')), extra)) kept.push_back(param);
  }
  std::sort(kept.begin(), kept.end());
  std::string out;
  for (std::string_view p : kept) {
    if (!out.empty()) out += '&';
    out += p;
  }
  return out;
}

}  // namespace

bool IsTrackingParameter(std::string_view name) {
  const std::string lower = ToLowerAscii(name);
  if (lower.rfind("utm_", 0) == 0) return true;
  return std::find(kTrackingParameters.begin(), kTrackingParameters.end(), lower) !=
         kTrackingParameters.end();
}

std::string CanonicalUrl(std::string_view url,
                         const std::vector<std::string>& extra_tracking_params) {
  const std::string input(Trim(url));
  if (input.empty()) return input;
  const curl::Url handle = curl::ParseUrl(input, CURLU_NON_SUPPORT_SCHEME);
  if (!handle) return input;
  CURLU* u = handle.get();
  if (auto host = Part(u, CURLUPART_HOST)) {
    curl_url_set(u, CURLUPART_HOST, ToLowerAscii(*host).c_str(), 0);
  }
  // With CURLU_NO_DEFAULT_PORT curl reports no port when it is the scheme's default.
  if (Part(u, CURLUPART_PORT) && !Part(u, CURLUPART_PORT, CURLU_NO_DEFAULT_PORT)) {
    curl_url_set(u, CURLUPART_PORT, nullptr, 0);
  }
  curl_url_set(u, CURLUPART_FRAGMENT, nullptr, 0);
  if (auto query = Part(u, CURLUPART_QUERY)) {
    const std::string clean = CleanQuery(*query, extra_tracking_params);
    curl_url_set(u, CURLUPART_QUERY, clean.empty() ? nullptr : clean.c_str(), 0);
  }
  auto out = Part(u, CURLUPART_URL);
  return out ? *out : input;
}

}  // namespace tributary::daemon
