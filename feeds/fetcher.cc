#include "feeds/fetcher.h"

namespace tributary::feeds {

std::string_view FetchErrorName(FetchError error) {
  switch (error) {
    case FetchError::kNone:
      return "";
    case FetchError::kTimeout:
      return "timeout";
    case FetchError::kDns:
      return "dns";
    case FetchError::kConnect:
      return "connect";
    case FetchError::kTls:
      return "tls";
    case FetchError::kHttp4xx:
      return "http_4xx";
    case FetchError::kHttp5xx:
      return "http_5xx";
    case FetchError::kHttp410:
      return "http_410";
    case FetchError::kHttp429:
      return "http_429";
    case FetchError::kHttp3xx:
      return "http_3xx";
    case FetchError::kBodyTooLarge:
      return "body_too_large";
    case FetchError::kTooManyRedirects:
      return "too_many_redirects";
    case FetchError::kRedirectSchemeDenied:
      return "redirect_scheme_denied";
    case FetchError::kBlockedAddress:
      return "blocked_address";
    case FetchError::kTransferPartial:
      return "transfer_partial";
    case FetchError::kBotChallenge:
      return "bot_challenge";
    case FetchError::kIo:
      return "io";
    case FetchError::kCancelled:
      return "cancelled";
    case FetchError::kInvalidRequest:
      return "invalid_request";
    case FetchError::kExecFailed:
      return "exec_failed";
  }
  return "io";
}

}  // namespace tributary::feeds
