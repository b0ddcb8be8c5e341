// The HTTP details of the built-in server that need no socket: content
// negotiation, conditional requests, the gzip coding and its tags. Internal
// to daemon/http (http_server.cc and its tests).
#pragma once

#include <string>
#include <string_view>

namespace tributary::daemon::http_protocol {

// text/*, and anything XML or JSON: worth gzip.
bool IsCompressible(std::string_view content_type);
bool IsHtml(std::string_view content_type);
// Accept-Encoding allows gzip unless it is absent or given q=0 (RFC 9110
// §12.5.3); "*" counts when gzip is not named.
bool AcceptsGzip(std::string_view accept_encoding);
// If-None-Match matches one of the representation's tags (weak comparison,
// RFC 9110 §13.1.2) or is "*".
bool MatchesEtag(std::string_view if_none_match, std::string_view etag, std::string_view gzip_etag);
// The tag of the gzip representation: a strong ETag must differ per coding.
std::string GzipEtag(std::string_view etag);
// The path of a request target ("/feed.atom?x=1", "http://h/feed.atom"),
// without the query; empty when it is not one we could serve.
std::string_view TargetPath(std::string_view target);

}  // namespace tributary::daemon::http_protocol
