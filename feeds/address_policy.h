// Address policy for fetches: which connected addresses count as public.
// A redirect from a public address into loopback, private, link-local or
// otherwise internal ranges is refused (hostile-inputs A1/A2), so that a
// feed on the internet cannot make the daemon probe the local network.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

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

// True when the non-public address `ip` (text) may be reached by a
// redirect: it lies in one of `allowed`'s CIDR ranges or equals one of its
// addresses, or `host` (the redirect target's host name) is listed.
// Entries are as fetch.allow_private takes them ("10.0.0.0/8", "::1",
// "intranet.example"); an entry that is neither is ignored.
bool PrivateTargetAllowed(std::string_view ip, std::string_view host,
                          const std::vector<std::string>& allowed);

// True when `host`, as written in a configured URL (not reached by a
// redirect), names the admin's own service: an address outside the public
// ranges (loopback, RFC 1918, unique-local...), a single-label name
// ("localhost", a container's "rsshub"), a name under .localhost, .local,
// .lan, .internal or .home.arpa, or a name or address listed in `allow_private`
// (fetch.allow_private). Judged from the text, never from DNS: a public name
// is polled politely wherever it resolves to.
bool IsOwnServiceHost(std::string_view host, const std::vector<std::string>& allow_private);

}  // namespace tributary::feeds
