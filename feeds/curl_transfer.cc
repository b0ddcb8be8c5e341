#include "feeds/curl_transfer.h"

#include <arpa/inet.h>
#include <curl/header.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "common/curl_url.h"
#include "common/log.h"
#include "common/text.h"
#include "feeds/address_policy.h"
#include "feeds/http_headers.h"

namespace tributary::feeds {
namespace {

// Feed formats first, then anything (some servers answer 406 otherwise).
constexpr char kAcceptHeader[] =
    "Accept: application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8";
// How much of an error page is kept (for bot-challenge detection).
constexpr std::size_t kErrorBodyKeep = 64 * 1024;

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

// Scheme and absolute form of `location` resolved against `base`, with
// curl's URL parser. Empty scheme when it cannot be parsed.
std::pair<std::string, std::string> ResolveLocation(const std::string& base,
                                                    const std::string& location) {
  const curl::Url url = curl::ParseUrl(base, CURLU_NON_SUPPORT_SCHEME);
  if (!url || curl_url_set(url.get(), CURLUPART_URL, location.c_str(), CURLU_NON_SUPPORT_SCHEME) !=
                  CURLUE_OK) {
    return {};
  }
  return {ToLowerAscii(curl::Part(url.get(), CURLUPART_SCHEME).value_or(std::string())),
          curl::Part(url.get(), CURLUPART_URL).value_or(std::string())};
}

std::string SchemeOf(const std::string& url) { return ResolveLocation(url, url).first; }

// The host name of `url` in lower case, without brackets; empty if none.
std::string HostOf(const std::string& url) {
  const curl::Url handle = curl::ParseUrl(url);
  std::optional<std::string> host;
  if (!handle || !(host = curl::Part(handle.get(), CURLUPART_HOST))) return {};
  std::string out = ToLowerAscii(*host);
  if (out.size() >= 2 && out.front() == '[' && out.back() == ']')
    out = out.substr(1, out.size() - 2);
  return out;
}

// The textual IP of a socket address curl is about to connect to.
std::string AddressText(const curl_sockaddr& address) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (address.family == AF_INET && address.addrlen >= sizeof(sockaddr_in)) {
    sockaddr_in in{};
    std::memcpy(&in, &address.addr, sizeof(in));
    if (inet_ntop(AF_INET, &in.sin_addr, text.data(), text.size())) return text.data();
  } else if (address.family == AF_INET6 && address.addrlen >= sizeof(sockaddr_in6)) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, &address.addr, sizeof(in6));
    if (inet_ntop(AF_INET6, &in6.sin6_addr, text.data(), text.size())) return text.data();
  }
  return {};
}

// Bot walls (Cloudflare, Incapsula, DDoS-Guard...) answer 403/503 with an
// HTML page that needs a browser; the feed will never parse from it.
bool LooksLikeBotChallenge(std::string_view content_type, std::string_view body,
                           std::string_view mitigated_header) {
  if (ToLowerAscii(mitigated_header) == "challenge") return true;
  if (ToLowerAscii(content_type).find("html") == std::string::npos) return false;
  const std::string page = ToLowerAscii(body.substr(0, kErrorBodyKeep));
  static constexpr std::string_view kMarkers[] = {"cf-chl",
                                                  "challenge-platform",
                                                  "just a moment...",
                                                  "checking your browser",
                                                  "captcha",
                                                  "ddos-guard",
                                                  "_incapsula_resource",
                                                  "attention required!",
                                                  "enable javascript and cookies"};
  return std::any_of(std::begin(kMarkers), std::end(kMarkers), [&](std::string_view marker) {
    return page.find(marker) != std::string::npos;
  });
}

}  // namespace

CurlTransfer::CurlTransfer(FetchRequest request, std::function<void(FetchResult)> done,
                           const Environment& environment)
    : request_(std::move(request)),
      done_(std::move(done)),
      environment_(environment),
      easy_(curl_easy_init()),
      started_(std::chrono::steady_clock::now()) {}

CurlTransfer::~CurlTransfer() {
  if (easy_) curl_easy_cleanup(easy_);
  curl_slist_free_all(header_list_);
}

void CurlTransfer::Fail(FetchError error, std::string message) {
  if (error_ != FetchError::kNone) return;  // the first cause is the one to report
  error_ = error;
  error_message_ = std::move(message);
}

