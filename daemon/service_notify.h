// ServiceNotifier: the systemd service protocol (sd_notify(3)). READY=1 once
// the daemon is up, STATUS= lines saying what it does, RELOADING=1 and
// STOPPING=1 around reloads and shutdown, and WATCHDOG=1 pings sent from
// the event loop itself, so a stuck loop stops the pings and systemd
// restarts the service. Without NOTIFY_SOCKET every call is a no-op.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/asio.h"

namespace tributary::daemon {

class ServiceNotifier {
 public:
  ServiceNotifier() = default;
  ~ServiceNotifier();
  ServiceNotifier(const ServiceNotifier&) = delete;
  ServiceNotifier& operator=(const ServiceNotifier&) = delete;

  // Starts the watchdog pings (at half of WATCHDOG_USEC) and periodic
  // STATUS updates from `status`, on the io_context.
  void Start(asio::io_context& io, std::function<std::string()> status);
  void Stop();

  void Ready();
  void Reloading();
  void Stopping();
  void Status(const std::string& text);

 private:
  void Tick();

  std::unique_ptr<asio::steady_timer> timer_;
  std::function<std::string()> status_;
  std::chrono::microseconds watchdog_{0};
  std::string last_status_;
};

}  // namespace tributary::daemon
