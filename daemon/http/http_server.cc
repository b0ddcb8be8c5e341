#include "daemon/http/http_server.h"

#include <algorithm>
#include <array>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <climits>
#include <exception>
#include <list>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/asio.h"  // before any other Boost.Asio/Beast header
#include "common/log.h"
#include "common/text.h"
#include "daemon/http/http_protocol.h"
#include "feeds/http_headers.h"

namespace tributary::daemon {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using beast::error_code;
using http_protocol::AcceptsGzip;
using http_protocol::GzipEtag;
using http_protocol::IsCompressible;
using http_protocol::IsHtml;
using http_protocol::MatchesEtag;
using http_protocol::TargetPath;

namespace {

constexpr char kHtmlSecurityPolicy[] =
    "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";
// Bodies smaller than this are not worth a gzip header and a CPU round.
constexpr std::size_t kMinGzipBytes = 256;

Result<tcp::endpoint> ParseListen(std::string_view listen) {
  auto fail = [&](std::string message) {
    return Unexpected(Error{ErrorCode::kConfig, std::move(message),
                            "server listen address '" + std::string(listen) + "'"});
  };
  std::string_view host, port_text;
  if (listen.starts_with('[')) {
    std::size_t close = listen.find("]:");
    if (close == std::string_view::npos) return fail("expected [address]:port");
    host = listen.substr(1, close - 1);
    port_text = listen.substr(close + 2);
  } else {
    std::size_t colon = listen.rfind(':');
    if (colon == std::string_view::npos) return fail("expected host:port");
    host = listen.substr(0, colon);
    port_text = listen.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return fail("an IPv6 address needs brackets, e.g. [::1]:8080");
    }
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return fail("port must be a number from 0 to 65535");
  }
  error_code address_error;
  asio::ip::address address = asio::ip::make_address(std::string(host), address_error);
  if (address_error) return fail("host must be an IP address, e.g. 127.0.0.1 or [::1]");
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

// Beast 1.74 hands out boost::string_view.
std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

std::int64_t SteadyNowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

namespace http_internal {

class Session;

struct Counters {
  std::atomic<std::uint64_t> accepted{0}, shed{0}, refused{0}, timed_out{0};
  std::atomic<std::uint64_t> requests{0}, ok{0}, not_modified{0}, client_error{0}, server_error{0},
      bytes_sent{0};
};

struct RouteEntry {
  std::shared_ptr<const HttpResource> resource;  // published
  std::function<HttpResource()> make;            // or computed per request
};

struct ServerState {
  ServerState(asio::io_context& context, HttpServerOptions opts)
      : io_context(context),
        options(std::move(opts)),
        clock(options.clock != nullptr ? options.clock : &system_clock),
        strand(asio::make_strand(context)),
        acceptor(strand),
        retry_timer(strand) {}

  asio::io_context& io_context;
  const HttpServerOptions options;
  SystemClock system_clock;
  const Clock* clock;
  // The acceptor, its retry timer and stopping transitions live on strand.
  asio::strand<asio::io_context::executor_type> strand;
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;
  std::atomic<bool> stopping{false};
  std::atomic<unsigned short> port{0};
  Counters counters;

  std::mutex routes_mutex;
  std::unordered_map<std::string, RouteEntry> routes;  // GUARDED_BY(routes_mutex)

  // Live connections, registered at accept and removed by their destructor
  // (which takes the mutex first, so a listed Session is never half gone).
  std::mutex sessions_mutex;
  std::list<Session*> sessions;  // GUARDED_BY(sessions_mutex)
  std::size_t shed_pending = 0;  // GUARDED_BY(sessions_mutex)