bool CurlTransfer::Configure() {
  if (!easy_) {
    Fail(FetchError::kIo, "could not create a curl handle (out of memory?)");
    return false;
  }
  const std::string scheme = SchemeOf(request_.url);
  if (scheme.empty()) {
    Fail(FetchError::kInvalidRequest, "the URL '" + log::CensorUrl(request_.url) +
                                          "' cannot be parsed; fix the feed's url in the config");
    return false;
  }
  if (scheme != "http" && scheme != "https" && !(scheme == "file" && request_.allow_file)) {
    Fail(FetchError::kInvalidRequest,
         "the URL scheme '" + scheme +
             "' is not allowed; use http or https (file:// only for feeds "
             "configured to allow it)");
    return false;
  }
  if (HasLineBreak(request_.user_agent) || HasLineBreak(request_.cookie) ||
      HasLineBreak(request_.etag) || HasLineBreak(request_.last_modified)) {
    Fail(FetchError::kInvalidRequest,
         "a header value contains a line break; fix the feed's settings");
    return false;
  }
  if (!BuildHeaderList()) return false;
  if (!SetOptions()) {
    Fail(FetchError::kIo, "curl refused an option: " + std::string(curl_error_));
    return false;
  }
  if (request_.insecure_tls && scheme == "https") {
    log::Warn(
        "TLS verification is DISABLED for {} (insecure_tls): anyone on the path can "
        "forge this feed; set ca_file instead",
        log::CensorUrl(request_.url));
  }
  return true;
}

bool CurlTransfer::BuildHeaderList() {
  bool has_accept = false;
  std::vector<std::string> lines;
  for (const auto& [name, value] : request_.headers) {
    if (name.empty() || HasLineBreak(name) || HasLineBreak(value) ||
        name.find(':') != std::string::npos) {
      Fail(FetchError::kInvalidRequest,
           "the request header '" + name + "' is malformed; fix the feed's headers in the config");
      return false;
    }
    if (ToLowerAscii(name) == "accept") has_accept = true;
    // "Name;" is curl's way to send a header with an empty value.
    lines.push_back(value.empty() ? name + ";" : name + ": " + value);
  }
  if (!has_accept) lines.insert(lines.begin(), kAcceptHeader);
  if (!request_.etag.empty()) lines.push_back("If-None-Match: " + request_.etag);
  if (!request_.last_modified.empty()) {
    lines.push_back("If-Modified-Since: " + request_.last_modified);
  }
  for (const std::string& line : lines) {
    curl_slist* appended = curl_slist_append(header_list_, line.c_str());
    if (!appended) {
      Fail(FetchError::kIo, "out of memory building request headers");
      return false;
    }
    header_list_ = appended;
  }
  return true;
}

bool CurlTransfer::SetOptions() {
  const FetchLimits& limits = request_.limits;
  const std::string user_agent = !request_.user_agent.empty() ? request_.user_agent
                                 : !environment_.default_user_agent.empty()
                                     ? std::string(environment_.default_user_agent)
                                     : std::string("Tributary/") + TRIBUTARY_VERSION;
  bool ok = true;
  const auto set = [&](CURLoption option, auto value) {
    if (ok && curl_easy_setopt(easy_, option, value) != CURLE_OK) ok = false;
  };
  set(CURLOPT_ERRORBUFFER, curl_error_);
  set(CURLOPT_URL, request_.url.c_str());
  set(CURLOPT_PRIVATE, this);
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_PROTOCOLS_STR, request_.allow_file ? "http,https,file" : "http,https");
  set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");  // never file:// via redirect
  set(CURLOPT_FOLLOWLOCATION, 1L);
  set(CURLOPT_MAXREDIRS, static_cast<long>(std::max(0, limits.max_redirects)));
  set(CURLOPT_ACCEPT_ENCODING, "");  // every encoding this libcurl decodes
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(limits.total_timeout.count()));
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.connect_timeout.count()));
  set(CURLOPT_LOW_SPEED_LIMIT, limits.low_speed_bytes_per_second);
  set(CURLOPT_LOW_SPEED_TIME, static_cast<long>(limits.low_speed_window.count()));
  set(CURLOPT_USERAGENT, user_agent.c_str());
  set(CURLOPT_HTTPHEADER, header_list_);
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_WRITEFUNCTION, &CurlTransfer::OnWrite);
  set(CURLOPT_WRITEDATA, this);
  set(CURLOPT_HEADERFUNCTION, &CurlTransfer::OnHeader);
  set(CURLOPT_HEADERDATA, this);
  set(CURLOPT_OPENSOCKETFUNCTION, &CurlTransfer::OnOpenSocket);
  set(CURLOPT_OPENSOCKETDATA, this);
  // Connections outlive transfers, so closing goes to the factory.
  set(CURLOPT_CLOSESOCKETFUNCTION, &CurlTransfer::OnCloseSocket);
  set(CURLOPT_CLOSESOCKETDATA, environment_.sockets);
  set(CURLOPT_PREREQFUNCTION, &CurlTransfer::OnPrerequest);
  set(CURLOPT_PREREQDATA, this);
  if (!request_.cookie.empty()) set(CURLOPT_COOKIE, request_.cookie.c_str());
  if (!request_.username.empty()) {
    set(CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    set(CURLOPT_USERNAME, request_.username.c_str());
    set(CURLOPT_PASSWORD, request_.password.c_str());
  }
  if (!request_.proxy.empty()) set(CURLOPT_PROXY, request_.proxy.c_str());
  if (!request_.ca_file.empty()) set(CURLOPT_CAINFO, request_.ca_file.c_str());
  if (request_.insecure_tls) {
    set(CURLOPT_SSL_VERIFYPEER, 0L);
    set(CURLOPT_SSL_VERIFYHOST, 0L);
  }
  return ok;
}

