// Address policy for fetches: which connected addresses count as public.
// A redirect from a public address into loopback, private, link-local or
// otherwise internal ranges is refused (hostile-inputs A1/A2), so that a
// feed on the internet cannot make the daemon probe the local network.
// Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "common/asio.h"

namespace tributary::feeds {

// True for globally routable unicast addresses. False for loopback,
// RFC 1918, CGNAT (100.64/10), link-local, unique-local (fc00::/7),
// multicast, unspecified, documentation and reserved ranges. IPv4 mapped,
// compatible and NAT64 (64:ff9b::/96) IPv6 addresses are judged by the IPv4
// address they carry.
bool IsPublicAddress(const asio::ip::address& address);

// Same, from the textual form curl reports ("127.0.0.1", "::1").
// Unparsable text counts as not public.
bool IsPublicAddress(std::string_view text);

}  // namespace tributary::feeds
