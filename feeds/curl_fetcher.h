// CurlFetcher: the real Fetcher. It drives libcurl's multi interface from one
// Asio io_context through curl's socket API (CURLMOPT_SOCKETFUNCTION and
// CURLMOPT_TIMERFUNCTION, curl_multi_socket_action): Asio watches curl's
// sockets and one steady_timer carries curl's timeout, so thousands of
// transfers share one thread and nothing blocks the loop. The sockets are
// opened and closed through Asio (CURLOPT_OPENSOCKETFUNCTION /
// CLOSESOCKETFUNCTION), which is also where the connected address is checked.
//
// Limits are enforced while receiving, not after: the decoded body is
// counted in the write callback, redirects are capped with CURLOPT_MAXREDIRS,
// and every hop's connected address is checked (see address_policy.h).
// Connections and the DNS cache are shared by all transfers of one
// CurlFetcher (keep-alive, HTTP/2 multiplexing).
// "exec:" URLs (when the request allows them) go to a CommandRunner on the
// same io_context.
//
// Not thread-safe: construct, call and destroy it on the io_context's thread.
// `done` runs on that thread, never from inside Fetch(). The io_context must
// outlive the CurlFetcher; the Clock too (it is used to turn a Retry-After
// date into a delay).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/asio.h"
#include "common/time.h"
#include "feeds/fetcher.h"

namespace tributary::feeds {

class CurlFetcher final : public Fetcher {
 public:
  struct Options {
    // Sent when a request has no user_agent; empty means
    // "Tributary/<TRIBUTARY_VERSION>".
    std::string default_user_agent;
    // CURLMOPT_MAX_HOST_CONNECTIONS / MAX_TOTAL_CONNECTIONS; 0 = no cap.
    // The daemon's scheduler owns per-host politeness; these are a backstop.
    long max_host_connections = 0;
    long max_total_connections = 0;
    // Decides whether a connected address (as curl prints it, "127.0.0.1",
    // "::1") is public. Empty means IsPublicAddress(); tests substitute it to
    // play a public server on loopback.
    std::function<bool(std::string_view ip)> is_public_address;
  };

  CurlFetcher(asio::io_context& io, const Clock& clock);
  CurlFetcher(asio::io_context& io, const Clock& clock, Options options);
  // Transfers still in flight are aborted; their callbacks are posted to the
  // io_context with FetchError::kCancelled.
  ~CurlFetcher() override;

  CurlFetcher(const CurlFetcher&) = delete;
  CurlFetcher& operator=(const CurlFetcher&) = delete;

  void Fetch(FetchRequest request, std::function<void(FetchResult)> done) override;
  void CancelAll() override;
  std::size_t InFlight() const override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::feeds