std::size_t CurlTransfer::OnWrite(char* data, std::size_t size, std::size_t count, void* self) {
  auto& transfer = *static_cast<CurlTransfer*>(self);
  const std::size_t bytes = size * count;
  transfer.body_bytes_ += static_cast<std::int64_t>(bytes);
  if (transfer.response_status_ >= 300) {
    // An error page: keep the start for bot-challenge detection, then stop.
    const std::size_t room = kErrorBodyKeep - std::min(kErrorBodyKeep, transfer.body_.size());
    transfer.body_.append(data, std::min(room, bytes));
    if (bytes > room) {
      transfer.error_body_truncated_ = true;
      return 0;
    }
    return bytes;
  }
  const std::int64_t limit = transfer.request_.limits.max_body_bytes;
  if (transfer.body_bytes_ > limit) {
    transfer.Fail(FetchError::kBodyTooLarge,
                  "the body exceeds the limit of " + std::to_string(limit) +
                      " bytes after decompression; raise max_body_bytes for this feed if it "
                      "really is that large");
    return 0;  // curl aborts with CURLE_WRITE_ERROR
  }
  transfer.body_.append(data, bytes);
  return bytes;
}

std::size_t CurlTransfer::OnHeader(char* data, std::size_t size, std::size_t count, void* self) {
  auto& transfer = *static_cast<CurlTransfer*>(self);
  const std::size_t bytes = size * count;
  const std::string_view line(data, bytes);
  if (line == "\r\n" || line == "\n") {
    if (!transfer.OnHeadersEnd()) return 0;  // abort
  }
  return bytes;
}

