// fetch.hosts: which entry applies to a feed's host. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace tributary::config {

// A host pattern as fetch.hosts takes it: a name ("rsshub.lan"), a domain
// wildcard ("*.example.org": every name under it, not the domain itself),
// an IPv4 address or a bracketed IPv6 one ("[::1]"), each optionally with
// ":port". Names compare case-insensitively.
struct HostPattern {
  std::string host;  // lower case; for a wildcard the suffix without "*."; IPv6 without []
  bool wildcard = false;
  int port = 0;  // 0: any port
};
std::optional<HostPattern> ParseHostPattern(std::string_view text);

// The entry that applies to `host` (as in a URL, any case; IPv6 with or
// without brackets) on `port`, or null. The most specific wins: an exact
// name before a wildcard, a longer wildcard before a shorter one, and with
// the host equally specific an entry naming the port before one that does not.
const HostOverride* FindHostOverride(const std::vector<HostOverride>& hosts, std::string_view host,
                                     int port);

}  // namespace tributary::config
