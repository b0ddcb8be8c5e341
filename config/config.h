// The configuration as typed structs, parsed once from YAML by
// config_loader.cc (the only yaml-cpp user). Every key has a default here;
// docs/configuration.md documents each one.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace tributary::config {

// Where a value came from, for error messages ("file:line:column").
struct SourceMark {
  std::string file;
  int line = 0;    // 1-based, 0 when unknown
  int column = 0;  // 1-based
  std::string ToString() const;
};

struct StorageConfig {
  std::string path = "var/tributary.db";  // SQLite, the embedded default
  // PostgreSQL instead (a libpq URI, "postgresql://[user@]host[:port]/db");
  // passwords come from libpq's PGPASSWORD, ~/.pgpass or PGPASSFILE.
  std::string url;
  std::size_t keep_items = 1000;  // per feed
  Seconds keep_age{Seconds{180LL * 24 * 3600}};
  std::size_t max_items = 0;  // in the whole database; 0: no global cap

  // What storage::OpenStore takes: the URL when set, else the file.
  const std::string& Location() const { return url.empty() ? path : url; }
};

// Defaults for every feed; each feed may override most of them.
// fetch.hosts[]: settings for the feeds of one host (or of every host under
// a domain), e.g. a self-hosted RSSHub with hundreds of routes. Unset
// fields fall back to the fetch section (or, for the budget, to the
// own-service defaults; see host_rules.h). A feed's own settings win.
struct HostOverride {
  std::string host;  // "rsshub.lan", "*.example.org", "127.0.0.1:1200", "[::1]:1200"
  std::optional<int> max_per_host;
  std::optional<std::chrono::milliseconds> host_spacing;
  std::string user_agent;
  std::map<std::string, std::string> headers;
  std::string proxy;
  std::optional<Seconds> timeout;
  SourceMark mark;
};

struct FetchConfig {
  Seconds interval{30 * 60};
  Seconds min_interval{5 * 60};
  Seconds max_interval{24 * 3600};
  Seconds max_backoff{24 * 3600};
  Seconds timeout{60};
  Seconds connect_timeout{10};
  std::int64_t max_body_bytes = 16 * 1024 * 1024;
  std::string user_agent;  // empty: "Tributary/<version> (+https://...)"
  int max_transfers = 32;
  int max_per_host = 2;
  std::chrono::milliseconds host_spacing{500};
  int max_redirects = 5;
  // Abort a transfer slower than low_speed_limit bytes/s for low_speed_time.
  long low_speed_limit = 100;
  Seconds low_speed_time{20};
  // Private/loopback/link-local addresses a redirect may lead to (host
  // names or CIDR ranges, e.g. "192.168.1.0/24"); empty: none.
  std::vector<std::string> allow_private;
  std::vector<HostOverride> hosts;
};

struct FeedConfig {
  std::string url;   // as written (identity of the feed)
  std::string name;  // empty: the feed's own title
  std::vector<std::string> categories;
  std::string author;
  std::optional<Seconds> interval;
  std::string user_agent;
  std::map<std::string, std::string> headers;
  std::string ca_file;
  bool insecure_tls = false;
  std::string proxy;
  std::string username;
  std::string password_file;
  std::string password_env;
  std::string cookie;
  std::optional<std::size_t> keep_items;
  std::optional<Seconds> keep_age;
  std::string timezone;  // for dates with no zone; empty: UTC
  SourceMark mark;
  std::string feed_list;  // the OPML file it came from; empty: the YAML
};

struct OutputConfig {
  std::string type;      // "feed" or "markdown"
  std::string format;    // feed: "atom", "rss", "json"
  std::string path;      // file to write (feed)
  std::string url_path;  // served at (feed), e.g. "/all.atom"
  std::string title = "Tributary";
  std::size_t max_items = 100;
  std::optional<Seconds> max_age;
  std::vector<std::string> categories;  // selection: folders
  std::vector<std::string> feeds;       // selection: feed names or URLs
  std::vector<std::string> include;     // keywords, any must match
  std::vector<std::string> exclude;     // keywords, none may match
  bool collapse_duplicates = true;
  bool allow_data_images = false;  // keep data: URLs in <img src> when sanitising
  // markdown
  std::string template_name = "hexo";  // shipped name or a path
  std::string dir;
  bool export_back_catalogue = true;
  // run after this output wrote something (argv, no shell)
  std::vector<std::string> command;
  Seconds command_timeout{300};
  SourceMark mark;
};