std::string CurlTransfer::HeaderValue(const char* name) const {
  curl_header* header = nullptr;
  if (curl_easy_header(easy_, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK || !header) {
    return {};
  }
  return header->value;
}

// Runs once per response, after its headers: decides on redirects and
// announced sizes before any body byte is read.
bool CurlTransfer::OnHeadersEnd() {
  long status = 0;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
  response_status_ = status;
  if (status < 200) return true;  // 1xx interim answer
  if (status >= 300 && status < 400 && status != 304) return OnRedirect(status);
  if (status < 300) {
    const std::string length = HeaderValue("Content-Length");
    std::int64_t announced = 0;
    const auto [end, error] =
        std::from_chars(length.data(), length.data() + length.size(), announced);
    if (error == std::errc() && end == length.data() + length.size() && !length.empty() &&
        announced > request_.limits.max_body_bytes) {
      Fail(FetchError::kBodyTooLarge,
           "the server announced " + length + " bytes, above the limit of " +
               std::to_string(request_.limits.max_body_bytes) +
               "; raise max_body_bytes for this feed if it really is that "
               "large");
      return false;
    }
  }
  return true;
}

bool CurlTransfer::OnRedirect(long status) {
  const std::string location = HeaderValue("Location");
  if (location.empty()) return true;  // not followed; reported as http_3xx
  char* current = nullptr;
  curl_easy_getinfo(easy_, CURLINFO_EFFECTIVE_URL, &current);
  const std::string current_url = current ? current : request_.url;
  const auto [scheme, target] = ResolveLocation(current_url, location);
  if (scheme != "http" && scheme != "https") {
    Fail(FetchError::kRedirectSchemeDenied, "refused a redirect to '" + log::CensorUrl(location) +
                                                "': only http and https are followed");
    return false;
  }
  if (scheme == "http" && SchemeOf(current_url) == "https") {
    Fail(FetchError::kRedirectSchemeDenied,
         "refused a redirect from https to plain http (" + log::CensorUrl(target) +
             "); if the feed really moved, configure the new URL");
    return false;
  }
  ++redirects_;
  redirect_host_ = HostOf(target);
  if (status != 301 && status != 308) all_redirects_permanent_ = false;
  return true;
}

bool CurlTransfer::AddressAllowed(std::string_view ip) {
  // Through a proxy the connected address is the proxy's, which the admin
  // configured; the proxy resolves the target.
  if (!request_.proxy.empty()) return true;
  const auto& is_public = *environment_.is_public_address;
  const bool public_address = is_public ? is_public(ip) : IsPublicAddress(ip);
  if (public_address) {
    seen_public_address_ = true;
    return true;
  }
  if (request_.block_private_addresses) {
    Fail(FetchError::kBlockedAddress,
         "refused to connect to " + std::string(ip) +
             ": not a public address, and this feed may only use public "
             "ones");
    return false;
  }
  if (redirects_ > 0 && seen_public_address_ &&
      !PrivateTargetAllowed(ip, redirect_host_, request_.allow_private_redirects)) {
    Fail(FetchError::kBlockedAddress,
         "refused a redirect from a public address into " + std::string(ip) +
             " (loopback/private/link-local); list its range or host name "
             "in fetch.allow_private if that is intended");
    return false;
  }
  return true;
}

curl_socket_t CurlTransfer::OnOpenSocket(void* self, curlsocktype purpose, curl_sockaddr* address) {
  auto& transfer = *static_cast<CurlTransfer*>(self);
  if (purpose != CURLSOCKTYPE_IPCXN || !address) return CURL_SOCKET_BAD;
  // Checked before connecting, so a refused hop never even gets a SYN;
  // OnPrerequest checks again for reused connections.
  const std::string ip = AddressText(*address);
  if (!ip.empty() && !transfer.AddressAllowed(ip)) return CURL_SOCKET_BAD;
  return transfer.environment_.sockets->OpenSocket(*address);
}

int CurlTransfer::OnCloseSocket(void* factory, curl_socket_t socket) {
  static_cast<SocketFactory*>(factory)->CloseSocket(socket);
  return 0;
}

int CurlTransfer::OnPrerequest(void* self, char* primary_ip, char* /*local_ip*/,
                               int /*primary_port*/, int /*local_port*/) {
  auto& transfer = *static_cast<CurlTransfer*>(self);
  if (primary_ip && !transfer.AddressAllowed(primary_ip)) return CURL_PREREQFUNC_ABORT;
  return CURL_PREREQFUNC_OK;
}

FetchResult CurlTransfer::BaseResult() const {
  FetchResult result;
  result.status = FetchResult::Status::kFailed;
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started_);
  result.bytes_received = body_bytes_;
  result.effective_url = request_.url;
  return result;
}

FetchResult CurlTransfer::Failed() const {
  FetchResult result = BaseResult();
  result.error = error_;
  result.error_message = error_message_;
  return result;
}

FetchResult CurlTransfer::Cancelled() const {
  FetchResult result = BaseResult();
  result.error = FetchError::kCancelled;
  result.error_message = "the fetch was cancelled (shutdown or reload)";
  return result;
}

FetchResult CurlTransfer::Finish(CURLcode code, Timestamp now) {
  FetchResult result = BaseResult();
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &result.http_status);
  char* text = nullptr;
  if (curl_easy_getinfo(easy_, CURLINFO_EFFECTIVE_URL, &text) == CURLE_OK && text) {
    result.effective_url = text;
  }
  text = nullptr;
  if (curl_easy_getinfo(easy_, CURLINFO_CONTENT_TYPE, &text) == CURLE_OK && text) {
    result.content_type = text;
  }
  result.etag = HeaderValue("ETag");
  result.last_modified = HeaderValue("Last-Modified");
  result.cache_control = HeaderValue("Cache-Control");
  result.expires = HeaderValue("Expires");
  result.max_age = ParseMaxAge(result.cache_control);
  result.expires_at = ParseHttpDate(result.expires);
  if (redirects_ > 0 && all_redirects_permanent_) {
    result.permanent_redirect_url = result.effective_url;
  }
  const bool our_abort = error_ != FetchError::kNone;
  const bool stopped_error_page = error_body_truncated_ && code == CURLE_WRITE_ERROR;
  if (our_abort) {
    result.error = error_;
    result.error_message = error_message_;
  } else if (code != CURLE_OK && !stopped_error_page) {
    ClassifyCurlError(code, result);
  } else {
    ClassifyHttpStatus(result, now);
  }
  return result;
}

