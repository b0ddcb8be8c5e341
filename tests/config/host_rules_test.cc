// fetch.hosts: the loader checks each entry, and the most specific entry
// applies to a feed's host.
#include "config/host_rules.h"

#include <gtest/gtest.h>

#include <string>

#include "config/config.h"

namespace tributary::config {
namespace {

Config Parse(const std::string& yaml) {
  Result<Config> config = ParseConfig(yaml, "t.yaml", ".");
  EXPECT_TRUE(config.has_value()) << (config ? "" : config.error().ToString());
  return config ? *config : Config{};
}

std::string ErrorOf(const std::string& yaml) {
  Result<Config> config = ParseConfig(yaml, "t.yaml", ".");
  return config ? "(no error)" : config.error().ToString();
}

TEST(HostRulesTest, LoaderReadsEveryKeyOfAnEntry) {
  Config config = Parse(
      "fetch:\n"
      "  hosts:\n"
      "    - host: rsshub.example.org:1200\n"
      "      max_per_host: 16\n"
      "      host_spacing: 0s\n"
      "      user_agent: Reader/1\n"
      "      headers: {X-Token: abc}\n"
      "      proxy: socks5h://127.0.0.1:1080\n"
      "      timeout: 2m\n"
      "    - host: \"*.blogs.example\"\n");
  ASSERT_EQ(config.fetch.hosts.size(), 2u);
  const HostOverride& rsshub = config.fetch.hosts[0];
  EXPECT_EQ(rsshub.host, "rsshub.example.org:1200");
  EXPECT_EQ(rsshub.max_per_host, 16);
  EXPECT_EQ(rsshub.host_spacing, std::chrono::milliseconds{0});
  EXPECT_EQ(rsshub.user_agent, "Reader/1");
  EXPECT_EQ(rsshub.headers.at("X-Token"), "abc");
  EXPECT_EQ(rsshub.proxy, "socks5h://127.0.0.1:1080");
  EXPECT_EQ(rsshub.timeout, Seconds{120});
  EXPECT_EQ(rsshub.mark.line, 3);
  EXPECT_FALSE(config.fetch.hosts[1].max_per_host.has_value());
}

TEST(HostRulesTest, LoaderNamesTheBadEntry) {
  EXPECT_EQ(ErrorOf("fetch: {hosts: [{max_per_host: 4}]}"),
            "t.yaml:1:17: fetch.hosts[0]: missing required key \"host\" (a name, *.domain or "
            "address, optionally :port)");
  EXPECT_EQ(ErrorOf("fetch: {hosts: [{host: \"http://a.example/\"}]}"),
            "t.yaml:1:24: fetch.hosts[0].host: \"http://a.example/\" is not a host pattern "
            "(rsshub.lan, *.example.org, 10.0.0.5:1200, [::1]:1200)");
  EXPECT_EQ(ErrorOf("fetch: {hosts: [{host: a.example, max_per_host: 0}]}"),
            "t.yaml:1:49: fetch.hosts[0].max_per_host: 0 is out of range (1 to 100)");
  EXPECT_EQ(ErrorOf("fetch: {hosts: [{host: a.example, proxy: \"ftp://p\"}]}"),
            "t.yaml:1:42: fetch.hosts[0].proxy: \"ftp://p\" is not a proxy URL (use http, https, "
            "socks4, socks4a, socks5 or socks5h)");
  EXPECT_EQ(ErrorOf("fetch: {hosts: [{host: a.example, spacing: 1s}]}"),
            "t.yaml:1:35: fetch.hosts[0].spacing: unknown key (known keys: host, max_per_host, "
            "host_spacing, user_agent, headers, proxy, timeout)");
  EXPECT_EQ(ErrorOf("fetch:\n  hosts:\n    - host: A.example\n    - host: a.EXAMPLE\n"),
            "t.yaml:4:13: fetch.hosts[1].host: \"a.EXAMPLE\" is already listed at "
            "fetch.hosts[0]");
  EXPECT_EQ(ErrorOf("fetch: {hosts: a.example}"),
            "t.yaml:1:16: fetch.hosts: expected a list, got the value \"a.example\"");
}

TEST(HostRulesTest, PatternForms) {
  auto name = ParseHostPattern("RSSHub.LAN");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->host, "rsshub.lan");
  EXPECT_FALSE(name->wildcard);
  EXPECT_EQ(name->port, 0);
  auto wildcard = ParseHostPattern("*.example.org:8443");
  ASSERT_TRUE(wildcard);
  EXPECT_EQ(wildcard->host, "example.org");
  EXPECT_TRUE(wildcard->wildcard);
  EXPECT_EQ(wildcard->port, 8443);
  auto v6 = ParseHostPattern("[::1]:1200");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 1200);
  for (const char* bad : {"", "*.", "a..b", "a.example:", "a.example:0", "a.example:65536", "[::1",
                          "[nope]", "a/b", "http://a", "*a.example", ".a.example"}) {
    EXPECT_FALSE(ParseHostPattern(bad)) << bad;
  }
}

TEST(HostRulesTest, TheMostSpecificEntryWins) {
  std::vector<HostOverride> hosts(5);
  hosts[0].host = "*.example.org";
  hosts[1].host = "*.feeds.example.org";
  hosts[2].host = "rss.feeds.example.org";
  hosts[3].host = "rss.feeds.example.org:8080";
  hosts[4].host = "[::1]";
  auto find = [&hosts](std::string_view host, int port) -> int {
    const HostOverride* found = FindHostOverride(hosts, host, port);
    return found == nullptr ? -1 : static_cast<int>(found - hosts.data());
  };
  EXPECT_EQ(find("a.example.org", 443), 0);
  EXPECT_EQ(find("x.feeds.example.org", 443), 1);
  EXPECT_EQ(find("RSS.Feeds.Example.org", 443), 2);
  EXPECT_EQ(find("rss.feeds.example.org", 8080), 3);
  EXPECT_EQ(find("example.org", 443), -1);  // a wildcard is for names under the domain
  EXPECT_EQ(find("badexample.org", 443), -1);
  EXPECT_EQ(find("[::1]", 80), 4);
  EXPECT_EQ(find("::1", 80), 4);
  EXPECT_EQ(find("other.example", 80), -1);
}

}  // namespace
}  // namespace tributary::config