  std::optional<RouteEntry> Find(std::string_view path) {
    std::lock_guard lock(routes_mutex);
    auto it = routes.find(std::string(path));
    if (it == routes.end()) return std::nullopt;
    return it->second;
  }
};

// One accepted connection: reads requests one at a time and answers them.
// All its handlers run on its own strand; phase_, waiting_since_ and shed_
// are atomics because the acceptor reads them when choosing whom to shed.
class Session : public std::enable_shared_from_this<Session> {
 public:
  enum class Phase { kIdle, kReadingHeader, kResponding };

  Session(std::shared_ptr<ServerState> state, tcp::socket socket)
      : state_(std::move(state)),
        stream_(std::move(socket)),
        // Room for the header cap plus one read's worth of a pipelined request.
        buffer_(state_->options.max_header_bytes + 8 * 1024) {}

  ~Session() {
    std::lock_guard lock(state_->sessions_mutex);
    state_->sessions.erase(position_);
    if (shed_) --state_->shed_pending;
  }

  // Called by the acceptor with sessions_mutex held.
  void Register(std::list<Session*>::iterator position) { position_ = position; }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->SetPhase(Phase::kReadingHeader);
      self->ReadHeader();
    });
  }

  // Closes unless a response is being written; that one checks shed_ and
  // stopping when it is done. Runs on the strand.
  void Close() {
    if (phase_ != Phase::kResponding) CloseSocket();
  }

  auto get_executor() { return stream_.get_executor(); }
  Phase phase() const { return phase_; }
  std::int64_t waiting_since() const { return waiting_since_; }
  bool shed() const { return shed_; }
  void MarkShed() { shed_ = true; }  // with sessions_mutex held

 private:
  using Response = http::response<http::span_body<const char>>;

  void SetPhase(Phase phase) {
    if (phase != Phase::kResponding) waiting_since_ = SteadyNowNanos();
    phase_ = phase;
  }

  void CloseSocket() {
    error_code ignored;  // the peer may be gone already; we are closing anyway
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  // Keep-alive: wait for the first byte of the next request, then give the
  // whole header the header deadline.
  void WaitForRequest() {
    SetPhase(Phase::kIdle);
    if (buffer_.size() > 0) {  // pipelined: the next request is already here
      SetPhase(Phase::kReadingHeader);
      ReadHeader();
      return;
    }
    stream_.expires_after(state_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(1024),
                            [self = shared_from_this()](error_code ec, std::size_t bytes) {
                              self->buffer_.commit(bytes);
                              if (ec) {
                                if (ec == beast::error::timeout) ++self->state_->counters.timed_out;
                                self->CloseSocket();
                                return;
                              }
                              self->SetPhase(Phase::kReadingHeader);
                              self->ReadHeader();
                            });
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_->options.max_header_bytes));
    stream_.expires_after(state_->options.header_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(error_code ec) {
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      SendError(http::status::request_header_fields_too_large);
      return;
    }
    if (ec == beast::error::timeout) {
      ++state_->counters.timed_out;
      CloseSocket();
      return;
    }
    if (ec && ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      SendError(http::status::bad_request);  // malformed, tell the client
      return;
    }
    if (ec) {  // closed by the peer, shed, stopped or reset
      CloseSocket();
      return;
    }
    SetPhase(Phase::kResponding);
    ++state_->counters.requests;
    Respond();
  }

  void Respond() {
    const auto& request = parser_->get();
    const bool head = request.method() == http::verb::head;
    if (request.method() != http::verb::get && !head) {
      SendError(http::status::method_not_allowed);
      return;
    }
    if (!parser_->is_done()) {  // a body we will not read
      SendError(http::status::payload_too_large);
      return;
    }
    std::string_view path = TargetPath(View(request.target()));
    std::optional<RouteEntry> entry;
    if (!path.empty()) entry = state_->Find(path);
    if (!entry) {
      SendError(http::status::not_found);
      return;
    }
    if (!entry->resource) {
      try {
        auto made = std::make_shared<HttpResource>(entry->make());
        if (made->etag.empty()) made->etag = MakeEtag(made->body);
        entry->resource = std::move(made);
      } catch (const std::exception& e) {
        // A route handler is daemon code; its failure is one 500, not a crash.
        log::Error("http: handler for {} failed: {}", path, e.what());
        SendError(http::status::internal_server_error);
        return;
      }
    }
    SendResource(std::move(entry->resource), head);
  }

