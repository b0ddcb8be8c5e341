// Reads the YAML config into the structs of config.h. With
// section_readers.cc (the outputs, server and digests sections) the only
// yaml-cpp user in the project: YAML exceptions are caught here and every
// problem becomes an Error naming file:line:column and the key path.
//
// Every key is read through MapReader, which records the keys it was asked
// for. That record is what rejects unknown keys and what KnownConfigKeys()
// returns, so the accepted keys, the unknown-key check and the reference
// test cannot drift apart.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/text.h"
#include "config/config.h"
#include "config/host_rules.h"
#include "config/map_reader.h"
#include "config/opml.h"
#include "config/section_readers.h"
#include "config/url.h"
#include "config/values.h"

namespace tributary::config {
namespace {

namespace fs = std::filesystem;

// Checks feed.url ("exec:" commands pass as written) and rewrites the relative form
// "file:some/path" (and "file:/abs/path") into an absolute file:// URL. nullopt when reported.
std::optional<CheckedUrl> CheckFeedUrl(MapReader& in, FeedConfig& feed,
                                       const std::string& base_dir) {
  const std::string path = in.Join("url");
  if (feed.url.rfind("exec:", 0) == 0) {
    // A command whose stdout is the feed (feeds/command_runner.h runs it
    // from an argv, no shell). Only from the YAML file, never from OPML.
    if (feed.url.find_first_not_of(" \t", 5) == std::string::npos) {
      in.problems().Add(in.Take("url"), path, Quote(feed.url) + " names no command");
      return std::nullopt;
    }
    return CheckedUrl{"exec", feed.url, feed.url};
  }
  if (feed.url.rfind("file:", 0) == 0 && feed.url.rfind("file://", 0) != 0) {
    std::optional<std::string> url = FileUrlForPath(Resolve(base_dir, feed.url.substr(5)));
    if (!url) {
      in.problems().Add(in.Take("url"), path, Quote(feed.url) + " is not a usable file path");
      return std::nullopt;
    }
    feed.url = *url;
  }
  std::string why;
  std::optional<CheckedUrl> checked = CheckUrl(feed.url, &why);
  if (!checked) {
    in.problems().Add(in.Take("url"), path, Quote(feed.url) + " is not a valid URL (" + why + ")");
  } else if (!IsOneOf(checked->scheme, {"http", "https", "file"})) {
    in.problems().Add(in.Take("url"), path,
                      Quote(feed.url) + " is not an http, https, file or exec URL");
    checked.reset();
  }
  return checked;
}

// ---------------------------------------------------------------------
// Sections. Each reads its keys and checks what it can check alone.

// "postgresql://user:secret@host/db": the URI's user information holds a
// colon. Passwords do not belong in a config file people paste.
bool HasPassword(std::string_view url) {
  std::string_view rest = url.substr(url.find("//") + 2);
  rest = rest.substr(0, rest.find_first_of("/?"));
  const auto at = rest.rfind('@');
  return at != std::string_view::npos && rest.substr(0, at).find(':') != std::string_view::npos;
}

void ReadStorage(MapReader& in, StorageConfig& storage) {
  const bool has_path = in.Has("path");
  in.String("path", &storage.path);
  in.String("url", &storage.url);
  in.Number("keep_items", &storage.keep_items, 0, 100'000'000);
  in.Number("max_items", &storage.max_items, 0, 1'000'000'000);
  in.WholeSeconds("keep_age", &storage.keep_age, Seconds{0});
  if (storage.path.empty())
    in.problems().Add(in.Take("path"), in.Join("path"), "must not be empty");
  if (!in.Has("url")) return;
  const std::string_view url = storage.url;
  if (!url.starts_with("postgresql://") && !url.starts_with("postgres://")) {
    in.problems().Add(in.Take("url"), in.Join("url"),
                      Quote(storage.url) +
                          " is not a PostgreSQL URL (postgresql://[user@]host[:port]/dbname); "
                          "for SQLite, set storage.path instead");
  } else if (has_path) {
    in.problems().Add(in.Take("url"), in.Join("url"),
                      "storage.path and storage.url are both set; keep one (path: SQLite, url: "
                      "PostgreSQL)");
  } else if (HasPassword(url)) {
    in.problems().Add(in.Take("url"), in.Join("url"),
                      "holds a password; put it in ~/.pgpass, PGPASSFILE or PGPASSWORD instead");
  }
}

void ReadCluster(MapReader& in, ClusterConfig& cluster) {
  in.String("node", &cluster.node);
  in.WholeSeconds("lease", &cluster.lease, Seconds{10});
  const bool printable = std::all_of(cluster.node.begin(), cluster.node.end(), [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && c != 0x7f;
  });
  if (cluster.node.size() > 100 || !printable) {
    in.problems().Add(in.Take("node"), in.Join("node"),
                      "must be up to 100 printable characters without spaces");
  }
}

// `proxy` (the value of in's "proxy" key) must be a proxy URL curl takes.
void CheckProxy(MapReader& in, const std::string& proxy_url) {
  if (proxy_url.empty()) return;
  std::string why;
  std::optional<CheckedUrl> proxy = CheckUrl(proxy_url, &why);
  if (proxy &&
      !IsOneOf(proxy->scheme, {"http", "https", "socks4", "socks4a", "socks5", "socks5h"})) {
    why = "use http, https, socks4, socks4a, socks5 or socks5h";
  } else if (proxy) {
    why.clear();
  }
  if (!why.empty()) {
    in.problems().Add(in.Take("proxy"), in.Join("proxy"),
                      Quote(proxy_url) + " is not a proxy URL (" + why + ")");
  }
}

// fetch.hosts[]: one host's (or domain's) settings; the host is required.
void ReadHostOverride(MapReader& in, HostOverride& host) {
  host.mark = in.problems().MarkOf(in.node());
  if (in.Require("host", " (a name, *.domain or address, optionally :port)") &&
      in.String("host", &host.host) && !ParseHostPattern(host.host)) {
    in.problems().Add(in.Take("host"), in.Join("host"),
                      Quote(host.host) +
                          " is not a host pattern (rsshub.lan, *.example.org, 10.0.0.5:1200, "
                          "[::1]:1200)");
  }
  int max_per_host = 0;
  if (in.Number("max_per_host", &max_per_host, 1, 100)) host.max_per_host = max_per_host;
  std::chrono::milliseconds spacing{0};
  if (in.Duration("host_spacing", &spacing, std::chrono::milliseconds{0})) {
    host.host_spacing = spacing;
  }
  in.String("user_agent", &host.user_agent);
  in.StringMap("headers", &host.headers);
  in.String("proxy", &host.proxy);
  CheckProxy(in, host.proxy);
  in.OptionalSeconds("timeout", &host.timeout, Seconds{1});
}

void ReadHostOverrides(MapReader& in, FetchConfig& fetch) {
  std::map<std::string, std::size_t> seen;  // normalised pattern -> index
  in.List("hosts", [&](MapReader& element, std::size_t i) {
    HostOverride host;
    ReadHostOverride(element, host);
    if (auto pattern = ParseHostPattern(host.host); pattern && element.node().IsMap()) {
      std::string key =
          (pattern->wildcard ? "*." : "") + pattern->host + ":" + std::to_string(pattern->port);
      auto [it, fresh] = seen.emplace(key, i);
      if (!fresh) {
        element.problems().Add(element.Take("host"), element.Join("host"),
                               Quote(host.host) + " is already listed at fetch.hosts[" +
                                   std::to_string(it->second) + "]");
      }
    }
    if (element.node().IsMap()) fetch.hosts.push_back(std::move(host));
  });
}

void ReadFetch(MapReader& in, FetchConfig& fetch) {
  const Seconds one_second{1};
  const Seconds one_minute{60};
  in.WholeSeconds("interval", &fetch.interval, one_second);
  in.WholeSeconds("min_interval", &fetch.min_interval, one_second);
  in.WholeSeconds("max_interval", &fetch.max_interval, one_minute);
  in.WholeSeconds("max_backoff", &fetch.max_backoff, one_minute);
  in.WholeSeconds("timeout", &fetch.timeout, one_second);
  in.WholeSeconds("connect_timeout", &fetch.connect_timeout, one_second);
  in.ByteSize("max_body", &fetch.max_body_bytes, 1024);
  in.String("user_agent", &fetch.user_agent);
  in.Number("max_transfers", &fetch.max_transfers, 1, 10'000);
  in.Number("max_per_host", &fetch.max_per_host, 1, 100);
  in.Duration("host_spacing", &fetch.host_spacing, std::chrono::milliseconds{0});
  in.Number("max_redirects", &fetch.max_redirects, 0, 20);
  std::int64_t low_speed = fetch.low_speed_limit;
  if (in.ByteSize("low_speed_limit", &low_speed, 0)) {
    fetch.low_speed_limit = static_cast<long>(low_speed);
  }
  in.WholeSeconds("low_speed_time", &fetch.low_speed_time, one_second);
  std::vector<YAML::Node> allow_nodes;
  in.StringList("allow_private", &fetch.allow_private, &allow_nodes);
  for (std::size_t i = 0; i < allow_nodes.size(); ++i) {
    if (!IsHostOrCidr(fetch.allow_private[i])) {
      in.problems().Add(allow_nodes[i], in.Join("allow_private") + "[" + std::to_string(i) + "]",
                        Quote(fetch.allow_private[i]) +
                            " is not a host name, an address or a CIDR range (10.0.0.0/8)");
    }
  }
  ReadHostOverrides(in, fetch);
  if (fetch.min_interval > fetch.max_interval) {
    in.problems().Add(in.Take("min_interval"), in.Join("min_interval"),
                      FormatDuration(fetch.min_interval) + " is longer than max_interval (" +
                          FormatDuration(fetch.max_interval) + ")");
  }
}

std::optional<CheckedUrl> ReadFeed(MapReader& in, FeedConfig& feed, const std::string& base_dir) {
  feed.mark = in.problems().MarkOf(in.node());
  const bool has_url = in.Require("url") && in.String("url", &feed.url);
  in.String("name", &feed.name);
  in.StringList("categories", &feed.categories);
  in.String("author", &feed.author);
  in.OptionalSeconds("interval", &feed.interval, Seconds{1});
  in.String("user_agent", &feed.user_agent);
  in.StringMap("headers", &feed.headers);
  in.String("ca_file", &feed.ca_file);
  in.Bool("insecure_tls", &feed.insecure_tls);
  in.String("proxy", &feed.proxy);
  in.String("username", &feed.username);
  in.String("password_file", &feed.password_file);
  in.String("password_env", &feed.password_env);
  in.String("cookie", &feed.cookie);
  std::size_t keep_items = 0;
  if (in.Number("keep_items", &keep_items, 0, 100'000'000)) feed.keep_items = keep_items;
  in.OptionalSeconds("keep_age", &feed.keep_age, Seconds{0});
  in.String("timezone", &feed.timezone);
  if (!feed.password_file.empty() && !feed.password_env.empty()) {
    in.problems().Add(in.Take("password_env"), in.Join("password_env"),
                      "give password_file or password_env, not both");
  }
  CheckProxy(in, feed.proxy);
  if (!feed.timezone.empty() && !IsKnownTimezone(feed.timezone)) {
    in.problems().Add(in.Take("timezone"), in.Join("timezone"),
                      Quote(feed.timezone) + " is not an IANA time zone (e.g. Asia/Shanghai)");
  }
  if (!has_url) return std::nullopt;
  return CheckFeedUrl(in, feed, base_dir);
}

// Reports keys that belong to the other output type.
// ---------------------------------------------------------------------
// The whole document.

// A feed or output selection entry, kept to check it names a real feed.
struct FeedReference {
  std::string path;
  YAML::Node node;
  bool in_digest = false;
  std::size_t owner = 0;  // index in outputs or digests
  std::size_t index = 0;  // index in its feeds list
};

class ConfigReader {
 public:
  ConfigReader(const std::string& file_name, std::string base_dir,
               std::vector<std::string>* known_keys)
      : problems_(file_name), base_dir_(std::move(base_dir)), known_keys_(known_keys) {
    config_.source_path = file_name;
  }

  Result<Config> Read(const YAML::Node& root) {
    MapReader top(problems_, known_keys_, root, "", "");
    top.Section("storage", [&](MapReader& in) { ReadStorage(in, config_.storage); });
    top.Section("fetch", [&](MapReader& in) { ReadFetch(in, config_.fetch); });
    top.List("feeds", [&](MapReader& in, std::size_t) { AddFeed(in); });
    std::vector<YAML::Node> list_nodes;
    top.StringList("feed_lists", &config_.feed_lists, &list_nodes);
    top.List("outputs", [&](MapReader& in, std::size_t) { AddOutput(in); });
    top.Section("server", [&](MapReader& in) { ReadServer(in, config_.server); });
    top.Section("cluster", [&](MapReader& in) { ReadCluster(in, config_.cluster); });
    top.List("digests", [&](MapReader& in, std::size_t) { AddDigest(in); });
    top.WholeSeconds("output_interval", &config_.output_interval, Seconds{1});
    top.StringList("tracking_parameters", &config_.tracking_parameters);
    top.Finish();
    for (std::size_t i = 0; i < config_.feed_lists.size() && i < list_nodes.size(); ++i) {
      ImportFeedList(config_.feed_lists[i], list_nodes[i], "feed_lists[" + std::to_string(i) + "]");
    }
    CheckReferences();
    if (!problems_.empty()) return problems_.ToError();
    return std::move(config_);
  }

 private:
  void AddFeed(MapReader& in) {
    FeedConfig feed;
    std::optional<CheckedUrl> checked = ReadFeed(in, feed, base_dir_);
    if (checked) {
      const std::string where = in.path() + " (" + feed.mark.ToString() + ")";
      auto [it, inserted] = feed_identities_.emplace(checked->identity, where);
      if (!inserted) {
        problems_.Add(in.Take("url"), in.Join("url"),
                      Quote(feed.url) + " is already configured by " + it->second);
      }
    }
    config_.feeds.push_back(std::move(feed));
  }

  void AddOutput(MapReader& in) {
    OutputConfig output;
    ReadOutput(in, output, base_dir_);
    KeepReferences(in, "feeds", false, config_.outputs.size());
    auto check_unique = [&](const std::string& key, const std::string& value,
                            std::map<std::string, std::string>& seen) {
      if (value.empty()) return;
      auto [it, inserted] = seen.emplace(value, in.path());
      if (!inserted) {
        problems_.Add(in.Take(key), in.Join(key),
                      Quote(value) + " is already used by " + it->second);
      }
    };
    check_unique("path", output.path, output_paths_);
    check_unique("url_path", output.url_path, output_url_paths_);
    check_unique("dir", output.type == "markdown" ? output.dir : "", output_paths_);
    config_.outputs.push_back(std::move(output));
  }

  void AddDigest(MapReader& in) {
    DigestConfig digest;
    ReadDigest(in, digest, base_dir_);
    KeepReferences(in, "feeds", true, config_.digests.size());
    if (!digest.name.empty()) {
      auto [it, inserted] = digest_names_.emplace(digest.name, in.path());
      if (!inserted) {
        problems_.Add(in.Take("name"), in.Join("name"),
                      Quote(digest.name) + " is already used by " + it->second);
      }
    }
    config_.digests.push_back(std::move(digest));
  }

  void KeepReferences(MapReader& in, const std::string& key, bool in_digest, std::size_t owner) {
    YAML::Node list = in.Take(key);
    if (!list.IsSequence()) return;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (list[i].IsScalar()) {
        references_.push_back(
            {in.Join(key) + "[" + std::to_string(i) + "]", list[i], in_digest, owner, i});
      }
    }
  }

  // Adds the feeds of one OPML file, skipping those configured already.
  void ImportFeedList(const std::string& list, const YAML::Node& node, const std::string& path) {
    Result<OpmlFeeds> imported = LoadOpml(Resolve(base_dir_, list).string(), list);
    if (!imported) {
      problems_.Add(node, path, imported.error().ToString());
      return;
    }
    for (std::string& warning : imported->warnings) config_.warnings.push_back(std::move(warning));
    for (FeedConfig& feed : imported->feeds) {
      std::string why;
      std::optional<CheckedUrl> checked = CheckUrl(feed.url, &why);
      if (!checked) continue;  // ParseOpml accepted only URLs that pass
      const std::string where = feed.mark.ToString();
      auto [it, inserted] = feed_identities_.emplace(checked->identity, where);
      if (!inserted) {
        config_.warnings.push_back(where + ": " + Quote(feed.url) +
                                   " skipped: already configured by " + it->second);
        continue;
      }
      config_.feeds.push_back(std::move(feed));
    }
  }

  // Selections must name configured feeds (by name or URL): a typo there
  // would silently select nothing. A relative "file:" URL is rewritten to
  // the absolute form its feed got, so the daemon can match it as written.
  void CheckReferences() {
    std::set<std::string> names;
    for (const FeedConfig& feed : config_.feeds) {
      names.insert(feed.url);
      if (!feed.name.empty()) names.insert(feed.name);
    }
    for (const FeedReference& reference : references_) {
      std::vector<std::string>& list = reference.in_digest ? config_.digests[reference.owner].feeds
                                                           : config_.outputs[reference.owner].feeds;
      if (reference.index >= list.size()) continue;  // the list was reported already
      std::string& entry = list[reference.index];
      if (entry.rfind("file:", 0) == 0 && entry.rfind("file://", 0) != 0) {
        std::optional<std::string> url = FileUrlForPath(Resolve(base_dir_, entry.substr(5)));
        if (url && names.count(*url) != 0) entry = *url;
      }
      if (names.count(entry) == 0) {
        problems_.Add(
            reference.node, reference.path,
            Quote(reference.node.Scalar()) + " is not the name or URL of a configured feed");
      }
    }
  }

  Problems problems_;
  std::string base_dir_;
  std::vector<std::string>* known_keys_;
  Config config_;
  std::map<std::string, std::string> feed_identities_;  // identity -> where configured
  std::map<std::string, std::string> output_paths_;
  std::map<std::string, std::string> output_url_paths_;
  std::map<std::string, std::string> digest_names_;
  std::vector<FeedReference> references_;
};

}  // namespace

Result<Config> ParseConfig(const std::string& yaml_text, const std::string& file_name,
                           const std::string& base_dir) {
  try {
    YAML::Node root = YAML::Load(yaml_text);
    ConfigReader reader(file_name, base_dir, nullptr);
    return reader.Read(root);
  } catch (const YAML::Exception& e) {
    SourceMark mark{file_name, 0, 0};
    if (!e.mark.is_null()) mark = SourceMark{file_name, e.mark.line + 1, e.mark.column + 1};
    return Error{ErrorCode::kConfig, "not valid YAML: " + e.msg, mark.ToString()};
  }
}

Result<Config> LoadConfig(const std::string& path) {
  std::error_code status_error;
  std::ifstream in;
  // A directory opens as a stream that reads nothing: check the kind first.
  if (fs::is_regular_file(path, status_error)) in.open(path, std::ios::binary);
  if (!in.is_open()) {
    return Error{ErrorCode::kConfig,
                 "cannot read the config file (does it exist and is it readable?)", path};
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::error_code error;
  const fs::path cwd = fs::current_path(error);
  return ParseConfig(text.str(), path, error ? std::string(".") : cwd.string());
}

std::vector<std::string> KnownConfigKeys() {
  std::vector<std::string> keys;
  ConfigReader reader("<known keys>", ".", &keys);
  // An empty document: every section and one element of every list are
  // still walked, so every key gets asked for. Its errors do not matter.
  (void)reader.Read(YAML::Node(YAML::NodeType::Null));
  return keys;
}

}  // namespace tributary::config
