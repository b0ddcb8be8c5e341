// HttpTestServer: a scriptable HTTP/1.1 (optionally TLS) server on loopback
// for fetcher tests. Each connection runs on its own thread with blocking
// sockets; a test's handler writes raw response bytes, so it can lie about
// lengths, drip, stream forever or reset the connection. It records every
// request and counts concurrent connections. Thread-safe accessors; the
// handler runs on connection threads and must synchronise what it shares.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace tributary::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  // Case-insensitive; empty when absent.
  std::string Header(std::string_view name) const;
};

// One request/response exchange, as the handler sees it.
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual const RecordedRequest& request() const = 0;
  // Raw bytes to the client. False once the client is gone.
  virtual bool Write(std::string_view bytes) = 0;
  // Waits; false (early) when the server is stopping.
  virtual bool Sleep(std::chrono::milliseconds duration) = 0;
  // Abortive close (TCP RST) / orderly close; no further requests.
  virtual void Reset() = 0;
  virtual void Close() = 0;
};

using Handler = std::function<void(Exchange&)>;

class HttpTestServer {
 public:
  struct Tls {
    std::string certificate_file;  // PEM
    std::string private_key_file;  // PEM
  };

  // Listens on `address` ("127.0.0.1" or "::1"), on a free port.
  explicit HttpTestServer(Handler handler, std::string address = "127.0.0.1",
                          std::optional<Tls> tls = std::nullopt);
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  unsigned short port() const { return port_; }
  // "http://127.0.0.1:PORT" + path (https, [::1] as appropriate).
  std::string Url(std::string_view path) const;
  std::size_t request_count() const;
  std::vector<RecordedRequest> requests() const;
  int peak_connections() const { return peak_connections_.load(); }
  int connections_accepted() const { return connections_accepted_.load(); }

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  unsigned short port_ = 0;
  std::string host_;
  std::atomic<int> peak_connections_{0};
  std::atomic<int> connections_accepted_{0};
};

// A complete response with Content-Length. `headers` are "Name: value" pairs.
std::string HttpResponse(int status, std::string_view body,
                         const std::vector<std::pair<std::string, std::string>>& headers = {});

// gzip of `data`, and gzip of `count` zero bytes built without holding them.
std::string Gzip(std::string_view data);
std::string GzipZeros(std::size_t count);

}  // namespace tributary::testing
