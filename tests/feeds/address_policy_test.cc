#include "feeds/address_policy.h"

#include <gtest/gtest.h>

namespace tributary::feeds {
namespace {

TEST(AddressPolicyTest, RefusesInternalIpv4Ranges) {
  for (const char* ip : {"127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                         "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
                         "255.255.255.255", "198.18.0.1", "192.0.2.7"}) {
    EXPECT_FALSE(IsPublicAddress(ip)) << ip;
  }
}

TEST(AddressPolicyTest, AcceptsPublicIpv4) {
  for (const char* ip : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "1.1.1.1"}) {
    EXPECT_TRUE(IsPublicAddress(ip)) << ip;
  }
}

TEST(AddressPolicyTest, RefusesInternalIpv6AndEmbeddedIpv4) {
  for (const char* ip :
       {"::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1",
        "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2001:db8::1"}) {
    EXPECT_FALSE(IsPublicAddress(ip)) << ip;
  }
}

TEST(AddressPolicyTest, AcceptsPublicIpv6) {
  EXPECT_TRUE(IsPublicAddress("2606:4700:4700::1111"));
  EXPECT_TRUE(IsPublicAddress("::ffff:8.8.8.8"));
}

TEST(AddressPolicyTest, UnparsableIsNotPublic) {
  EXPECT_FALSE(IsPublicAddress("2130706433"));  // decimal spelling: curl resolves it first
  EXPECT_FALSE(IsPublicAddress("localhost"));
  EXPECT_FALSE(IsPublicAddress(""));
}

TEST(AddressPolicyTest, PrivateTargetAllowedByRangeAddressOrHostName) {
  const std::vector<std::string> allowed = {"10.1.0.0/16", "::1", "Intranet.Example", "fd00::/8"};
  EXPECT_TRUE(PrivateTargetAllowed("10.1.200.3", "", allowed));
  EXPECT_FALSE(PrivateTargetAllowed("10.2.0.1", "", allowed));  // outside the /16
  EXPECT_FALSE(PrivateTargetAllowed("127.0.0.1", "", allowed));
  EXPECT_TRUE(PrivateTargetAllowed("::1", "", allowed));
  EXPECT_TRUE(PrivateTargetAllowed("fd12:3456::1", "", allowed));
  EXPECT_FALSE(PrivateTargetAllowed("fe80::1", "", allowed));
  EXPECT_TRUE(PrivateTargetAllowed("192.168.1.9", "intranet.example", allowed));
  EXPECT_FALSE(PrivateTargetAllowed("192.168.1.9", "other.example", allowed));
  EXPECT_FALSE(PrivateTargetAllowed("10.1.0.1", "", {}));
  EXPECT_TRUE(PrivateTargetAllowed("169.254.169.254", "", {"0.0.0.0/0"}));
}

TEST(AddressPolicyTest, OwnServiceHostsAreJudgedFromTheUrlAsWritten) {
  const std::vector<std::string> none;
  for (const char* own :
       {"127.0.0.1", "10.1.2.3", "192.168.1.20", "[::1]", "fd00::5", "localhost", "rsshub",
        "RSSHub.LAN", "nas.local", "feeds.localhost", "bridge.internal", "pi.home.arpa"}) {
    EXPECT_TRUE(IsOwnServiceHost(own, none)) << own;
  }
  for (const char* public_host : {"93.184.216.34", "[2606:4700::1]", "rsshub.app",
                                  "feeds.example.com", "local.example.com", "lan.example", ""}) {
    EXPECT_FALSE(IsOwnServiceHost(public_host, none)) << public_host;
  }
  // The admin can name a host or range as their own.
  const std::vector<std::string> listed = {"rss.mydomain.example", "93.184.216.0/24"};
  EXPECT_TRUE(IsOwnServiceHost("RSS.mydomain.example", listed));
  EXPECT_TRUE(IsOwnServiceHost("93.184.216.9", listed));
  EXPECT_FALSE(IsOwnServiceHost("www.mydomain.example", listed));
}

}  // namespace
}  // namespace tributary::feeds
