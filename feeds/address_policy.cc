#include "feeds/address_policy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/text.h"

namespace tributary::feeds {
namespace {

struct Range {
  std::array<std::uint8_t, 16> prefix;  // only the first `bits` bits count
  int bits;
};

template <std::size_t N>
bool Matches(const std::array<unsigned char, N>& bytes, const Range& range) {
  int remaining = range.bits;
  for (std::size_t i = 0; i < N && remaining > 0; ++i, remaining -= 8) {
    const int mask_bits = remaining >= 8 ? 8 : remaining;
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - mask_bits));
    if ((bytes[i] & mask) != (range.prefix[i] & mask)) return false;
  }
  return true;
}

// IANA special-purpose registries, minus the globally reachable entries.
constexpr Range kNonPublicV4[] = {
    {{0}, 8},              // "this network"
    {{10}, 8},             // RFC 1918
    {{100, 64}, 10},       // carrier-grade NAT
    {{127}, 8},            // loopback
    {{169, 254}, 16},      // link-local (cloud metadata lives here)
    {{172, 16}, 12},       // RFC 1918
    {{192, 0, 0}, 24},     // IETF protocol assignments
    {{192, 0, 2}, 24},     // documentation
    {{192, 88, 99}, 24},   // 6to4 relay anycast (deprecated)
    {{192, 168}, 16},      // RFC 1918
    {{198, 18}, 15},       // benchmarking
    {{198, 51, 100}, 24},  // documentation
    {{203, 0, 113}, 24},   // documentation
    {{224}, 4},            // multicast
    {{240}, 4},            // reserved, and 255.255.255.255
};

constexpr Range kNonPublicV6[] = {
    {{0}, 128},                                               // unspecified ::
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128},  // loopback ::1
    {{0x01, 0x00}, 64},                                       // discard-only 100::/64
    {{0x20, 0x01, 0x0d, 0xb8}, 32},                           // documentation
    {{0x20, 0x01, 0x00, 0x00}, 23},  // IETF protocol assignments (Teredo etc.)
    {{0xfc}, 7},                     // unique local
    {{0xfe, 0x80}, 10},              // link-local
    {{0xfe, 0xc0}, 10},              // site-local (deprecated)
    {{0xff}, 8},                     // multicast
};

constexpr Range kEmbedsV4[] = {
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96},  // IPv4-mapped
    {{0x00, 0x64, 0xff, 0x9b}, 96},                    // NAT64 well-known prefix
    {{0}, 96},                                         // IPv4-compatible (deprecated)
};

bool IsPublicV4(const asio::ip::address_v4& address) {
  const auto bytes = address.to_bytes();
  for (const Range& range : kNonPublicV4) {
    if (Matches(bytes, range)) return false;
  }
  return true;
}

bool IsPublicV6(const asio::ip::address_v6& address) {
  const auto bytes = address.to_bytes();
  for (const Range& range : kNonPublicV6) {
    if (Matches(bytes, range)) return false;
  }
  for (const Range& range : kEmbedsV4) {
    if (Matches(bytes, range)) {
      return IsPublicV4(asio::ip::address_v4({bytes[12], bytes[13], bytes[14], bytes[15]}));
    }
  }
  return true;
}

}  // namespace

bool IsPublicAddress(const asio::ip::address& address) {
  return address.is_v4() ? IsPublicV4(address.to_v4()) : IsPublicV6(address.to_v6());
}

bool IsPublicAddress(std::string_view text) {
  boost::system::error_code error;
  const auto address = asio::ip::make_address(std::string(text), error);
  if (error) return false;
  return IsPublicAddress(address);
}

bool PrivateTargetAllowed(std::string_view ip, std::string_view host,
                          const std::vector<std::string>& allowed) {
  boost::system::error_code error;
  const auto address = asio::ip::make_address(std::string(ip), error);
  for (const std::string& entry : allowed) {
    const std::size_t slash = entry.find('/');
    boost::system::error_code entry_error;
    const auto base = asio::ip::make_address(entry.substr(0, slash), entry_error);
    if (entry_error) {
      // A host name: compared with the redirect target's, ignoring case.
      if (EqualsIgnoreCase(entry, host)) {
        return true;
      }
      continue;
    }
    if (error || base.is_v4() != address.is_v4()) continue;
    Range range{{}, base.is_v4() ? 32 : 128};
    if (slash != std::string::npos) {
      const int bits = std::atoi(entry.c_str() + slash + 1);
      if (bits < 0 || bits > range.bits) continue;
      range.bits = bits;
    }
    if (base.is_v4()) {
      const auto bytes = base.to_v4().to_bytes();
      std::copy(bytes.begin(), bytes.end(), range.prefix.begin());
      if (Matches(address.to_v4().to_bytes(), range)) return true;
    } else {
      range.prefix = base.to_v6().to_bytes();
      if (Matches(address.to_v6().to_bytes(), range)) return true;
    }
  }
  return false;
}

bool IsOwnServiceHost(std::string_view host, const std::vector<std::string>& allow_private) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) return false;
  const std::string lower = ToLowerAscii(host);
  boost::system::error_code error;
  const auto address = asio::ip::make_address(lower, error);
  if (!error) return !IsPublicAddress(address) || PrivateTargetAllowed(lower, "", allow_private);
  if (lower.find('.') == std::string::npos) return true;  // "rsshub", "localhost"
  for (std::string_view suffix : {".localhost", ".local", ".lan", ".internal", ".home.arpa"}) {
    if (lower.ends_with(suffix)) return true;
  }
  return PrivateTargetAllowed("", lower, allow_private);
}

}  // namespace tributary::feeds
