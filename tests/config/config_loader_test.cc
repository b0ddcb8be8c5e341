// The YAML loader: good configs land in the structs, and every kind of
// mistake is reported with file:line:column, the key path and what to do.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "config/config.h"

namespace tributary::config {
namespace {

std::string DataDir() {
  const char* dir = std::getenv("TRIBUTARY_TEST_DATA");
  return std::string(dir != nullptr ? dir : "tests/data") + "/config";
}

Config Parse(const std::string& yaml) {
  Result<Config> config = ParseConfig(yaml, "t.yaml", DataDir());
  EXPECT_TRUE(config.has_value()) << (config ? "" : config.error().ToString());
  return config ? *config : Config{};
}

// The whole message users read, as Error::ToString() gives it.
std::string ErrorOf(const std::string& yaml) {
  Result<Config> config = ParseConfig(yaml, "t.yaml", DataDir());
  if (config) return "(no error)";
  EXPECT_EQ(config.error().code, ErrorCode::kConfig);
  return config.error().ToString();
}

TEST(ConfigLoaderTest, EmptyDocumentGivesDefaults) {
  Config config = Parse("");
  EXPECT_EQ(config.storage.path, "var/tributary.db");
  EXPECT_EQ(config.fetch.interval, Seconds{1800});
  EXPECT_EQ(config.fetch.max_body_bytes, 16 * 1024 * 1024);
  EXPECT_TRUE(config.feeds.empty());
  EXPECT_EQ(config.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(config.source_path, "t.yaml");
}

TEST(ConfigLoaderTest, ReadsTheFixedKeysOfTheFoundationIssue) {
  Config config = Parse(R"(
storage:
  path: /srv/tributary/db.sqlite
feeds:
  - url: https://example.org/feed.xml
    name: Example
    categories: [News, Tech]
    author: Example Org
    interval: 1h30m
outputs:
  - type: feed
    format: atom
    path: public/all.atom
    title: Everything
    max_items: 50
    categories: [News]
)");
  EXPECT_EQ(config.storage.path, "/srv/tributary/db.sqlite");
  ASSERT_EQ(config.feeds.size(), 1U);
  const FeedConfig& feed = config.feeds[0];
  EXPECT_EQ(feed.url, "https://example.org/feed.xml");
  EXPECT_EQ(feed.name, "Example");
  EXPECT_EQ(feed.categories, (std::vector<std::string>{"News", "Tech"}));
  EXPECT_EQ(feed.author, "Example Org");
  ASSERT_TRUE(feed.interval.has_value());
  EXPECT_EQ(*feed.interval, Seconds{5400});
  EXPECT_EQ(feed.mark.ToString(), "t.yaml:5:5");
  ASSERT_EQ(config.outputs.size(), 1U);
  EXPECT_EQ(config.outputs[0].type, "feed");
  EXPECT_EQ(config.outputs[0].format, "atom");
  EXPECT_EQ(config.outputs[0].path, "public/all.atom");
  EXPECT_EQ(config.outputs[0].title, "Everything");
  EXPECT_EQ(config.outputs[0].max_items, 50U);
  EXPECT_EQ(config.outputs[0].categories, (std::vector<std::string>{"News"}));
}

TEST(ConfigLoaderTest, ReadsEveryExtraKey) {
  Config config = Parse(R"(
storage: {path: db, keep_items: 0, keep_age: 30d}
fetch:
  interval: 15m
  min_interval: 2m
  max_interval: 2d
  max_backoff: 12h
  timeout: 45s
  connect_timeout: 5
  max_body: 512KiB
  user_agent: Test/1
  max_transfers: 8
  max_per_host: 1
  host_spacing: 250ms
  max_redirects: 3
  low_speed_limit: 1KiB
  low_speed_time: 30s
  allow_private: [192.168.0.0/16, nas.local]
feeds:
  - url: https://example.org/a.xml
    user_agent: Custom/2
    headers: {X-Token: abc, Accept-Language: zh-CN}
    ca_file: /etc/ssl/mine.pem
    insecure_tls: yes
    proxy: http://proxy:3128
    username: me
    password_env: FEED_PASSWORD
    cookie: "a=b"
    keep_items: 10
    keep_age: 1w
    timezone: Asia/Shanghai
outputs:
  - type: feed
    format: json
    url_path: /all.json
    max_age: 2d
    feeds: [https://example.org/a.xml]
    include: [rust]
    exclude: [sponsored]
    collapse_duplicates: false
    allow_data_images: true
    command: [hexo, generate]
    command_timeout: 2m
  - {type: markdown, template: hugo, dir: posts, export_back_catalogue: off}
server: {enabled: false, listen: "[::1]:9090", max_connections: 10}
digests:
  - name: daily
    schedule: weekly mon 07:00
    timezone: Europe/Berlin
    from: tributary@example.org
    to: [reader@example.org]
    subject: "每日摘要 {{date}}"
    categories: [金融]
    max_items: 50
    max_items_per_feed: 5
    send_empty: true
    delivery: smtps://mail.example.org:465
    password_file: /etc/tributary/smtp.pass
output_interval: 2m
tracking_parameters: [ref, source]
)");
  EXPECT_EQ(config.storage.keep_items, 0U);
  EXPECT_EQ(config.storage.keep_age, Seconds{30 * 86400});
  EXPECT_EQ(config.fetch.interval, Seconds{900});
  EXPECT_EQ(config.fetch.min_interval, Seconds{120});
  EXPECT_EQ(config.fetch.max_interval, Seconds{2 * 86400});
  EXPECT_EQ(config.fetch.max_backoff, Seconds{12 * 3600});
  EXPECT_EQ(config.fetch.timeout, Seconds{45});
  EXPECT_EQ(config.fetch.connect_timeout, Seconds{5});
  EXPECT_EQ(config.fetch.max_body_bytes, 512 * 1024);
  EXPECT_EQ(config.fetch.user_agent, "Test/1");
  EXPECT_EQ(config.fetch.max_transfers, 8);
  EXPECT_EQ(config.fetch.max_per_host, 1);
  EXPECT_EQ(config.fetch.host_spacing, std::chrono::milliseconds{250});
  EXPECT_EQ(config.fetch.max_redirects, 3);
  EXPECT_EQ(config.fetch.low_speed_limit, 1024);
  EXPECT_EQ(config.fetch.low_speed_time, Seconds{30});
  EXPECT_EQ(config.fetch.allow_private.size(), 2U);
  const FeedConfig& feed = config.feeds.at(0);
  EXPECT_EQ(feed.user_agent, "Custom/2");
  EXPECT_EQ(feed.headers.at("X-Token"), "abc");
  EXPECT_EQ(feed.headers.at("Accept-Language"), "zh-CN");
  EXPECT_EQ(feed.ca_file, "/etc/ssl/mine.pem");
  EXPECT_TRUE(feed.insecure_tls);
  EXPECT_EQ(feed.proxy, "http://proxy:3128");
  EXPECT_EQ(feed.username, "me");
  EXPECT_EQ(feed.password_env, "FEED_PASSWORD");
  EXPECT_EQ(feed.cookie, "a=b");
  EXPECT_EQ(feed.keep_items, std::optional<std::size_t>{10});
  EXPECT_EQ(feed.keep_age, std::optional<Seconds>{Seconds{7 * 86400}});
  EXPECT_EQ(feed.timezone, "Asia/Shanghai");
  const OutputConfig& json = config.outputs.at(0);
  EXPECT_EQ(json.format, "json");
  EXPECT_EQ(json.url_path, "/all.json");
  EXPECT_EQ(json.max_age, std::optional<Seconds>{Seconds{2 * 86400}});
  EXPECT_EQ(json.feeds.at(0), "https://example.org/a.xml");
  EXPECT_EQ(json.include.at(0), "rust");
  EXPECT_EQ(json.exclude.at(0), "sponsored");
  EXPECT_FALSE(json.collapse_duplicates);
  EXPECT_TRUE(json.allow_data_images);
  EXPECT_EQ(json.command, (std::vector<std::string>{"hexo", "generate"}));
  EXPECT_EQ(json.command_timeout, Seconds{120});
  const OutputConfig& markdown = config.outputs.at(1);
  EXPECT_EQ(markdown.template_name, "hugo");
  EXPECT_EQ(markdown.dir, "posts");
  EXPECT_FALSE(markdown.export_back_catalogue);
  EXPECT_FALSE(config.server.enabled);
  EXPECT_EQ(config.server.listen, "[::1]:9090");
  EXPECT_EQ(config.server.max_connections, 10);
  const DigestConfig& digest = config.digests.at(0);
  EXPECT_EQ(digest.name, "daily");
  EXPECT_EQ(digest.schedule, "weekly mon 07:00");
  EXPECT_EQ(digest.timezone, "Europe/Berlin");
  EXPECT_EQ(digest.from, "tributary@example.org");
  EXPECT_EQ(digest.to, (std::vector<std::string>{"reader@example.org"}));
  EXPECT_EQ(digest.subject, "每日摘要 {{date}}");
  EXPECT_EQ(digest.categories, (std::vector<std::string>{"金融"}));
  EXPECT_EQ(digest.max_items, 50U);
  EXPECT_EQ(digest.max_items_per_feed, 5U);
  EXPECT_TRUE(digest.send_empty);
  EXPECT_EQ(digest.delivery, "smtps://mail.example.org:465");
  EXPECT_EQ(digest.password_file, "/etc/tributary/smtp.pass");
  EXPECT_EQ(config.output_interval, Seconds{120});
  EXPECT_EQ(config.tracking_parameters, (std::vector<std::string>{"ref", "source"}));
}

TEST(ConfigLoaderTest, FeedOutputFormatDefaultsToAtom) {
  Config config = Parse("outputs: [{type: feed, path: out.atom}]");
  EXPECT_EQ(config.outputs.at(0).format, "atom");
}

TEST(ConfigLoaderTest, RelativeFileUrlBecomesAbsolute) {
  Config config = Parse(R"(
feeds:
  - url: file:feeds/a b.xml
  - url: file:/srv/feeds/x.xml
  - url: file:///srv/feeds/y.xml
)");
  EXPECT_EQ(config.feeds.at(0).url, "file://" + DataDir() + "/feeds/a%20b.xml");
  EXPECT_EQ(config.feeds.at(1).url, "file:///srv/feeds/x.xml");
  EXPECT_EQ(config.feeds.at(2).url, "file:///srv/feeds/y.xml");
}

TEST(ConfigLoaderTest, ExecFeedsAreKeptAsWritten) {
  Config config = Parse("feeds: [{url: \"exec:/usr/bin/fetch-news --since 'last week'\"}]");
  EXPECT_EQ(config.feeds.at(0).url, "exec:/usr/bin/fetch-news --since 'last week'");
  EXPECT_EQ(ErrorOf("feeds: [{url: \"exec: \"}]"),
            "t.yaml:1:15: feeds[0].url: \"exec: \" names no command");
}

TEST(ConfigLoaderTest, CustomTemplatePathIsAccepted) {
  Config config =
      Parse("outputs: [{type: markdown, template: custom-template.mustache, dir: posts}]");
  EXPECT_EQ(config.outputs.at(0).template_name, "custom-template.mustache");
}

TEST(ConfigLoaderTest, DigestScheduleForms) {
  for (const char* schedule : {"daily 07:00", "daily 7:00", "weekly sun 23:59",
                               "weekly Monday 08:15", "every 6h", "every 30m"}) {
    Config config = Parse(std::string("digests: [{name: d, from: a@b, to: [c@d], schedule: \"") +
                          schedule + "\"}]");
    EXPECT_EQ(config.digests.at(0).schedule, schedule);
  }
}

// ---- Errors: the exact text users read.

TEST(ConfigLoaderTest, BadDuration) {
  EXPECT_EQ(ErrorOf("feeds:\n  - url: https://a.example/\n    interval: 3 parsecs\n"),
            "t.yaml:3:15: feeds[0].interval: \"3 parsecs\" is not a duration (use 30m, 1h, 45s)");
}

TEST(ConfigLoaderTest, DurationTooShortOrFractional) {
  EXPECT_EQ(ErrorOf("fetch: {max_interval: 10s}"),
            "t.yaml:1:23: fetch.max_interval: \"10s\" is too short (at least 1m)");
  EXPECT_EQ(ErrorOf("fetch: {timeout: 1500ms}"),
            "t.yaml:1:18: fetch.timeout: must be a whole number of seconds");
}

TEST(ConfigLoaderTest, BadSize) {
  EXPECT_EQ(ErrorOf("fetch:\n  max_body: lots\n"),
            "t.yaml:2:13: fetch.max_body: \"lots\" is not a size (use 16MiB, 512KiB or bytes)");
}

TEST(ConfigLoaderTest, UnknownKeyWithSuggestion) {
  EXPECT_EQ(ErrorOf("feeds:\n  - url: https://a.example/\n    intervl: 1h\n"),
            "t.yaml:3:5: feeds[0].intervl: unknown key (did you mean \"interval\"?)");
}

TEST(ConfigLoaderTest, UnknownTopLevelKeyListsKnownOnes) {
  EXPECT_EQ(ErrorOf("colour: blue\n"),
            "t.yaml:1:1: colour: unknown key (known keys: storage, fetch, feeds, feed_lists, "
            "outputs, server, cluster, digests, output_interval, tracking_parameters)");
}

TEST(ConfigLoaderTest, ClusterNamesTheNodeAndBoundsTheLease) {
  Config defaults = Parse("");
  EXPECT_TRUE(defaults.cluster.node.empty());
  EXPECT_EQ(defaults.cluster.lease, Seconds{120});
  Config set = Parse("cluster: {node: web-2, lease: 5m}\n");
  EXPECT_EQ(set.cluster.node, "web-2");
  EXPECT_EQ(set.cluster.lease, Seconds{300});
  EXPECT_NE(ErrorOf("cluster: {lease: 2s}\n").find("cluster.lease"), std::string::npos);
  EXPECT_NE(ErrorOf("cluster: {node: \"web 2\"}\n")
                .find("cluster.node: must be up to 100 printable characters without spaces"),
            std::string::npos);
}

TEST(ConfigLoaderTest, WrongTypes) {
  EXPECT_EQ(ErrorOf("storage:\n  path: [a, b]\n"),
            "t.yaml:2:9: storage.path: expected a text value, got a list");
  EXPECT_EQ(ErrorOf("feeds: {url: https://a.example/}\n"),
            "t.yaml:1:8: feeds: expected a list, got a map");
  EXPECT_EQ(ErrorOf("fetch: {max_transfers: many}"),
            "t.yaml:1:24: fetch.max_transfers: expected a whole number, got the value \"many\"");
  EXPECT_EQ(ErrorOf("server: {enabled: maybe}"),
            "t.yaml:1:19: server.enabled: expected true or false, got the value \"maybe\"");
  EXPECT_EQ(ErrorOf("feeds:\n  - url: https://a.example/\n    categories: News\n"),
            "t.yaml:3:17: feeds[0].categories: expected a list such as [a, b], got the value "
            "\"News\"");
  EXPECT_EQ(ErrorOf("storage: var/db\n"),
            "t.yaml:1:10: storage: expected a map of keys, got the value \"var/db\"");
}

TEST(ConfigLoaderTest, OutOfRange) {
  EXPECT_EQ(ErrorOf("fetch: {max_transfers: 0}"),
            "t.yaml:1:24: fetch.max_transfers: 0 is out of range (1 to 10000)");
}

TEST(ConfigLoaderTest, BadUrls) {
  EXPECT_EQ(
      ErrorOf("feeds:\n  - url: ftp://a.example/x\n"),
      "t.yaml:2:10: feeds[0].url: \"ftp://a.example/x\" is not an http, https, file or exec URL");
  EXPECT_EQ(ErrorOf("feeds:\n  - url: \"http://\"\n"),
            "t.yaml:2:10: feeds[0].url: \"http://\" is not a valid URL (No host part in the URL)");
  EXPECT_EQ(ErrorOf("feeds:\n  - url: \"|touch /tmp/p\"\n"),
            "t.yaml:2:10: feeds[0].url: \"|touch /tmp/p\" is not a valid URL (URLs cannot contain "
            "spaces or line breaks (write %20))");
  EXPECT_EQ(ErrorOf("feeds:\n  - url: \"https://a.example:99999/\"\n"),
            "t.yaml:2:10: feeds[0].url: \"https://a.example:99999/\" is not a valid URL (Port "
            "number was not a decimal number between 0 and 65535)");
}

TEST(ConfigLoaderTest, MissingRequiredKeys) {
  EXPECT_EQ(ErrorOf("feeds:\n  - name: No URL\n"),
            "t.yaml:2:5: feeds[0]: missing required key \"url\"");
  EXPECT_EQ(ErrorOf("outputs:\n  - path: x.atom\n"),
            "t.yaml:2:5: outputs[0]: missing required key \"type\" (feed or markdown)");
  EXPECT_EQ(ErrorOf("outputs:\n  - type: markdown\n"),
            "t.yaml:2:5: outputs[0]: missing required key \"dir\" (the folder posts are written "
            "to)");
  EXPECT_EQ(ErrorOf("digests:\n  - name: d\n    to: [a@b]\n"),
            "t.yaml:2:5: digests[0]: missing required key \"from\"");
}

TEST(ConfigLoaderTest, DuplicateFeedUrl) {
  EXPECT_EQ(ErrorOf("feeds:\n  - url: https://A.example/x\n  - url: https://a.example/x\n"),
            "t.yaml:3:10: feeds[1].url: \"https://a.example/x\" is already configured by "
            "feeds[0] (t.yaml:2:5)");
}

TEST(ConfigLoaderTest, DuplicateKey) {
  EXPECT_EQ(ErrorOf("storage:\n  path: a\n  path: b\n"),
            "t.yaml:3:3: storage.path: the key appears twice");
}

TEST(ConfigLoaderTest, UnknownOutputTypeAndFormat) {
  EXPECT_EQ(ErrorOf("outputs:\n  - {type: html, path: x}\n"),
            "t.yaml:2:12: outputs[0].type: \"html\" is not an output type (use feed or markdown)");
  EXPECT_EQ(ErrorOf("outputs:\n  - {type: feed, format: xml, path: x}\n"),
            "t.yaml:2:26: outputs[0].format: \"xml\" is not a feed format (use atom, rss or json)");
}

TEST(ConfigLoaderTest, OutputChecks) {
  EXPECT_EQ(ErrorOf("outputs:\n  - {type: feed}\n"),
            "t.yaml:2:5: outputs[0]: a feed output needs path, url_path or both");
  EXPECT_EQ(ErrorOf("outputs:\n  - {type: feed, url_path: all.atom}\n"),
            "t.yaml:2:28: outputs[0].url_path: \"all.atom\" must start with \"/\"");
  EXPECT_EQ(ErrorOf("outputs:\n  - {type: feed, url_path: /status}\n"),
            "t.yaml:2:28: outputs[0].url_path: \"/status\" is a route of the built-in server");
  EXPECT_EQ(
      ErrorOf("outputs:\n  - {type: feed, path: a}\n  - {type: feed, format: rss, path: a}\n"),
      "t.yaml:3:37: outputs[1].path: \"a\" is already used by outputs[0]");
  EXPECT_EQ(ErrorOf("outputs:\n  - {type: feed, path: a, dir: posts}\n"),
            "t.yaml:2:32: outputs[0].dir: only markdown outputs have this key");
  EXPECT_EQ(ErrorOf("outputs:\n  - {type: markdown, dir: p, template: hexoo}\n"),
            "t.yaml:2:40: outputs[0].template: \"hexoo\" is not a shipped template (hexo, hugo, "
            "jekyll) or a file path");
  EXPECT_EQ(ErrorOf("outputs:\n  - {type: markdown, dir: p, template: nowhere/x.mustache}\n"),
            "t.yaml:2:40: outputs[0].template: template file \"nowhere/x.mustache\" does not "
            "exist");
  EXPECT_EQ(ErrorOf("outputs:\n  - {type: feed, path: a, feeds: [Nope]}\n"),
            "t.yaml:2:35: outputs[0].feeds[0]: \"Nope\" is not the name or URL of a configured "
            "feed");
}

TEST(ConfigLoaderTest, DigestChecks) {
  const std::string head = "digests:\n  - {name: d, from: a@b, to: [c@d], ";
  EXPECT_EQ(ErrorOf(head + "schedule: hourly}\n"),
            "t.yaml:2:47: digests[0].schedule: \"hourly\" is not a schedule (use \"daily 07:00\", "
            "\"weekly mon 07:00\" or \"every 6h\")");
  EXPECT_EQ(ErrorOf(head + "schedule: daily 25:00}\n"),
            "t.yaml:2:47: digests[0].schedule: \"daily 25:00\" is not a schedule (use \"daily "
            "07:00\", \"weekly mon 07:00\" or \"every 6h\")");
  for (const char* bad : {"every 1m", "every 8d", "every 1h30m", "every 90s", "weekly xyz 07:00",
                          "daily 07:60", "daily 07:00 extra", "monthly 1 07:00"}) {
    EXPECT_NE(ErrorOf(head + "schedule: " + bad + "}\n").find("is not a schedule"),
              std::string::npos)
        << bad;
  }
  EXPECT_EQ(ErrorOf(head + "timezone: Mars/Olympus}\n"),
            "t.yaml:2:47: digests[0].timezone: \"Mars/Olympus\" is not an IANA time zone (e.g. "
            "Asia/Shanghai)");
  EXPECT_EQ(ErrorOf(head + "delivery: pigeon}\n"),
            "t.yaml:2:47: digests[0].delivery: \"pigeon\" is not maildir:PATH, smtp://..., "
            "smtps://... or sendmail:PATH");
  EXPECT_EQ(ErrorOf("digests:\n  - {name: d, from: a@b, to: [nobody]}\n"),
            "t.yaml:2:31: digests[0].to[0]: \"nobody\" is not an address");
  EXPECT_EQ(ErrorOf("digests:\n  - {name: d, from: a@b, to: [c@d]}\n  - {name: d, from: a@b, "
                    "to: [c@d]}\n"),
            "t.yaml:3:12: digests[1].name: \"d\" is already used by digests[0]");
}

TEST(ConfigLoaderTest, DigestTemplatePathsAreMadeAbsoluteAndChecked) {
  const std::string head = "digests:\n  - {name: d, from: a@b, to: [c@d], ";
  Config config = Parse(head + "html_template: custom-template.mustache}\n");
  EXPECT_EQ(config.digests.at(0).html_template,
            (std::filesystem::path(DataDir()) / "custom-template.mustache").string());
  EXPECT_EQ(config.digests.at(0).text_template, "");
  EXPECT_NE(ErrorOf(head + "text_template: missing.txt}\n")
                .find("digests[0].text_template: template file"),
            std::string::npos);
}

TEST(ConfigLoaderTest, AllowPrivateTakesHostsAndRanges) {
  Config config = Parse("fetch: {allow_private: [nas.local, 10.0.0.0/8, \"::1\", fc00::/7]}");
  EXPECT_EQ(config.fetch.allow_private.size(), 4U);
  EXPECT_EQ(ErrorOf("fetch: {allow_private: [10.0.0.0/33]}"),
            "t.yaml:1:25: fetch.allow_private[0]: \"10.0.0.0/33\" is not a host name, an address "
            "or a CIDR range (10.0.0.0/8)");
}

TEST(ConfigLoaderTest, ProxyMustBeAProxyUrl) {
  EXPECT_EQ(
      Parse("feeds: [{url: https://a.example/, proxy: \"socks5h://p:1080\"}]").feeds.at(0).proxy,
      "socks5h://p:1080");
  EXPECT_EQ(ErrorOf("feeds: [{url: https://a.example/, proxy: \"ftp://p\"}]"),
            "t.yaml:1:42: feeds[0].proxy: \"ftp://p\" is not a proxy URL (use http, https, socks4, "
            "socks4a, socks5 or socks5h)");
}

TEST(ConfigLoaderTest, SelectionByRelativeFileUrlIsRewritten) {
  Config config = Parse(R"(
feeds: [{url: file:feeds/x.xml}]
outputs: [{type: feed, path: o.atom, feeds: [file:feeds/x.xml]}]
)");
  EXPECT_EQ(config.outputs.at(0).feeds.at(0), config.feeds.at(0).url);
  EXPECT_EQ(config.feeds.at(0).url.rfind("file:///", 0), 0U);
}

TEST(ConfigLoaderTest, ServerListenMustBeHostPort) {
  EXPECT_EQ(ErrorOf("server: {listen: localhost}"),
            "t.yaml:1:18: server.listen: \"localhost\" is not host:port (e.g. 127.0.0.1:8080 or "
            "[::1]:8080)");
}

TEST(ConfigLoaderTest, ServerPublicUrlIsAnHttpUrlWithoutTrailingSlash) {
  EXPECT_EQ(ErrorOf("server: {public_url: 'file:///srv/feeds'}"),
            "t.yaml:1:22: server.public_url: \"file:///srv/feeds\" is not an http:// or https:// "
            "URL");
  Config set = Parse("server: {public_url: 'https://feeds.example.org/river/'}\n");
  EXPECT_EQ(set.server.public_url, "https://feeds.example.org/river");
  EXPECT_EQ(set.server.BaseUrl(), "https://feeds.example.org/river");
  EXPECT_EQ(Parse("").server.BaseUrl(), "http://127.0.0.1:8080");
}

TEST(ConfigLoaderTest, IntervalClampsMustBeOrdered) {
  EXPECT_EQ(ErrorOf("fetch: {min_interval: 2h, max_interval: 1h}"),
            "t.yaml:1:23: fetch.min_interval: 2h is longer than max_interval (1h)");
}

TEST(ConfigLoaderTest, InvalidYamlNamesThePlace) {
  EXPECT_EQ(ErrorOf("feeds: [a, b\n"),
            "t.yaml:2:1: not valid YAML: end of sequence flow not found");
}

TEST(ConfigLoaderTest, CollectsEveryProblem) {
  Result<Config> config = ParseConfig(
      "fetch: {timeout: soon}\nfeeds:\n  - url: gopher://x/\n  - {}\n", "t.yaml", DataDir());
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().ToString(),
            "t.yaml:1:18: fetch.timeout: \"soon\" is not a duration (use 30m, 1h, 45s)\n"
            "t.yaml:3:10: feeds[0].url: \"gopher://x/\" is not an http, https, file or exec URL\n"
            "t.yaml:4:5: feeds[1]: missing required key \"url\"");
}

TEST(ConfigLoaderTest, MissingFileIsAConfigError) {
  Result<Config> config = LoadConfig("/nonexistent/tributary.yaml");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code, ErrorCode::kConfig);
  EXPECT_EQ(config.error().ToString(),
            "/nonexistent/tributary.yaml: cannot read the config file (does it exist and is it "
            "readable?)");
}

TEST(ConfigLoaderTest, DirectoryIsNotAConfigFile) {
  Result<Config> config = LoadConfig(DataDir());
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code, ErrorCode::kConfig);
}

TEST(ConfigLoaderTest, RootMustBeAMap) {
  EXPECT_EQ(ErrorOf("- a\n- b\n"), "t.yaml:1:1: expected a map of keys, got a list");
}

// ---- feed_lists (OPML import through the loader).

TEST(ConfigLoaderTest, FeedListsAddFeedsAndSkipConfiguredOnes) {
  Config config = Parse(R"(
feeds:
  - url: https://example.org/feed.xml
    name: Mine
feed_lists: [subscriptions.opml]
)");
  ASSERT_EQ(config.feeds.size(), 5U);
  EXPECT_EQ(config.feeds[0].name, "Mine");
  EXPECT_EQ(config.feeds[1].url, "https://lwn.net/headlines/rss");
  EXPECT_EQ(config.feeds[1].categories, (std::vector<std::string>{"News", "Tech"}));
  EXPECT_EQ(config.feeds[1].feed_list, "subscriptions.opml");
  ASSERT_EQ(config.warnings.size(), 1U);
  EXPECT_EQ(config.warnings[0],
            "subscriptions.opml:13: \"https://example.org/feed.xml\" skipped: already configured "
            "by feeds[0] (t.yaml:3:5)");
}

TEST(ConfigLoaderTest, MissingFeedListIsAnError) {
  EXPECT_EQ(ErrorOf("feed_lists: [absent.opml]\n"),
            "t.yaml:1:14: feed_lists[0]: absent.opml: cannot read OPML file \"" + DataDir() +
                "/absent.opml\"");
  EXPECT_EQ(ErrorOf("feed_lists: [broken.opml]\n"),
            "t.yaml:1:14: feed_lists[0]: broken.opml:5: not well-formed XML: Start-end tags "
            "mismatch");
}

}  // namespace
}  // namespace tributary::config

