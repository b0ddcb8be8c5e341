// CurlTransfer: one fetch in flight inside CurlFetcher (internal to feeds/).
// It owns the easy handle, sets its options from a FetchRequest, watches the
// transfer through curl's callbacks (body cap, redirect hops, connected
// addresses) and turns the outcome into a FetchResult. Not thread-safe; lives
// on the io_context's thread. Must not move once configured: curl keeps
// pointers to it.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/time.h"
#include "feeds/fetcher.h"

namespace tributary::feeds {

// Opens and closes the sockets curl uses, so the event loop owns them.
class SocketFactory {
 public:
  virtual ~SocketFactory() = default;
  // CURL_SOCKET_BAD on failure.
  virtual curl_socket_t OpenSocket(const curl_sockaddr& address) = 0;
  virtual void CloseSocket(curl_socket_t socket) = 0;
};

class CurlTransfer {
 public:
  struct Environment {
    SocketFactory* sockets = nullptr;
    const std::function<bool(std::string_view)>* is_public_address = nullptr;
    std::string_view default_user_agent;
  };

  CurlTransfer(FetchRequest request, std::function<void(FetchResult)> done,
               const Environment& environment);
  ~CurlTransfer();
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  // Sets every option on the easy handle. False when the request cannot
  // start; Failed() then describes why.
  bool Configure();
  CURL* easy() const { return easy_; }

  // The result for a transfer curl finished with `code`; `now` dates
  // Retry-After.
  FetchResult Finish(CURLcode code, Timestamp now);
  // The result for a request that never started (Configure() failed).
  FetchResult Failed() const;
  // The result for a transfer aborted by CancelAll() or destruction.
  FetchResult Cancelled() const;
  std::function<void(FetchResult)> TakeDone() { return std::move(done_); }

 private:
  static std::size_t OnWrite(char* data, std::size_t size, std::size_t count, void* self);
  static std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* self);
  static curl_socket_t OnOpenSocket(void* self, curlsocktype purpose, curl_sockaddr* address);
  static int OnCloseSocket(void* factory, curl_socket_t socket);
  static int OnPrerequest(void* self, char* primary_ip, char* local_ip, int primary_port,
                          int local_port);

  bool SetOptions();
  bool BuildHeaderList();
  bool OnHeadersEnd();
  bool OnRedirect(long status);
  bool AddressAllowed(std::string_view ip);
  void Fail(FetchError error, std::string message);
  std::string HeaderValue(const char* name) const;
  FetchResult BaseResult() const;
  void ClassifyCurlError(CURLcode code, FetchResult& result) const;
  void ClassifyHttpStatus(FetchResult& result, Timestamp now);

  FetchRequest request_;
  std::function<void(FetchResult)> done_;
  Environment environment_;
  CURL* easy_ = nullptr;
  curl_slist* header_list_ = nullptr;
  char curl_error_[CURL_ERROR_SIZE] = {};
  std::chrono::steady_clock::time_point started_;

  // What the callbacks have seen so far.
  std::string body_;
  std::int64_t body_bytes_ = 0;  // decoded bytes received, kept or not
  long response_status_ = 0;     // of the response being received
  int redirects_ = 0;
  bool all_redirects_permanent_ = true;
  bool seen_public_address_ = false;
  std::string redirect_host_;  // host name of the latest redirect target
  bool error_body_truncated_ = false;
  FetchError error_ = FetchError::kNone;  // set by a callback that aborted the transfer
  std::string error_message_;
};

}  // namespace tributary::feeds