  void SendResource(std::shared_ptr<const HttpResource> resource, bool head) {
    const auto& request = parser_->get();
    bool gzip = false;
    if (AcceptsGzip(View(request[http::field::accept_encoding]))) {
      if (!resource->gzip_body.empty()) {
        gzip = true;
      } else if (IsCompressible(resource->content_type) && resource->body.size() >= kMinGzipBytes) {
        // A routed resource: compress this response only.
        if (auto compressed = GzipCompress(resource->body)) {
          auto copy = std::make_shared<HttpResource>(*resource);
          copy->gzip_body = std::move(*compressed);
          resource = std::move(copy);
          gzip = true;
        }
      }
    }
    const bool offers_gzip =
        !resource->gzip_body.empty() ||
        (IsCompressible(resource->content_type) && resource->body.size() >= kMinGzipBytes);
    const std::string gzip_etag = offers_gzip ? GzipEtag(resource->etag) : std::string();
    const std::string& etag = gzip ? gzip_etag : resource->etag;

    // RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only without it.
    bool not_modified = false;
    if (resource->status == 200) {
      auto if_none_match = request.find(http::field::if_none_match);
      if (if_none_match != request.end()) {
        not_modified = MatchesEtag(View(if_none_match->value()), resource->etag, gzip_etag);
      } else if (resource->last_modified != Timestamp{}) {
        auto since = feeds::ParseHttpDate(View(request[http::field::if_modified_since]));
        not_modified = since && resource->last_modified <= *since;
      }
    }

    const unsigned status = not_modified ? 304 : resource->status;
    response_ = Response(http::int_to_status(status), request.version());
    SetCommonHeaders(resource->content_type);
    if (!not_modified) response_.set(http::field::content_type, resource->content_type);
    response_.set(http::field::etag, etag);
    if (resource->last_modified != Timestamp{}) {
      response_.set(http::field::last_modified, FormatRfc1123(resource->last_modified));
    }
    response_.set(http::field::cache_control, resource->cache_control);
    if (offers_gzip) response_.set(http::field::vary, "Accept-Encoding");
    if (gzip) response_.set(http::field::content_encoding, "gzip");

    const std::string& body = gzip ? resource->gzip_body : resource->body;
    if (not_modified) {
      response_.body() = {};
    } else {
      // HEAD: the length of what GET would send, and no body.
      response_.content_length(body.size());
      response_.body() = head ? beast::span<const char>() : beast::span<const char>(body);
    }
    held_ = std::move(resource);
    Send(!request.keep_alive());
  }

  void SendError(http::status status) {
    const unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    const bool head =
        parser_ && parser_->is_header_done() && parser_->get().method() == http::verb::head;
    error_body_ = std::to_string(static_cast<unsigned>(status)) + " " +
                  std::string(http::obsolete_reason(status)) + "\n";
    response_ = Response(status, version);
    SetCommonHeaders("text/plain");
    response_.set(http::field::content_type, "text/plain; charset=utf-8");
    response_.set(http::field::cache_control, "no-store");
    if (status == http::status::method_not_allowed) response_.set(http::field::allow, "GET, HEAD");
    response_.content_length(error_body_.size());
    response_.body() = head ? beast::span<const char>() : beast::span<const char>(error_body_);
    held_.reset();
    // After an error the rest of the stream cannot be trusted to be framed,
    // except after a clean 404 or 405 on a request without a body.
    const bool framed =
        parser_ && parser_->is_done() &&
        (status == http::status::not_found || status == http::status::method_not_allowed);
    Send(!framed || !parser_->get().keep_alive());
  }

