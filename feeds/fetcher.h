// Fetcher: fetches one feed document asynchronously. The real implementation
// (CurlFetcher) drives libcurl's multi interface from the io_context; tests
// use a fake. A 304 is a success (kNotModified), never an error.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/time.h"

namespace tributary::feeds {

struct FetchLimits {
  std::int64_t max_body_bytes = 16 * 1024 * 1024;  // after decompression
  std::chrono::milliseconds total_timeout{60'000};
  std::chrono::milliseconds connect_timeout{10'000};
  long low_speed_bytes_per_second = 100;      // abort below this rate...
  std::chrono::seconds low_speed_window{20};  // ...sustained this long
  int max_redirects = 5;
};

struct FetchRequest {
  std::string url;            // http://, https:// or file://
  std::string etag;           // sent as If-None-Match when not empty
  std::string last_modified;  // sent as If-Modified-Since when not empty
  FetchLimits limits;
  std::string user_agent;
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
  bool allow_file = false;  // file:// allowed (only when configured so)
  // "exec:COMMAND ARGS" URLs allowed: the command's stdout is the body. Run
  // from an argv (no shell), under the same size limit and total timeout.
  bool allow_exec = false;
  std::string ca_file;  // extra CA bundle for TLS
  bool insecure_tls = false;
  std::string proxy;
  std::string username;  // basic auth
  std::string password;
  std::string cookie;
  // Address policy (hostile-inputs A1/A2). By default the configured URL may
  // point anywhere (the admin wrote it), but a redirect that leaves a public
  // address for a loopback/private/link-local one is refused
  // ("blocked_address") unless its address is in one of these CIDR ranges
  // or addresses, or its host name is listed (fetch.allow_private).
  // Checked on the connected address of every hop.
  std::vector<std::string> allow_private_redirects;
  // Stricter: refuse non-public addresses even for the configured URL
  // (for URLs that came from elsewhere, e.g. an imported OPML list).
  bool block_private_addresses = false;
};

// Why a fetch failed. FetchErrorName gives each its stable name, the one
// shown in /status, /metrics, logs and the database's error_class.
enum class FetchError {
  kNone,
  kTimeout,
  kDns,
  kConnect,
  kTls,
  kHttp4xx,
  kHttp5xx,
  kHttp410,
  kHttp429,
  kHttp3xx,  // a redirect without a usable Location
  kBodyTooLarge,
  kTooManyRedirects,
  kRedirectSchemeDenied,
  kBlockedAddress,
  kTransferPartial,
  kBotChallenge,
  kIo,
  kCancelled,
  kInvalidRequest,  // malformed URL, scheme not allowed, CR/LF in a header
  kExecFailed,      // an exec: command could not start or exited non-zero
};

// "timeout", "dns", "connect", "tls", "http_4xx", "http_5xx", "http_410",
// "http_429", "http_3xx", "body_too_large", "too_many_redirects",
// "redirect_scheme_denied", "blocked_address", "transfer_partial",
// "bot_challenge", "io", "cancelled", "invalid_request", "exec_failed";
// "" for kNone.
std::string_view FetchErrorName(FetchError error);

struct FetchResult {
  enum class Status { kOk, kNotModified, kFailed };
  Status status = Status::kFailed;
  long http_status = 0;
  std::string body;  // decoded (decompressed) bytes, kOk only
  std::string content_type;
  std::string etag;
  std::string last_modified;
  std::string cache_control;
  std::string expires;
  std::string effective_url;  // after redirects
  // Set when the chain of redirects was all permanent (301/308).
  std::string permanent_redirect_url;
  std::optional<std::chrono::seconds> retry_after;  // 429/503
  std::optional<std::chrono::seconds> max_age;      // Cache-Control max-age
  std::optional<Timestamp> expires_at;              // Expires, parsed
  FetchError error = FetchError::kNone;             // kNone unless status is kFailed
  std::string error_message;                        // for people; says what to do when it can
  std::int64_t bytes_received = 0;
  std::chrono::milliseconds duration{0};

  bool ok() const { return status != Status::kFailed; }
};

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // Starts a fetch. `done` is called exactly once, on the io_context's
  // thread; it is never called from inside Fetch() itself.
  virtual void Fetch(FetchRequest request, std::function<void(FetchResult)> done) = 0;
  // Aborts every transfer in flight; their callbacks run with
  // error FetchError::kCancelled.
  virtual void CancelAll() = 0;
  // Transfers started and not yet completed.
  virtual std::size_t InFlight() const = 0;
};

}  // namespace tributary::feeds
