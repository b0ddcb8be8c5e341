// HttpServer against real clients on 127.0.0.1 (Beast, raw sockets, curl).
#include "daemon/http/http_server.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <zlib.h>

#include <array>
#include <atomic>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <future>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "common/asio.h"

namespace tributary::daemon {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using namespace std::string_view_literals;

using Reply = http::response<http::string_body>;
using Headers = std::map<std::string, std::string>;

const Timestamp kModified = FromUnix(1652064504);  // Mon, 09 May 2022 02:48:24 GMT
const Timestamp kNow = FromUnix(1764556800);       // Mon, 01 Dec 2025 02:40:00 GMT

std::string SampleFeed() {
  std::string body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed>";
  for (int i = 0; i < 40; ++i)
    body += "<entry><title>Entry " + std::to_string(i) + "</title></entry>";
  return body + "</feed>\n";
}

std::string Gunzip(const std::string& data) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string out(data.size() * 20 + 1024, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&stream, Z_FINISH);
  EXPECT_EQ(rc, Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

// Blocking reads and writes give up after a while, so a bug fails a test
// instead of hanging it.
void SetSocketTimeouts(tcp::socket& socket, std::chrono::seconds limit) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(limit.count());
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// True when the peer has closed: poll says readable and a read gets EOF or
// a reset, waiting at most `limit`.
bool ClosedByPeer(tcp::socket& socket, std::chrono::milliseconds limit) {
  pollfd pfd{socket.native_handle(), POLLIN, 0};
  if (poll(&pfd, 1, static_cast<int>(limit.count())) <= 0) return false;
  std::array<char, 4096> scratch{};
  for (;;) {
    ssize_t n = recv(socket.native_handle(), scratch.data(), scratch.size(), MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

class Client {
 public:
  explicit Client(unsigned short port) : socket_(context_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    SetSocketTimeouts(socket_, 5s);
  }

  Reply Send(http::verb method, std::string target, const Headers& headers = {}) {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) request.set(name, value);
    http::write(socket_, request);
    return Read(method == http::verb::head);
  }

  Reply Read(bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(head);
    http::read(socket_, buffer_, parser);
    return parser.release();
  }

  void WriteRaw(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes)); }
  tcp::socket& socket() { return socket_; }

 private:
  asio::io_context context_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerOptions ShortOptions() {
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    options.clock = &clock_;
    return options;
  }

  void StartServer(HttpServerOptions options) {
    server_ = std::make_unique<HttpServer>(io_context_, std::move(options));
    auto started = server_->Start();
    ASSERT_TRUE(started) << started.error().ToString();
    ASSERT_NE(server_->port(), 0);
    ran_ = std::async(std::launch::async, [this] { io_context_.run(); });
  }
  void StartServer() { StartServer(ShortOptions()); }

  void PublishFeed() {
    HttpResource feed;
    feed.body = SampleFeed();
    feed.content_type = "application/atom+xml; charset=utf-8";
    feed.last_modified = kModified;
    server_->Publish("/feed.atom", feed);
  }

  // Stop must let io_context::run return on its own (no ioc.stop()).
  bool StopAndWait() {
    server_->Stop();
    bool returned = ran_.wait_for(5s) == std::future_status::ready;
    if (!returned) io_context_.stop();  // only so the test can end
    ran_.wait();
    return returned;
  }

  void TearDown() override {
    if (server_ && ran_.valid()) {
      EXPECT_TRUE(StopAndWait()) << "run() did not return after Stop()";
    }
  }

  unsigned short port() const { return server_->port(); }

  FakeClock clock_{kNow};
  asio::io_context io_context_;
  std::unique_ptr<HttpServer> server_;
  std::future<void> ran_;
};

TEST_F(HttpServerTest, ServesPublishedFeedWithHeaders) {
  StartServer();
  PublishFeed();
  Client client(port());
  Reply reply = client.Send(http::verb::get, "/feed.atom");
  EXPECT_EQ(reply.result_int(), 200u);
  EXPECT_EQ(reply.body(), SampleFeed());
  EXPECT_EQ(reply[http::field::content_type], "application/atom+xml; charset=utf-8");
  EXPECT_EQ(reply[http::field::etag], MakeEtag(SampleFeed()));
  EXPECT_EQ(reply[http::field::last_modified], "Mon, 09 May 2022 02:48:24 GMT");
  EXPECT_EQ(reply[http::field::date], "Mon, 01 Dec 2025 02:40:00 GMT");
  EXPECT_EQ(reply[http::field::cache_control], "no-cache");
  EXPECT_EQ(reply[http::field::vary], "Accept-Encoding");
  EXPECT_EQ(reply["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(reply["Content-Security-Policy"], "");  // only on HTML
  EXPECT_TRUE(reply.keep_alive());

  // The query string is not part of the route.
  EXPECT_EQ(client.Send(http::verb::get, "/feed.atom?utm=x").result_int(), 200u);
}

TEST_F(HttpServerTest, EtagIsStrongQuotedAndStable) {
  std::string etag = MakeEtag("hello");
  EXPECT_EQ(etag, MakeEtag("hello"));
  EXPECT_NE(etag, MakeEtag("hellp"));
  EXPECT_TRUE(std::regex_match(etag, std::regex("\"[0-9a-f]{16}-5\"")))  // digests, length
      << etag;
  EXPECT_TRUE(std::regex_match(MakeEtag(""), std::regex("\"[0-9a-f]{16}-0\""))) << MakeEtag("");
}

TEST_F(HttpServerTest, IfNoneMatchGives304) {
  StartServer();
  PublishFeed();
  Client client(port());
  const std::string etag = MakeEtag(SampleFeed());
  for (const std::string& tag : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    Reply reply = client.Send(http::verb::get, "/feed.atom", {{"If-None-Match", tag}});
    EXPECT_EQ(reply.result_int(), 304u) << tag;
    EXPECT_EQ(reply.body(), "");
    EXPECT_EQ(reply[http::field::etag], etag);
    EXPECT_EQ(reply[http::field::last_modified], "Mon, 09 May 2022 02:48:24 GMT");
  }
  Reply changed = client.Send(http::verb::get, "/feed.atom", {{"If-None-Match", "\"old\""}});
  EXPECT_EQ(changed.result_int(), 200u);
  EXPECT_EQ(changed.body(), SampleFeed());
}

TEST_F(HttpServerTest, IfModifiedSinceGives304) {
  StartServer();
  PublishFeed();
  Client client(port());
  auto get = [&](Headers headers) { return client.Send(http::verb::get, "/feed.atom", headers); };
  EXPECT_EQ(get({{"If-Modified-Since", "Mon, 09 May 2022 02:48:24 GMT"}}).result_int(), 304u);
  EXPECT_EQ(get({{"If-Modified-Since", "Tue, 10 May 2022 00:00:00 GMT"}}).result_int(), 304u);
  EXPECT_EQ(get({{"If-Modified-Since", "Mon, 09 May 2022 02:48:23 GMT"}}).result_int(), 200u);
  EXPECT_EQ(get({{"If-Modified-Since", "yesterday"}}).result_int(), 200u);
  // RFC 9110 §5.6.7: the obsolete RFC 850 and asctime forms count too.
  EXPECT_EQ(get({{"If-Modified-Since", "Monday, 09-May-22 02:48:24 GMT"}}).result_int(), 304u);
  EXPECT_EQ(get({{"If-Modified-Since", "Mon May  9 02:48:24 2022"}}).result_int(), 304u);
  // If-None-Match takes precedence over If-Modified-Since.
  EXPECT_EQ(
      get({{"If-None-Match", "\"old\""}, {"If-Modified-Since", "Mon, 09 May 2022 02:48:24 GMT"}})
          .result_int(),
      200u);
}

TEST_F(HttpServerTest, HeadSendsHeadersWithoutBody) {
  StartServer();
  PublishFeed();
  Client client(port());
  Reply head = client.Send(http::verb::head, "/feed.atom");
  EXPECT_EQ(head.result_int(), 200u);
  EXPECT_EQ(head[http::field::content_length], std::to_string(SampleFeed().size()));
  EXPECT_EQ(head[http::field::etag], MakeEtag(SampleFeed()));
  EXPECT_EQ(head.body(), "");
  // Had the HEAD response carried body bytes, this GET would misparse.
  Reply get = client.Send(http::verb::get, "/feed.atom");
  EXPECT_EQ(get.result_int(), 200u);
  EXPECT_EQ(get.body(), SampleFeed());
}

TEST_F(HttpServerTest, GzipWhenAccepted) {
  StartServer();
  PublishFeed();
  Client client(port());
  Reply zipped = client.Send(http::verb::get, "/feed.atom", {{"Accept-Encoding", "br, gzip"}});
  EXPECT_EQ(zipped.result_int(), 200u);
  EXPECT_EQ(zipped[http::field::content_encoding], "gzip");
  EXPECT_LT(zipped.body().size(), SampleFeed().size() / 2);
  EXPECT_EQ(Gunzip(zipped.body()), SampleFeed());
  const std::string gzip_etag(zipped[http::field::etag]);
  EXPECT_NE(gzip_etag, MakeEtag(SampleFeed()));  // strong tags differ per coding

  Reply revalidated = client.Send(http::verb::get, "/feed.atom",
                                  {{"Accept-Encoding", "gzip"}, {"If-None-Match", gzip_etag}});
  EXPECT_EQ(revalidated.result_int(), 304u);

  for (const char* refused : {"gzip;q=0", "identity", "deflate, *;q=0"}) {
    Reply plain = client.Send(http::verb::get, "/feed.atom", {{"Accept-Encoding", refused}});
    EXPECT_EQ(plain[http::field::content_encoding], "") << refused;
    EXPECT_EQ(plain.body(), SampleFeed()) << refused;
  }
}

TEST_F(HttpServerTest, RoutesAreComputedPerRequestAndCompressed) {
  StartServer();
  std::atomic<int> calls{0};
  server_->Route("/metrics", [&] {
    HttpResource r;
    r.content_type = std::string(kPrometheusContentType);
    r.cache_control = "no-store";
    r.body = "# calls\ncalls " + std::to_string(++calls) + "\n" + std::string(400, '#') + "\n";
    return r;
  });
  server_->Route("/healthz", [] {
    HttpResource r;
    r.body = "database unavailable\n";
    r.content_type = "text/plain; charset=utf-8";
    r.status = 503;
    return r;
  });
  Client client(port());
  EXPECT_NE(client.Send(http::verb::get, "/metrics").body().find("calls 1\n"), std::string::npos);
  Reply second = client.Send(http::verb::get, "/metrics", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(second[http::field::cache_control], "no-store");
  EXPECT_EQ(second[http::field::content_encoding], "gzip");
  EXPECT_NE(Gunzip(second.body()).find("calls 2\n"), std::string::npos);
  Reply health = client.Send(http::verb::get, "/healthz");
  EXPECT_EQ(health.result_int(), 503u);
  EXPECT_EQ(health.body(), "database unavailable\n");
}

TEST_F(HttpServerTest, CountsForMetrics) {
  StartServer();
  PublishFeed();
  {
    Client client(port());
    client.Send(http::verb::get, "/feed.atom");
    client.Send(http::verb::get, "/feed.atom", {{"If-None-Match", MakeEtag(SampleFeed())}});
    client.Send(http::verb::get, "/nope");
  }
  HttpServerStats stats = server_->stats();
  EXPECT_EQ(stats.connections_accepted, 1u);
  EXPECT_EQ(stats.requests, 3u);
  EXPECT_EQ(stats.responses_2xx, 1u);
  EXPECT_EQ(stats.responses_304, 1u);
  EXPECT_EQ(stats.responses_4xx, 1u);
  EXPECT_EQ(stats.bytes_sent, SampleFeed().size() + std::string("404 Not Found\n").size());

  std::string text;
  AppendPrometheusMetrics(stats, &text);
  EXPECT_NE(text.find("# TYPE tributary_http_responses_total counter\n"
                      "tributary_http_responses_total{code=\"2xx\"} 1\n"
                      "tributary_http_responses_total{code=\"304\"} 1\n"
                      "tributary_http_responses_total{code=\"4xx\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tributary_http_connections_total{event=\"accepted\"} 1\n"),
            std::string::npos);
}

TEST_F(HttpServerTest, HtmlGetsSecurityHeaders) {
  StartServer();
  HttpResource page;
  page.body = "<!doctype html><title>x</title>";
  page.content_type = "text/html; charset=utf-8";
  server_->Publish("/", page);
  Client client(port());
  Reply reply = client.Send(http::verb::get, "/");
  EXPECT_EQ(reply.result_int(), 200u);
  const std::string csp(reply["Content-Security-Policy"]);
  EXPECT_TRUE(
      csp.starts_with("default-src 'none'; img-src https: http: data:; "
                      "style-src 'unsafe-inline'"))
      << csp;
  EXPECT_NE(csp.find("sandbox"), std::string::npos);
  EXPECT_EQ(reply["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(reply["Referrer-Policy"], "no-referrer");
}

TEST_F(HttpServerTest, UnknownAndTraversalPathsAre404) {
  StartServer();
  PublishFeed();
  for (const char* target :
       {"/nope", "/../../etc/passwd", "/%2e%2e/", "/%2e%2e/%2e%2e/etc/passwd", "//etc/passwd",
        "/feed.atom/../feed.atom", "/FEED.ATOM", "*", "etc/passwd"}) {
    Client client(port());
    // Raw bytes: no client library gets a chance to normalise the target.
    client.WriteRaw(std::string("GET ") + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    Reply reply = client.Read();
    EXPECT_EQ(reply.result_int(), 404u) << target;
    EXPECT_EQ(reply.body(), "404 Not Found\n");
  }
  server_->Unpublish("/feed.atom");
  EXPECT_EQ(Client(port()).Send(http::verb::get, "/feed.atom").result_int(), 404u);
}

TEST_F(HttpServerTest, OtherMethodsAre405) {
  StartServer();
  PublishFeed();
  for (http::verb method : {http::verb::post, http::verb::put, http::verb::delete_,
                            http::verb::options, http::verb::trace}) {
    Client client(port());
    Reply reply = client.Send(method, "/feed.atom");
    EXPECT_EQ(reply.result_int(), 405u) << method;
    EXPECT_EQ(reply[http::field::allow], "GET, HEAD");
  }
  // With a body we never read, the connection cannot be reused: closed.
  Client client(port());
  client.WriteRaw("POST /feed.atom HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(client.Read().result_int(), 405u);
  EXPECT_TRUE(ClosedByPeer(client.socket(), 3000ms));
}

TEST_F(HttpServerTest, GetWithBodyIs413) {
  StartServer();
  PublishFeed();
  Client client(port());
  client.WriteRaw("GET /feed.atom HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_EQ(client.Read().result_int(), 413u);
  EXPECT_TRUE(ClosedByPeer(client.socket(), 3000ms));
}

TEST_F(HttpServerTest, OversizedHeaderIs431) {
  StartServer();
  PublishFeed();
  {
    Client client(port());
    Reply reply =
        client.Send(http::verb::get, "/feed.atom", {{"X-Padding", std::string(9 * 1024, 'a')}});
    EXPECT_EQ(reply.result_int(), 431u);
  }
  {
    // 1 MB: a 431 or a closed connection, and the server stays healthy.
    Client client(port());
    std::string request = "GET /feed.atom HTTP/1.1\r\nHost: x\r\nX-Big: ";
    request += std::string(1024 * 1024, 'b');
    request += "\r\n\r\n";
    beast::error_code ec;
    asio::write(client.socket(), asio::buffer(request), ec);  // may fail: server closed
    http::response_parser<http::string_body> parser;
    beast::flat_buffer buffer;
    http::read(client.socket(), buffer, parser, ec);
    if (!ec) {
      EXPECT_EQ(parser.get().result_int(), 431u);
    }
  }
  EXPECT_EQ(Client(port()).Send(http::verb::get, "/feed.atom").result_int(), 200u);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartServer();
  PublishFeed();
  Client client(port());
  client.WriteRaw(
      "HEAD /feed.atom HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /feed.atom HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(client.Read(/*head=*/true).result_int(), 200u);
  EXPECT_EQ(client.Read().result_int(), 404u);
  Reply last = client.Read();
  EXPECT_EQ(last.result_int(), 200u);
  EXPECT_EQ(last.body(), SampleFeed());
}

TEST_F(HttpServerTest, SilentClientIsClosedAfterHeaderTimeout) {
  auto options = ShortOptions();
  options.header_timeout = 300ms;
  StartServer(options);
  Client client(port());
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(ClosedByPeer(client.socket(), 5000ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
}

TEST_F(HttpServerTest, SlowlorisIsClosedDespiteTrickling) {
  auto options = ShortOptions();
  options.header_timeout = 400ms;
  StartServer(options);
  PublishFeed();
  Client client(port());
  auto start = std::chrono::steady_clock::now();
  bool closed = false;
  // One header byte every 50 ms would keep a per-read timeout alive forever.
  for (int i = 0; i < 100 && !closed; ++i) {
    beast::error_code ec;
    asio::write(client.socket(), asio::buffer("GET /feed.atom HTTP/1.1\r\nX: "sv.substr(i % 10, 1)),
                ec);
    closed = ec || ClosedByPeer(client.socket(), 50ms);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  // The server may count the timeout just after the client sees the close.
  for (int i = 0; i < 100 && server_->stats().connections_timed_out == 0; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_GE(server_->stats().connections_timed_out, 1u);
}

TEST_F(HttpServerTest, IdleKeepAliveIsClosedAfterIdleTimeout) {
  auto options = ShortOptions();
  options.idle_timeout = 300ms;
  StartServer(options);
  PublishFeed();
  Client client(port());
  EXPECT_EQ(client.Send(http::verb::get, "/feed.atom").result_int(), 200u);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(ClosedByPeer(client.socket(), 5000ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
}

TEST_F(HttpServerTest, ConnectionCapShedsOldestIdle) {
  auto options = ShortOptions();
  options.max_connections = 8;
  StartServer(options);
  PublishFeed();
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 20; ++i) idle.push_back(std::make_unique<Client>(port()));
  // A legitimate request is served although the cap is exceeded.
  for (int i = 0; i < 5; ++i) {
    Client client(port());
    EXPECT_EQ(client.Send(http::verb::get, "/feed.atom").result_int(), 200u);
  }
  HttpServerStats stats = server_->stats();
  EXPECT_GE(stats.connections_shed, 13u);
  EXPECT_EQ(stats.connections_refused, 0u);
  EXPECT_TRUE(ClosedByPeer(idle.front()->socket(), 3000ms));  // the oldest went first
  EXPECT_LE(server_->stats().active_connections, options.max_connections + 1);
}

TEST_F(HttpServerTest, StopClosesIdleConnectionsSoRunReturns) {
  StartServer();
  PublishFeed();
  Client idle(port());
  Client keep_alive(port());
  EXPECT_EQ(keep_alive.Send(http::verb::get, "/feed.atom").result_int(), 200u);
  EXPECT_TRUE(StopAndWait());
  EXPECT_TRUE(ClosedByPeer(idle.socket(), 1000ms));
  EXPECT_TRUE(ClosedByPeer(keep_alive.socket(), 1000ms));
  server_.reset();
}

TEST_F(HttpServerTest, BindFailureNamesTheAddress) {
  StartServer();
  const std::string taken = "127.0.0.1:" + std::to_string(port());
  HttpServer second(io_context_, HttpServerOptions{.listen = taken});
  auto started = second.Start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().ToString().find(taken), std::string::npos)
      << started.error().ToString();
  EXPECT_NE(started.error().ToString().find("cannot bind"), std::string::npos);
}

TEST_F(HttpServerTest, RejectsMalformedListenAddresses) {
  for (const char* listen : {"localhost:8080", "127.0.0.1", "127.0.0.1:99999", "::1:8080",
                             "[::1]8080", "127.0.0.1:http"}) {
    asio::io_context context;
    HttpServer server(context, HttpServerOptions{.listen = listen});
    auto started = server.Start();
    ASSERT_FALSE(started) << listen;
    EXPECT_NE(started.error().ToString().find(listen), std::string::npos)
        << started.error().ToString();
  }
}

TEST_F(HttpServerTest, ListensOnIpv6Loopback) {
  {
    // Skip where the machine has no ::1 (some containers).
    asio::io_context probe_context;
    tcp::acceptor probe(probe_context);
    beast::error_code ec;
    probe.open(tcp::v6(), ec);
    if (!ec) probe.bind(tcp::endpoint(asio::ip::make_address("::1"), 0), ec);
    if (ec) GTEST_SKIP() << "no IPv6 loopback: " << ec.message();
  }
  auto options = ShortOptions();
  options.listen = "[::1]:0";
  StartServer(options);
  PublishFeed();
  asio::io_context context;
  tcp::socket socket(context);
  socket.connect(tcp::endpoint(asio::ip::make_address("::1"), port()));
  SetSocketTimeouts(socket, 5s);
  http::request<http::empty_body> request{http::verb::get, "/feed.atom", 11};
  request.set(http::field::host, "[::1]");
  http::write(socket, request);
  beast::flat_buffer buffer;
  Reply reply;
  http::read(socket, buffer, reply);
  EXPECT_EQ(reply.result_int(), 200u);
}

// curl, the client users will reach for, sees the headers and the 304.
TEST_F(HttpServerTest, CurlSeesHeadersAnd304) {
  if (std::system("curl --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no curl";
  StartServer();
  PublishFeed();
  auto run = [](const std::string& command) {
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return output;
    std::array<char, 4096> chunk{};
    while (std::size_t n = fread(chunk.data(), 1, chunk.size(), pipe))
      output.append(chunk.data(), n);
    pclose(pipe);
    return output;
  };
  const std::string url = "http://127.0.0.1:" + std::to_string(port()) + "/feed.atom";
  std::string headers = run("curl -sS -m 5 -D - -o /dev/null " + url);
  EXPECT_NE(headers.find("HTTP/1.1 200 OK"), std::string::npos) << headers;
  EXPECT_NE(headers.find("ETag: " + MakeEtag(SampleFeed())), std::string::npos) << headers;
  EXPECT_NE(headers.find("Last-Modified: Mon, 09 May 2022 02:48:24 GMT"), std::string::npos);
  std::string status = run("curl -sS -m 5 -o /dev/null -w '%{http_code}' -H 'If-None-Match: " +
                           MakeEtag(SampleFeed()) + "' " + url);
  EXPECT_EQ(status, "304");
  std::string body = run("curl -sS -m 5 --compressed " + url);
  EXPECT_EQ(body, SampleFeed());
}

}  // namespace
}  // namespace tributary::daemon