  void SetCommonHeaders(std::string_view content_type) {
    response_.set(http::field::server, "Tributary");
    response_.set(http::field::date, FormatRfc1123(state_->clock->Now()));
    response_.set("X-Content-Type-Options", "nosniff");
    response_.set("Referrer-Policy", "no-referrer");
    if (IsHtml(content_type)) {
      response_.set("Content-Security-Policy", kHtmlSecurityPolicy);
      response_.set("X-Frame-Options", "DENY");
    }
  }

  void Send(bool close) {
    SetPhase(Phase::kResponding);
    response_.keep_alive(!close);
    const unsigned code = response_.result_int();
    auto& counters = state_->counters;
    if (code == 304) {
      ++counters.not_modified;
    } else if (code < 300) {
      ++counters.ok;
    } else if (code < 500) {
      ++counters.client_error;
    } else {
      ++counters.server_error;
    }
    counters.bytes_sent += response_.body().size();
    stream_.expires_after(state_->options.write_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this(), close](error_code ec, std::size_t) {
                        self->held_.reset();
                        if (ec || close || self->shed_ || self->state_->stopping) {
                          self->CloseSocket();
                          return;
                        }
                        self->WaitForRequest();
                      });
  }

  std::shared_ptr<ServerState> state_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  Response response_;
  std::shared_ptr<const HttpResource> held_;  // owns response_'s body while it is written
  std::string error_body_;
  std::list<Session*>::iterator position_;
  std::atomic<Phase> phase_{Phase::kReadingHeader};
  std::atomic<std::int64_t> waiting_since_{SteadyNowNanos()};
  std::atomic<bool> shed_{false};
};

namespace {

// At the cap, picks the connection that has waited longest for a request
// (idle keep-alive or a slow header) and marks it shed. Null if every
// connection is busy answering. Called with sessions_mutex held.
Session* PickVictim(ServerState& state) {
  Session* victim = nullptr;
  for (Session* session : state.sessions) {
    if (session->shed() || session->phase() == Session::Phase::kResponding) continue;
    if (victim == nullptr || session->waiting_since() < victim->waiting_since()) victim = session;
  }
  return victim;
}

void Accept(std::shared_ptr<ServerState> state);

void OnAccept(const std::shared_ptr<ServerState>& state, error_code ec, tcp::socket socket) {
  if (state->stopping || ec == asio::error::operation_aborted) return;
  if (ec) {
    // Typically EMFILE: back off briefly instead of spinning on accept.
    log::Warn("http: accept failed: {}", ec.message());
    state->retry_timer.expires_after(std::chrono::milliseconds(100));
    state->retry_timer.async_wait([state](error_code wait_error) {
      if (!wait_error) Accept(state);
    });
    return;
  }
  error_code ignored;  // Nagle only delays our small responses; not fatal
  socket.set_option(tcp::no_delay(true), ignored);
  auto session = std::make_shared<Session>(state, std::move(socket));
  std::shared_ptr<Session> victim;
  bool refuse = false;
  {
    std::lock_guard lock(state->sessions_mutex);
    if (state->sessions.size() - state->shed_pending >= state->options.max_connections) {
      if (Session* chosen = PickVictim(*state)) {
        victim = chosen->weak_from_this().lock();
        if (victim) {
          chosen->MarkShed();
          ++state->shed_pending;
        }
      }
      refuse = !victim;
    }
    session->Register(state->sessions.insert(state->sessions.end(), session.get()));
  }
  if (victim) {
    ++state->counters.shed;
    asio::post(victim->get_executor(), [victim] { victim->Close(); });
  }
  ++state->counters.accepted;
  if (refuse) {
    ++state->counters.refused;
    // Everyone is busy answering; dropping the newcomer bounds the sockets.
    session.reset();
  } else {
    session->Start();
  }
  Accept(state);
}

void Accept(std::shared_ptr<ServerState> state) {
  auto& acceptor = state->acceptor;
  auto connection_strand = asio::make_strand(state->io_context);  // before state moves
  acceptor.async_accept(connection_strand,
                        [state = std::move(state)](error_code ec, tcp::socket socket) {
                          OnAccept(state, ec, std::move(socket));
                        });
}

}  // namespace
}  // namespace http_internal

