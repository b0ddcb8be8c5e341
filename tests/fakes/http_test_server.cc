#include "tests/fakes/http_test_server.h"

#include <sys/socket.h>
#include <zlib.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <stdexcept>

#include "common/asio.h"

namespace tributary::testing {
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

const char* ReasonPhrase(int status) {
  return http::obsolete_reason(static_cast<http::status>(status)).data();
}

std::string Deflate(const std::function<bool(z_stream&)>& feed) {
  z_stream stream{};
  // 15 + 16: zlib writes a gzip wrapper.
  if (deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2");
  }
  std::string out;
  char buffer[64 * 1024];
  bool more = true;
  while (more) {
    more = feed(stream);
    const int flush = more ? Z_NO_FLUSH : Z_FINISH;
    do {
      stream.next_out = reinterpret_cast<Bytef*>(buffer);
      stream.avail_out = sizeof(buffer);
      deflate(&stream, flush);
      out.append(buffer, sizeof(buffer) - stream.avail_out);
    } while (stream.avail_out == 0);
  }
  deflateEnd(&stream);
  return out;
}

}  // namespace

std::string RecordedRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

std::string HttpResponse(int status, std::string_view body,
                         const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) + "\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out.append(body);
  return out;
}

std::string Gzip(std::string_view data) {
  return Deflate([&](z_stream& stream) {
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    return false;
  });
}

std::string GzipZeros(std::size_t count) {
  static const std::string zeros(1024 * 1024, '\0');
  std::size_t left = count;
  return Deflate([&](z_stream& stream) {
    const std::size_t chunk = std::min(left, zeros.size());
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    stream.avail_in = static_cast<uInt>(chunk);
    left -= chunk;
    return left > 0;
  });
}

class HttpTestServer::Impl {
 public:
  Impl(HttpTestServer& owner, Handler handler, const std::string& address,
       const std::optional<Tls>& tls)
      : owner_(owner), handler_(std::move(handler)), acceptor_(io_) {
    if (tls) {
      tls_context_.emplace(asio::ssl::context::tls_server);
      tls_context_->use_certificate_chain_file(tls->certificate_file);
      tls_context_->use_private_key_file(tls->private_key_file, asio::ssl::context::pem);
    }
    const tcp::endpoint endpoint(asio::ip::make_address(address), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      // Wakes the blocking accept() and every blocked read or write.
      ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
      for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    wake_.notify_all();
    accept_thread_.join();
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      threads.swap(connection_threads_);
    }
    for (auto& thread : threads) thread.join();
  }

  unsigned short port() const { return port_; }
  bool tls() const { return tls_context_.has_value(); }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  bool Sleep(std::chrono::milliseconds duration) {
    std::unique_lock lock(mutex_);
    return !wake_.wait_for(lock, duration, [this] { return stopping_; });
  }

 private:
  void AcceptLoop() {
    for (;;) {
      tcp::socket socket(io_);
      boost::system::error_code error;
      acceptor_.accept(socket, error);
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      if (error) continue;
      open_fds_.insert(socket.native_handle());
      connection_threads_.emplace_back(
          [this, s = std::move(socket)]() mutable { ServeConnection(std::move(s)); });
    }
  }

  void ServeConnection(tcp::socket socket) {
    const int now = ++active_;
    ++owner_.connections_accepted_;
    int peak = owner_.peak_connections_.load();
    while (now > peak && !owner_.peak_connections_.compare_exchange_weak(peak, now)) {
    }
    const int fd = socket.native_handle();
    if (tls_context_) {
      asio::ssl::stream<tcp::socket&> stream(socket, *tls_context_);
      boost::system::error_code error;
      stream.handshake(asio::ssl::stream_base::server, error);
      if (!error) ServeRequests(stream, socket);
    } else {
      ServeRequests(socket, socket);
    }
    {
      std::lock_guard lock(mutex_);
      open_fds_.erase(fd);
      boost::system::error_code ignored;
      socket.close(ignored);
    }
    --active_;
  }

  template <typename Stream>
  void ServeRequests(Stream& stream, tcp::socket& socket);

  HttpTestServer& owner_;
  Handler handler_;
  asio::io_context io_;  // never run: the sockets are used blocking
  std::optional<asio::ssl::context> tls_context_;
  tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::thread accept_thread_;
  std::atomic<int> active_{0};

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;                        // guarded by mutex_
  std::set<int> open_fds_;                       // guarded by mutex_
  std::vector<std::thread> connection_threads_;  // guarded by mutex_
  std::vector<RecordedRequest> requests_;        // guarded by mutex_
};

namespace {

template <typename Stream>
class ExchangeImpl final : public Exchange {
 public:
  ExchangeImpl(RecordedRequest request, Stream& stream, tcp::socket& socket,
               std::function<bool(std::chrono::milliseconds)> sleep)
      : request_(std::move(request)), stream_(stream), socket_(socket), sleep_(std::move(sleep)) {}

  const RecordedRequest& request() const override { return request_; }
  bool Write(std::string_view bytes) override {
    if (finished_) return false;
    boost::system::error_code error;
    asio::write(stream_, asio::buffer(bytes.data(), bytes.size()), error);
    return !error;
  }
  bool Sleep(std::chrono::milliseconds duration) override { return sleep_(duration); }
  void Reset() override {
    boost::system::error_code ignored;
    socket_.set_option(tcp::socket::linger(true, 0), ignored);
    ::shutdown(socket_.native_handle(), SHUT_RD);  // keep the fd until the thread ends
    finished_ = true;
    // close() happens in ServeConnection; linger(0) makes it an RST.
  }
  void Close() override {
    ::shutdown(socket_.native_handle(), SHUT_RDWR);
    finished_ = true;
  }
  bool finished() const { return finished_; }

 private:
  RecordedRequest request_;
  Stream& stream_;
  tcp::socket& socket_;
  std::function<bool(std::chrono::milliseconds)> sleep_;
  bool finished_ = false;
};

}  // namespace

template <typename Stream>
void HttpTestServer::Impl::ServeRequests(Stream& stream, tcp::socket& socket) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> parsed;
    boost::system::error_code error;
    http::read(stream, buffer, parsed, error);
    if (error) return;
    RecordedRequest request;
    request.method = std::string(parsed.method_string());
    request.target = std::string(parsed.target());
    for (const auto& field : parsed) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      requests_.push_back(request);
    }
    ExchangeImpl<Stream> exchange(std::move(request), stream, socket,
                                  [this](std::chrono::milliseconds d) { return Sleep(d); });
    handler_(exchange);
    if (exchange.finished() || !parsed.keep_alive()) return;
  }
}

HttpTestServer::HttpTestServer(Handler handler, std::string address, std::optional<Tls> tls) {
  impl_ = std::make_unique<Impl>(*this, std::move(handler), address, tls);
  port_ = impl_->port();
  host_ = address.find(':') != std::string::npos ? "[" + address + "]" : address;
}

HttpTestServer::~HttpTestServer() = default;

std::string HttpTestServer::Url(std::string_view path) const {
  return std::string(impl_->tls() ? "https://" : "http://") + host_ + ":" + std::to_string(port_) +
         std::string(path);
}

std::size_t HttpTestServer::request_count() const { return impl_->requests().size(); }

std::vector<RecordedRequest> HttpTestServer::requests() const { return impl_->requests(); }

}  // namespace tributary::testing