namespace {

// The class of a libcurl failure; a scheme refused after a redirect is the
// redirect's fault, not the configured URL's.
FetchError FetchErrorOf(CURLcode code, bool redirected) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return FetchError::kTimeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return FetchError::kDns;
    case CURLE_COULDNT_CONNECT:
      return FetchError::kConnect;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
      return FetchError::kTls;
    case CURLE_TOO_MANY_REDIRECTS:
      return FetchError::kTooManyRedirects;
    case CURLE_UNSUPPORTED_PROTOCOL:
      return redirected ? FetchError::kRedirectSchemeDenied : FetchError::kInvalidRequest;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
      return FetchError::kTransferPartial;
    default:
      return FetchError::kIo;
  }
}

}  // namespace

void CurlTransfer::ClassifyCurlError(CURLcode code, FetchResult& result) const {
  const std::string detail = curl_error_[0] ? curl_error_ : curl_easy_strerror(code);
  result.error = FetchErrorOf(code, redirects_ > 0);
  switch (result.error) {
    case FetchError::kTimeout:
      result.error_message = "timed out (" + detail +
                             "); the server is too slow or unreachable. It is retried with "
                             "back-off; raise the feed's timeouts if it is always this slow";
      return;
    case FetchError::kDns:
      result.error_message =
          "could not resolve the host name (" + detail + "); check the URL and the DNS setup";
      return;
    case FetchError::kConnect:
      result.error_message =
          "could not connect (" + detail + "); the server is down or a firewall blocks it";
      return;
    case FetchError::kTls:
      result.error_message =
          "TLS failed (" + detail + "); if the server uses a private CA, set the feed's ca_file";
      return;
    case FetchError::kTooManyRedirects:
      result.error_message = "more than " + std::to_string(request_.limits.max_redirects) +
                             " redirects (a loop?); configure the feed's final URL";
      return;
    case FetchError::kRedirectSchemeDenied:
    case FetchError::kInvalidRequest:
      result.error_message = "scheme not allowed (" + detail + "); only http and https";
      return;
    case FetchError::kTransferPartial:
      result.error_message = "the transfer broke off after " + std::to_string(body_bytes_) +
                             " bytes (" + detail + "); usually transient, retried with back-off";
      return;
    default:
      result.error_message =
          code == CURLE_FILE_COULDNT_READ_FILE
              ? "cannot read the local file (" + detail + "); check the path and permissions"
              : "fetch failed (" + detail + ")";
      return;
  }
}

void CurlTransfer::ClassifyHttpStatus(FetchResult& result, Timestamp now) {
  const long status = result.http_status;
  if (status == 0 || (status >= 200 && status < 300)) {  // 0: file://
    result.status = FetchResult::Status::kOk;
    result.body = std::move(body_);
    return;
  }
  if (status == 304) {
    result.status = FetchResult::Status::kNotModified;
    return;
  }
  const std::string code = std::to_string(status);
  if (status == 429 || status == 503) {
    result.retry_after = ParseRetryAfter(HeaderValue("Retry-After"), now);
  }
  if ((status == 403 || status == 503) &&
      LooksLikeBotChallenge(result.content_type, body_, HeaderValue("cf-mitigated"))) {
    result.error = FetchError::kBotChallenge;
    result.error_message = "HTTP " + code +
                           " with a bot-challenge page (the site wants a browser); ask the "
                           "site for a feed that is not behind the challenge";
  } else if (status == 410) {
    result.error = FetchError::kHttp410;
    result.error_message = "HTTP 410 Gone: the feed was removed; delete it from the config";
  } else if (status == 429) {
    result.error = FetchError::kHttp429;
    result.error_message = "HTTP 429 Too Many Requests: polling this host less often";
  } else if (status >= 500) {
    result.error = FetchError::kHttp5xx;
    result.error_message = "HTTP " + code + " server error; retried with back-off";
  } else if (status >= 400) {
    result.error = FetchError::kHttp4xx;
    result.error_message = "HTTP " + code + "; check the feed URL (and credentials for 401/403)";
  } else if (status >= 300) {
    result.error = FetchError::kHttp3xx;
    result.error_message = "HTTP " + code + " without a usable Location; check the feed URL";
  } else {
    result.error = FetchError::kIo;
    result.error_message = "unexpected HTTP status " + code;
  }
}

}  // namespace tributary::feeds
