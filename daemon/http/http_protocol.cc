#include "daemon/http/http_protocol.h"

#define ZLIB_CONST
#include <zlib.h>

#include <climits>

#include "common/prometheus.h"
#include "common/text.h"
#include "daemon/http/http_server.h"

namespace tributary::daemon {
namespace http_protocol {
namespace {

// Calls visit(token, parameters) for each element of a comma-separated
// header list such as Accept-Encoding or If-None-Match.
template <typename Visit>
void ForEachListElement(std::string_view list, Visit visit) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view element = Trim(list.substr(0, comma), kHttpWhitespace);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    std::size_t semicolon = element.find(';');
    std::string_view token = Trim(element.substr(0, semicolon), kHttpWhitespace);
    std::string_view params =
        semicolon == std::string_view::npos ? std::string_view{} : element.substr(semicolon + 1);
    if (!token.empty()) visit(token, params);
  }
}

}  // namespace

bool IsCompressible(std::string_view content_type) {
  return content_type.starts_with("text/") || content_type.find("xml") != std::string_view::npos ||
         content_type.find("json") != std::string_view::npos;
}

bool IsHtml(std::string_view content_type) { return content_type.starts_with("text/html"); }

// Accept-Encoding allows gzip unless it is absent or given q=0 (RFC 9110
// §12.5.3); "*" counts when gzip is not named.
bool AcceptsGzip(std::string_view accept_encoding) {
  std::optional<bool> gzip, star;
  ForEachListElement(accept_encoding, [&](std::string_view token, std::string_view params) {
    bool zero = false;
    std::string_view p = Trim(params, kHttpWhitespace);
    if (p.starts_with("q=") || p.starts_with("Q=")) {
      std::string_view q = Trim(p.substr(2), kHttpWhitespace);
      zero = !q.empty() && q.find_first_not_of("0.") == std::string_view::npos;
    }
    if (EqualsIgnoreCase(token, "gzip") || EqualsIgnoreCase(token, "x-gzip")) gzip = !zero;
    if (token == "*") star = !zero;
  });
  return gzip.value_or(star.value_or(false));
}

// If-None-Match matches one of the representation's tags (weak comparison,
// RFC 9110 §13.1.2) or is "*".
bool MatchesEtag(std::string_view if_none_match, std::string_view etag,
                 std::string_view gzip_etag) {
  bool match = false;
  ForEachListElement(if_none_match, [&](std::string_view token, std::string_view) {
    if (token.starts_with("W/")) token.remove_prefix(2);
    if (token == "*" || token == etag || (!gzip_etag.empty() && token == gzip_etag)) match = true;
  });
  return match;
}

// The tag of the gzip representation: a strong ETag must differ per coding.
std::string GzipEtag(std::string_view etag) {
  if (etag.size() < 2 || etag.back() != '"') return std::string(etag);
  std::string tag(etag.substr(0, etag.size() - 1));
  tag += "-gzip\"";
  return tag;
}

// The path of a request target ("/feed.atom?x=1", "http://h/feed.atom"),
// without the query; empty when it is not one we could serve.
std::string_view TargetPath(std::string_view target) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() > scheme.size() &&
        EqualsIgnoreCase(target.substr(0, scheme.size()), scheme)) {
      std::size_t slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? "/" : target.substr(slash);
      break;
    }
  }
  if (!target.starts_with('/')) return {};
  return target.substr(0, target.find('?'));
}

}  // namespace http_protocol

void AppendPrometheusMetrics(const HttpServerStats& stats, std::string* out) {
  auto family = [out](std::string_view name, std::string_view type, std::string_view help) {
    prometheus::Family(out, name, type, help);
  };
  auto sample = [out](std::string_view name, std::string_view labels, std::uint64_t value) {
    prometheus::Sample(out, name, labels, static_cast<double>(value));
  };
  constexpr std::string_view kConnections = "tributary_http_connections_total";
  family(kConnections, "counter", "Connections to the built-in HTTP server by event.");
  sample(kConnections, "event=\"accepted\"", stats.connections_accepted);
  sample(kConnections, "event=\"shed\"", stats.connections_shed);
  sample(kConnections, "event=\"refused\"", stats.connections_refused);
  sample(kConnections, "event=\"timed_out\"", stats.connections_timed_out);
  prometheus::Single(out, "tributary_http_open_connections", "gauge", "Connections open now.",
                     static_cast<double>(stats.active_connections));
  prometheus::Single(out, "tributary_http_requests_total", "counter", "Requests read.",
                     static_cast<double>(stats.requests));
  constexpr std::string_view kResponses = "tributary_http_responses_total";
  family(kResponses, "counter", "Responses sent by status class.");
  sample(kResponses, "code=\"2xx\"", stats.responses_2xx);
  sample(kResponses, "code=\"304\"", stats.responses_304);
  sample(kResponses, "code=\"4xx\"", stats.responses_4xx);
  sample(kResponses, "code=\"5xx\"", stats.responses_5xx);
  prometheus::Single(out, "tributary_http_response_body_bytes_total", "counter",
                     "Response body bytes sent.", static_cast<double>(stats.bytes_sent));
}

std::string MakeEtag(std::string_view body) {
  const auto* bytes = reinterpret_cast<const Bytef*>(body.data());
  uLong crc = crc32_z(crc32_z(0, nullptr, 0), bytes, body.size());
  uLong adler = adler32_z(adler32_z(0, nullptr, 0), bytes, body.size());
  return "\"" + Hex(crc, 8) + Hex(adler, 8) + "-" + Hex(body.size(), 1) + "\"";
}

Result<std::string> GzipCompress(std::string_view data) {
  if (data.size() > UINT_MAX / 2) {
    return Unexpected(Error{ErrorCode::kInvalidArgument, "too large to compress", "gzip"});
  }
  z_stream stream{};
  // 15 + 16: the largest window, with a gzip header and trailer.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Unexpected(Error{ErrorCode::kInternal, "deflateInit2 failed", "gzip"});
  }
  // deflateBound plus the gzip wrapper: one deflate call always finishes.
  std::string out(deflateBound(&stream, data.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<const Bytef*>(data.data());
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) {
    return Unexpected(Error{ErrorCode::kInternal, "deflate did not finish", "gzip"});
  }
  return out;
}

}  // namespace tributary::daemon