using http_internal::ServerState;
using http_internal::Session;

HttpServer::HttpServer(asio::io_context& io_context, HttpServerOptions options)
    : state_(std::make_shared<ServerState>(io_context, std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

Result<void> HttpServer::Start() {
  auto endpoint = ParseListen(state_->options.listen);
  if (!endpoint) return endpoint.error();
  auto& acceptor = state_->acceptor;
  error_code ec;
  auto fail = [&](std::string_view what) {
    error_code ignored;  // cleaning up after the error we report
    acceptor.close(ignored);
    return Unexpected(Error{ErrorCode::kIo, "cannot " + std::string(what) + ": " + ec.message(),
                            "http server on " + state_->options.listen});
  };
  acceptor.open(endpoint->protocol(), ec);
  if (ec) return fail("open a socket");
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("set SO_REUSEADDR");
  acceptor.bind(*endpoint, ec);
  if (ec) return fail("bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  state_->port = acceptor.local_endpoint(ec).port();
  log::Info("http: listening on {} (port {})", state_->options.listen, state_->port.load());
  asio::dispatch(state_->strand, [state = state_] { http_internal::Accept(state); });
  return Ok();
}

void HttpServer::Stop() {
  if (state_->stopping.exchange(true)) return;
  asio::dispatch(state_->strand, [state = state_] {
    error_code ignored;  // closing a listener that may never have opened
    state->acceptor.close(ignored);
    state->retry_timer.cancel();
    std::vector<std::shared_ptr<Session>> sessions;
    {
      std::lock_guard lock(state->sessions_mutex);
      for (Session* session : state->sessions) {
        if (auto alive = session->weak_from_this().lock()) sessions.push_back(std::move(alive));
      }
    }
    for (auto& session : sessions) {
      auto executor = session->get_executor();
      asio::post(executor, [session = std::move(session)] { session->Close(); });
    }
  });
}

unsigned short HttpServer::port() const { return state_->port; }

void HttpServer::Publish(std::string url_path, HttpResource r) {
  if (r.etag.empty()) r.etag = MakeEtag(r.body);
  if (r.gzip_body.empty() && IsCompressible(r.content_type) && r.body.size() >= kMinGzipBytes) {
    if (auto compressed = GzipCompress(r.body)) r.gzip_body = std::move(*compressed);
  }
  auto resource = std::make_shared<const HttpResource>(std::move(r));
  std::lock_guard lock(state_->routes_mutex);
  state_->routes[std::move(url_path)] = http_internal::RouteEntry{std::move(resource), {}};
}

void HttpServer::Unpublish(std::string_view url_path) {
  std::lock_guard lock(state_->routes_mutex);
  state_->routes.erase(std::string(url_path));
}

void HttpServer::Route(std::string url_path, std::function<HttpResource()> make) {
  std::lock_guard lock(state_->routes_mutex);
  state_->routes[std::move(url_path)] = http_internal::RouteEntry{nullptr, std::move(make)};
}

HttpServerStats HttpServer::stats() const {
  const auto& c = state_->counters;
  HttpServerStats s;
  s.connections_accepted = c.accepted;
  s.connections_shed = c.shed;
  s.connections_refused = c.refused;
  s.connections_timed_out = c.timed_out;
  {
    std::lock_guard lock(state_->sessions_mutex);
    s.active_connections = state_->sessions.size();
  }
  s.requests = c.requests;
  s.responses_2xx = c.ok;
  s.responses_304 = c.not_modified;
  s.responses_4xx = c.client_error;
  s.responses_5xx = c.server_error;
  s.bytes_sent = c.bytes_sent;
  return s;
}

}  // namespace tributary::daemon