struct ServerConfig {
  bool enabled = true;
  std::string listen = "127.0.0.1:8080";
  // The address readers use (behind a reverse proxy or a load balancer),
  // without a trailing slash; empty: "http://" + listen. Self links of the
  // merged feeds are built on it, so every node of a cluster renders the
  // same bytes (and the same ETag).
  std::string public_url;
  int max_connections = 256;

  // public_url, or the listen address as a URL.
  std::string BaseUrl() const { return public_url.empty() ? "http://" + listen : public_url; }
};

// cluster: several daemons on one PostgreSQL database split the feeds by
// lease (see docs/scaling.md). Ignored with SQLite, which one daemon owns.
struct ClusterConfig {
  // Names this daemon in logs, /status and leases; empty: "<host name>-<pid>",
  // filled in by the daemon (NodeName()).
  std::string node;
  // How long a node may hold a feed without renewing; a node that dies
  // loses its feeds (and the writer role) after this long.
  Seconds lease{120};
};

struct DigestConfig {
  std::string name;
  std::string schedule = "daily 07:00";
  std::string timezone = "UTC";
  std::string from;
  std::vector<std::string> to;
  std::string subject = "{{name}} digest {{date}}";
  std::vector<std::string> categories;
  std::vector<std::string> feeds;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::size_t max_items = 200;
  std::size_t max_items_per_feed = 20;
  bool send_empty = false;
  std::string delivery = "maildir:var/mail";
  std::string password_file;
  std::string password_env;
  // Mustache files replacing the shipped HTML / plain-text bodies, made
  // absolute like every config path; empty: the shipped ones.
  std::string html_template;
  std::string text_template;
  SourceMark mark;
};

struct Config {
  std::string source_path;  // the file it was read from
  StorageConfig storage;
  FetchConfig fetch;
  std::vector<FeedConfig> feeds;  // including those from feed_lists
  std::vector<std::string> feed_lists;
  std::vector<OutputConfig> outputs;
  ServerConfig server;
  ClusterConfig cluster;
  std::vector<DigestConfig> digests;
  Seconds output_interval{60};                   // regenerate outputs at most this often
  std::vector<std::string> tracking_parameters;  // extra ones, besides built-ins
  // Load-time notes that are not errors (skipped OPML outlines), each
  // "file:line: text"; the daemon logs them.
  std::vector<std::string> warnings;
};

// Reads and validates a config file. A bad file is rejected whole: the
// error (code kConfig) names file, line, column and key; when there are
// several problems, error().message holds one per line.
// Relative feed_lists and file: feed URLs resolve against the current
// working directory, like every other relative path in the config.
Result<Config> LoadConfig(const std::string& path);
// Same from text (file_name is used in messages; relative feed_lists and
// file: feed URLs are resolved against base_dir, LoadConfig passes the
// current working directory).
Result<Config> ParseConfig(const std::string& yaml_text, const std::string& file_name,
                           const std::string& base_dir);

// Every key path the loader accepts, e.g. "storage.path", "feeds[].url",
// "feeds[].headers" (a map of free keys), in the order the loader reads them.
// docs/configuration.md must document each one (a test checks it).
std::vector<std::string> KnownConfigKeys();

// The display name of a feed: its configured name, else its URL.
std::string FeedDisplayName(const FeedConfig& feed);

// "30m", "1h30m", "45s", "2d", "1w", "500ms" or plain seconds ("90").
// nullopt when malformed or negative.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);
// "16MiB", "512KiB", "1GiB", "10MB", "300kB", "100B" or plain bytes.
std::optional<std::int64_t> ParseByteSize(std::string_view text);
// Shortest spelling of a duration as ParseDuration reads it ("1h30m").
std::string FormatDuration(std::chrono::milliseconds duration);

}  // namespace tributary::config
