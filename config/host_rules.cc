#include "config/host_rules.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/text.h"

namespace tributary::config {
namespace {

bool IsHostName(std::string_view name) {
  if (name.empty() || name.size() > 253 || name.front() == '.' || name.back() == '.') return false;
  std::size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') return false;
    if (++label > 63) return false;
  }
  return true;
}

std::string_view StripBrackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

// How well `pattern` fits: -1 not at all, higher is more specific.
long Specificity(const HostPattern& pattern, const std::string& host, int port) {
  if (pattern.port != 0 && pattern.port != port) return -1;
  long score = -1;
  if (!pattern.wildcard) {
    if (pattern.host == host) score = 1'000'000;
  } else if (host.size() > pattern.host.size() + 1 && host.ends_with(pattern.host) &&
             host[host.size() - pattern.host.size() - 1] == '.') {
    score = static_cast<long>(pattern.host.size()) * 2;
  }
  if (score < 0) return -1;
  return score + (pattern.port != 0 ? 1 : 0);
}

}  // namespace

std::optional<HostPattern> ParseHostPattern(std::string_view text) {
  HostPattern pattern;
  std::string_view host = text;
  std::string_view port;
  if (text.starts_with("[")) {
    auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (port.empty()) return std::nullopt;
    }
    in6_addr address{};
    if (inet_pton(AF_INET6, std::string(host).c_str(), &address) != 1) return std::nullopt;
  } else {
    auto colon = text.rfind(':');
    if (colon != std::string_view::npos) {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
      if (port.empty()) return std::nullopt;
    }
    if (host.starts_with("*.")) {
      pattern.wildcard = true;
      host.remove_prefix(2);
    }
    if (!IsHostName(host)) return std::nullopt;
  }
  if (!port.empty()) {
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), pattern.port);
    if (error != std::errc() || end != port.data() + port.size() || pattern.port < 1 ||
        pattern.port > 65535) {
      return std::nullopt;
    }
  }
  pattern.host = ToLowerAscii(host);
  return pattern;
}

const HostOverride* FindHostOverride(const std::vector<HostOverride>& hosts, std::string_view host,
                                     int port) {
  const std::string wanted = ToLowerAscii(StripBrackets(host));
  const HostOverride* best = nullptr;
  long best_score = -1;
  for (const HostOverride& entry : hosts) {
    auto pattern = ParseHostPattern(entry.host);
    if (!pattern) continue;
    long score = Specificity(*pattern, wanted, port);
    if (score > best_score) {
      best = &entry;
      best_score = score;
    }
  }
  return best;
}

}  // namespace tributary::config
