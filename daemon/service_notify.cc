#include "daemon/service_notify.h"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <cstdint>

namespace tributary::daemon {
namespace {

// Sends one notification; failures are not errors (we may not run under
// systemd at all), so the result is ignored on purpose.
void Notify(const std::string& state) { (void)sd_notify(0, state.c_str()); }

std::string MonotonicUsec() {
  struct timespec ts {};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  auto usec = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000ULL +
              static_cast<std::uint64_t>(ts.tv_nsec) / 1000ULL;
  return std::to_string(usec);
}

}  // namespace

ServiceNotifier::~ServiceNotifier() { Stop(); }

void ServiceNotifier::Start(asio::io_context& io, std::function<std::string()> status) {
  status_ = std::move(status);
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0) watchdog_ = std::chrono::microseconds{usec};
  timer_ = std::make_unique<asio::steady_timer>(io);
  Tick();
}

void ServiceNotifier::Stop() {
  if (timer_) timer_->cancel();
}

void ServiceNotifier::Tick() {
  if (!timer_) return;
  std::string message;
  if (watchdog_.count() > 0) message += "WATCHDOG=1\n";
  if (status_) {
    std::string status = status_();
    if (status != last_status_) {
      message += "STATUS=" + status + "\n";
      last_status_ = status;
    }
  }
  if (!message.empty()) Notify(message);
  // Ping at half the watchdog interval; refresh STATUS at least every 5 s.
  auto period = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::seconds{5});
  if (watchdog_.count() > 0) {
    period = std::min(period, std::chrono::duration_cast<std::chrono::milliseconds>(watchdog_ / 2));
  }
  timer_->expires_after(period);
  timer_->async_wait([this](const boost::system::error_code& error) {
    if (!error) Tick();
  });
}

void ServiceNotifier::Ready() { Notify("READY=1"); }

void ServiceNotifier::Reloading() { Notify("RELOADING=1\nMONOTONIC_USEC=" + MonotonicUsec()); }

void ServiceNotifier::Stopping() { Notify("STOPPING=1"); }

void ServiceNotifier::Status(const std::string& text) {
  last_status_ = text;
  Notify("STATUS=" + text);
}

}  // namespace tributary::daemon
