// HttpServer: the daemon's built-in HTTP/1.1 server (Boost.Beast), serving a
// fixed set of routes that the daemon publishes: merged feeds, the river and
// status pages, /healthz and /metrics. There is no file system behind it: a
// path that was not published or routed is a 404, whatever it spells.
//
// It runs on the daemon's io_context; every connection has its own strand.
// Publish, Unpublish, Route, port and stats may be called from any thread
// (the route table is behind a mutex). Start and Stop are meant for the
// thread that owns the daemon. Defences (hostile-inputs.md E8): GET and HEAD
// only, no request bodies, an 8 KiB header cap (431), a header read deadline,
// an idle keep-alive deadline, a write deadline and a connection cap enforced
// at accept by shedding the connection that has waited longest for a request.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/asio.h"
#include "common/result.h"
#include "common/time.h"

namespace tributary::daemon {

namespace http_internal {
struct ServerState;  // shared by the server and its connections
}

// One representation the server can send. Publish fills in etag and
// gzip_body when they are empty.
struct HttpResource {
  std::string body;
  std::string content_type;   // e.g. "application/atom+xml; charset=utf-8"
  std::string etag;           // strong, quoted; empty: computed from body
  Timestamp last_modified{};  // epoch: unknown (no Last-Modified header)
  std::string cache_control = "no-cache";
  // Precomputed gzip encoding of body; empty: not offered (Publish computes
  // it for compressible types; routes are compressed per request).
  std::string gzip_body;
  unsigned status = 200;  // e.g. 503 from /healthz when unhealthy
};

struct HttpServerOptions {
  // "host:port", "[v6]:port"; host is an IP literal; port 0 is ephemeral.
  std::string listen = "127.0.0.1:8080";
  std::size_t max_connections = 256;
  std::size_t max_header_bytes = 8 * 1024;
  // From accept (or the first byte of a keep-alive request) to the end of
  // the request header.
  std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};
  // A keep-alive connection with no request for this long is closed.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};
  // A response the client does not read within this long is abandoned.
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};
  const Clock* clock = nullptr;  // for the Date header; null: system clock
};

// Counters for /metrics; monotonic except active_connections.
struct HttpServerStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_shed = 0;     // closed to make room at the cap
  std::uint64_t connections_refused = 0;  // closed at accept, nothing to shed
  std::uint64_t connections_timed_out = 0;
  std::uint64_t active_connections = 0;
  std::uint64_t requests = 0;
  std::uint64_t responses_2xx = 0;
  std::uint64_t responses_304 = 0;
  std::uint64_t responses_4xx = 0;
  std::uint64_t responses_5xx = 0;
  std::uint64_t bytes_sent = 0;  // bodies only
};

// The Content-Type of the Prometheus text exposition format.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// Appends the stats in the Prometheus text format (tributary_http_*), for
// the daemon's /metrics route.
void AppendPrometheusMetrics(const HttpServerStats& stats, std::string* out);

// Strong ETag of a body: a quoted hex digest (CRC-32, Adler-32 and length).
std::string MakeEtag(std::string_view body);
// The gzip encoding of data (RFC 1952), for Content-Encoding: gzip.
Result<std::string> GzipCompress(std::string_view data);

class HttpServer {
 public:
  HttpServer(asio::io_context& io_context, HttpServerOptions options);
  ~HttpServer();  // calls Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. Errors name the listen address.
  Result<void> Start();
  // Closes the listener and every connection (a response being written is
  // finished first, within write_timeout), so io_context::run can return.
  void Stop();
  // The bound port (useful with port 0); 0 before Start.
  unsigned short port() const;

  // Serves r at url_path (e.g. "/feed.atom"), replacing what was there.
  void Publish(std::string url_path, HttpResource r);
  void Unpublish(std::string_view url_path);
  // Serves what make returns, computed per request on a connection's strand
  // (make must be thread-safe if the io_context runs on several threads).
  void Route(std::string url_path, std::function<HttpResource()> make);

  HttpServerStats stats() const;

 private:
  // Connections and pending handlers keep it alive past the server object.
  std::shared_ptr<http_internal::ServerState> state_;
};

}  // namespace tributary::daemon