namespace tributary::config {
namespace {

TEST(ConfigLoaderStorageUrlTest, PostgresUrlSelectsPostgresAndPathStaysSqlite) {
  auto pg =
      ParseConfig("storage: {url: 'postgresql://tributary@db.lan:5433/feeds'}\n", "t.yaml", ".");
  ASSERT_TRUE(pg) << pg.error().ToString();
  EXPECT_EQ(pg->storage.Location(), "postgresql://tributary@db.lan:5433/feeds");
  auto sqlite = ParseConfig("storage: {path: db.sqlite}\n", "t.yaml", ".");
  ASSERT_TRUE(sqlite);
  EXPECT_EQ(sqlite->storage.Location(), "db.sqlite");
}

TEST(ConfigLoaderStorageUrlTest, BothBackendsOrAPasswordOrAnotherSchemeIsAnErrorOnItsLine) {
  auto both = ParseConfig("storage:\n  path: db\n  url: postgresql://h/db\n", "t.yaml", ".");
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().context, "t.yaml:3:8");
  EXPECT_NE(both.error().message.find("both set"), std::string::npos);

  auto secret = ParseConfig("storage:\n  url: postgresql://u:hunter2@h/db\n", "t.yaml", ".");
  ASSERT_FALSE(secret);
  EXPECT_NE(secret.error().message.find(".pgpass"), std::string::npos);
  // An '@' later in the URI (a query value) is not a password.
  EXPECT_TRUE(
      ParseConfig("storage:\n  url: postgresql://u@h/db?application_name=a:b\n", "t.yaml", "."));

  auto mysql = ParseConfig("storage:\n  url: mysql://h/db\n", "t.yaml", ".");
  ASSERT_FALSE(mysql);
  EXPECT_NE(mysql.error().message.find("not a PostgreSQL URL"), std::string::npos);
}

}  // namespace
}  // namespace tributary::config
