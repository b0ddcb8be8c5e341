#include "feeds/curl_fetcher.h"

#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <unordered_map>
#include <utility>

#include "common/log.h"
#include "feeds/command_runner.h"
#include "feeds/curl_transfer.h"

namespace tributary::feeds {
namespace {

void EnsureCurlGlobalInit() {
  // curl_global_init is not thread-safe; a function-local static is.
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK) log::Error("curl_global_init failed: {}", curl_easy_strerror(init));
}

// One socket curl asked us to watch. `owned` sockets were opened by us
// (OpenSocket) and are closed by us; foreign ones (the threaded resolver's
// wake-up pipe) are only watched and released on CURL_POLL_REMOVE, which
// curl sends before it closes them.
struct WatchedSocket {
  WatchedSocket(asio::io_context& io, curl_socket_t fd_in, bool owned_in)
      : descriptor(io, fd_in), fd(fd_in), owned(owned_in) {}
  asio::posix::stream_descriptor descriptor;
  curl_socket_t fd;
  bool owned;
  int wanted = 0;  // CURL_POLL_IN | CURL_POLL_OUT
  bool read_waiting = false;
  bool write_waiting = false;
  bool gone = false;  // closed or released; queued handlers must not touch it
};

}  // namespace

class CurlFetcher::Impl final : public SocketFactory {
 public:
  Impl(asio::io_context& io, const Clock& clock, Options options)
      : io_(io), clock_(clock), options_(std::move(options)), timer_(io), commands_(io) {
    EnsureCurlGlobalInit();
    multi_ = curl_multi_init();
    if (!multi_) throw std::bad_alloc();
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, options_.max_host_connections);
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, options_.max_total_connections);
  }

  ~Impl() override {
    *alive_ = false;
    CancelAll();
    timer_.cancel();
    // Closes the cached connections through CloseSocket().
    curl_multi_cleanup(multi_);
    for (auto& [fd, watched] : sockets_) Forget(*watched);
    sockets_.clear();
  }

  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void Fetch(FetchRequest request, std::function<void(FetchResult)> done) {
    if (request.url.starts_with("exec:")) {
      FetchExec(std::move(request), std::move(done));
      return;
    }
    const CurlTransfer::Environment environment{this, &options_.is_public_address,
                                                options_.default_user_agent};
    auto transfer =
        std::make_unique<CurlTransfer>(std::move(request), std::move(done), environment);
    if (!transfer->Configure()) {
      Post(transfer->TakeDone(), transfer->Failed());
      return;
    }
    CURL* easy = transfer->easy();
    transfers_.emplace(easy, std::move(transfer));
    // Only arms the timer (through OnTimer); nothing completes in here.
    if (const CURLMcode code = curl_multi_add_handle(multi_, easy); code != CURLM_OK) {
      auto node = transfers_.extract(easy);
      FetchResult result = node.mapped()->Failed();
      result.error = FetchError::kIo;
      result.error_message = std::string("curl_multi_add_handle: ") + curl_multi_strerror(code);
      Post(node.mapped()->TakeDone(), std::move(result));
    }
  }

  void FetchExec(FetchRequest request, std::function<void(FetchResult)> done) {
    FetchResult refused;
    refused.effective_url = request.url;
    refused.error = FetchError::kInvalidRequest;
    if (!request.allow_exec) {
      refused.error_message = "exec: URLs are not allowed for this feed; enable exec in its config";
      Post(std::move(done), std::move(refused));
      return;
    }
    auto argv = ParseExecCommand(request.url);
    if (!argv) {
      refused.error_message = argv.error().ToString();
      Post(std::move(done), std::move(refused));
      return;
    }
    commands_.Run(std::move(*argv), request.limits, request.url, std::move(done));
  }

  void CancelAll() {
    commands_.CancelAll();
    auto cancelled = std::move(transfers_);
    transfers_.clear();
    for (auto& [easy, transfer] : cancelled) {
      curl_multi_remove_handle(multi_, easy);
      Post(transfer->TakeDone(), transfer->Cancelled());
    }
  }

  std::size_t InFlight() const { return transfers_.size() + commands_.InFlight(); }

  // SocketFactory: curl's connections are Asio descriptors from birth.
  curl_socket_t OpenSocket(const curl_sockaddr& address) override {
    const int fd = ::socket(address.family, address.socktype | SOCK_CLOEXEC, address.protocol);
    if (fd < 0) return CURL_SOCKET_BAD;
    try {
      sockets_[fd] = std::make_shared<WatchedSocket>(io_, fd, true);
    } catch (const std::exception& e) {
      log::Warn("cannot register a socket with the event loop: {}", e.what());
      ::close(fd);
      return CURL_SOCKET_BAD;
    }
    return fd;
  }

  void CloseSocket(curl_socket_t fd) override {
    const auto it = sockets_.find(fd);
    if (it == sockets_.end()) {
      ::close(fd);  // not ours to watch, but curl expects it closed
      return;
    }
    Forget(*it->second);
    sockets_.erase(it);
  }

 private:
  static int OnSocket(CURL* /*easy*/, curl_socket_t fd, int what, void* self,
                      void* /*socket_data*/) {
    static_cast<Impl*>(self)->Watch(fd, what);
    return 0;
  }

  static int OnTimer(CURLM* /*multi*/, long timeout_ms, void* self) {
    static_cast<Impl*>(self)->ArmTimer(timeout_ms);
    return 0;
  }

  void Watch(curl_socket_t fd, int what) {
    auto it = sockets_.find(fd);
    if (what == CURL_POLL_REMOVE) {
      if (it == sockets_.end()) return;
      it->second->wanted = 0;
      if (it->second->owned) {
        // An idle cached connection must not keep the io_context busy.
        boost::system::error_code ignored;  // cancel fails only on a closed descriptor
        it->second->descriptor.cancel(ignored);
      } else {
        Forget(*it->second);
        sockets_.erase(it);
      }
      return;
    }
    if (it == sockets_.end()) {
      try {
        it = sockets_.emplace(fd, std::make_shared<WatchedSocket>(io_, fd, false)).first;
      } catch (const std::exception& e) {
        log::Error("cannot watch curl socket {}: {}", fd, e.what());
        return;
      }
    }
    it->second->wanted = what & CURL_POLL_INOUT;
    Arm(it->second);
  }

  // Closes (owned) or releases (foreign) the descriptor; pending waits
  // complete with operation_aborted and see `gone`.
  static void Forget(WatchedSocket& watched) {
    watched.gone = true;
    watched.wanted = 0;
    boost::system::error_code ignored;  // nothing useful to do on close failure
    if (watched.owned) {
      watched.descriptor.close(ignored);
    } else {
      watched.descriptor.release();
    }
  }

  // Starts a readiness wait for each direction curl wants and nobody waits
  // for yet. The handler holds the WatchedSocket, never a raw descriptor.
  void Arm(const std::shared_ptr<WatchedSocket>& watched) {
    if ((watched->wanted & CURL_POLL_IN) && !watched->read_waiting) {
      watched->read_waiting = true;
      watched->descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                                     [this, watched](const boost::system::error_code& error) {
                                       watched->read_waiting = false;
                                       if (watched->gone) return;  // set before the Impl dies
                                       OnReady(watched, CURL_POLL_IN, error);
                                     });
    }
    if ((watched->wanted & CURL_POLL_OUT) && !watched->write_waiting) {
      watched->write_waiting = true;
      watched->descriptor.async_wait(asio::posix::stream_descriptor::wait_write,
                                     [this, watched](const boost::system::error_code& error) {
                                       watched->write_waiting = false;
                                       if (watched->gone) return;  // set before the Impl dies
                                       OnReady(watched, CURL_POLL_OUT, error);
                                     });
    }
  }

  void OnReady(const std::shared_ptr<WatchedSocket>& watched, int direction,
               const boost::system::error_code& error) {
    if (error != asio::error::operation_aborted && (watched->wanted & direction)) {
      const int event = error                       ? CURL_CSELECT_ERR
                        : direction == CURL_POLL_IN ? CURL_CSELECT_IN
                                                    : CURL_CSELECT_OUT;
      SocketAction(watched->fd, event);
    }
    if (!watched->gone) Arm(watched);
  }

  void ArmTimer(long timeout_ms) {
    if (timeout_ms < 0) {
      timer_.cancel();
      return;
    }
    // Even a 0 ms timeout goes through the loop: curl forbids calling
    // socket_action from inside its own callback.
    timer_.expires_after(std::chrono::milliseconds(timeout_ms));
    timer_.async_wait([this, alive = alive_](const boost::system::error_code& error) {
      if (!*alive || error) return;
      SocketAction(CURL_SOCKET_TIMEOUT, 0);
    });
  }

  void SocketAction(curl_socket_t fd, int event) {
    int running = 0;
    const CURLMcode code = curl_multi_socket_action(multi_, fd, event, &running);
    if (code != CURLM_OK) log::Error("curl_multi_socket_action: {}", curl_multi_strerror(code));
    CompleteFinished();
  }

  // Hands finished transfers to their callbacks. Runs outside every curl
  // callback, so a callback may start new fetches or cancel others.
  void CompleteFinished() {
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const CURLcode code = message->data.result;
      auto node = transfers_.extract(easy);
      curl_multi_remove_handle(multi_, easy);
      if (node.empty()) continue;
      FetchResult result = node.mapped()->Finish(code, clock_.Now());
      auto done = node.mapped()->TakeDone();
      node.mapped().reset();
      if (done) done(std::move(result));
    }
  }

  void Post(std::function<void(FetchResult)> done, FetchResult result) {
    if (!done) return;
    asio::post(io_, [done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
  }

  asio::io_context& io_;
  const Clock& clock_;
  Options options_;
  CURLM* multi_ = nullptr;
  asio::steady_timer timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::unordered_map<curl_socket_t, std::shared_ptr<WatchedSocket>> sockets_;
  std::unordered_map<CURL*, std::unique_ptr<CurlTransfer>> transfers_;
  CommandRunner commands_;
};

CurlFetcher::CurlFetcher(asio::io_context& io, const Clock& clock)
    : CurlFetcher(io, clock, Options{}) {}

CurlFetcher::CurlFetcher(asio::io_context& io, const Clock& clock, Options options)
    : impl_(std::make_unique<Impl>(io, clock, std::move(options))) {}

CurlFetcher::~CurlFetcher() = default;

void CurlFetcher::Fetch(FetchRequest request, std::function<void(FetchResult)> done) {
  impl_->Fetch(std::move(request), std::move(done));
}

void CurlFetcher::CancelAll() { impl_->CancelAll(); }

std::size_t CurlFetcher::InFlight() const { return impl_->InFlight(); }

}  // namespace tributary::feeds
