#include "daemon/publishing/publisher.h"

#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "common/log.h"
#include "common/text.h"
#include "daemon/http/http_server.h"
#include "daemon/polling/collapse.h"
#include "daemon/polling/simhash.h"
#include "output/atom_writer.h"
#include "output/file_name.h"
#include "output/file_writer.h"
#include "output/json_feed_writer.h"
#include "output/markdown_post.h"
#include "output/river_page.h"
#include "output/rss_writer.h"
#include "output/sanitizer.h"
#include "output/status_page.h"

extern char** environ;

namespace tributary::daemon {
namespace {

std::string Hex64(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

std::uint64_t Fnv1a(std::string_view text) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

bool LooksLikeUri(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    char c = text[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return text.find_first_of(" \t\r\n<>\"") == std::string::npos;
}

bool MatchesKeywords(const output::OutputEntry& entry, const std::vector<std::string>& include,
                     const std::vector<std::string>& exclude) {
  if (include.empty() && exclude.empty()) return true;
  std::string haystack = ToLowerAscii(entry.title + "\n" + entry.summary + "\n" + entry.content);
  for (const auto& word : exclude) {
    if (haystack.find(ToLowerAscii(word)) != std::string::npos) return false;
  }
  if (include.empty()) return true;
  for (const auto& word : include) {
    if (haystack.find(ToLowerAscii(word)) != std::string::npos) return true;
  }
  return false;
}

std::string ContentTypeFor(const std::string& format) {
  if (format == "rss") return "application/rss+xml; charset=utf-8";
  if (format == "json") return "application/feed+json; charset=utf-8";
  return "application/atom+xml; charset=utf-8";
}

}  // namespace

Publisher::Publisher(storage::Store& store, const Clock& clock)
    : store_(store), clock_(clock), started_(clock.Now()) {}

void Publisher::Configure(const config::Config& config, const std::vector<FeedSpec>& feeds) {
  config_ = config;
  feeds_ = feeds;
}

std::vector<storage::FeedId> Publisher::FeedsFor(const std::vector<std::string>& categories,
                                                 const std::vector<std::string>& names) const {
  std::vector<storage::FeedId> ids;
  for (const auto& spec : feeds_) {
    bool selected = categories.empty() && names.empty();
    for (const auto& category : categories) {
      const auto& own = spec.config.categories;
      if (std::find(own.begin(), own.end(), category) != own.end()) selected = true;
    }
    for (const auto& name : names) {
      if (name == spec.name || name == spec.config.url) selected = true;
    }
    if (selected) ids.push_back(spec.id);
  }
  return ids;
}

output::SourceRef Publisher::SourceFor(storage::FeedId id) const {
  output::SourceRef source;
  for (const auto& spec : feeds_) {
    if (spec.id != id) continue;
    source.categories = spec.config.categories;
    source.url = spec.config.url;
    source.title = spec.config.name;
  }
  auto row = rows_.find(id);
  if (row != rows_.end()) {
    if (source.title.empty()) source.title = row->second.title;
    source.feed_title = row->second.title;
    source.link = row->second.site_link;
    source.id = row->second.feed_uid;
    if (!row->second.url.empty()) source.url = row->second.url;
  }
  if (source.title.empty()) source.title = source.url;
  if (source.id.empty()) source.id = source.url;
  return source;
}

output::OutputEntry Publisher::ToEntry(const storage::ItemRecord& item) const {
  output::OutputEntry entry;
  auto row = rows_.find(item.feed_id);
  std::string feed_key = row != rows_.end() ? row->second.key : std::to_string(item.feed_id);
  entry.id = LooksLikeUri(item.guid)
                 ? item.guid
                 : "tag:tributary.invalid,2026:" + Hex64(Fnv1a(feed_key + "\n" + item.item_key));
  entry.title = item.title;
  entry.link = item.link;
  entry.author = item.author;
  entry.published = item.published;
  entry.updated = item.updated.value_or(item.published.value_or(item.first_seen));
  entry.sort_time = item.sort_time;
  entry.summary = item.summary;
  entry.content = item.content;
  entry.categories = item.categories;
  for (const auto& enclosure : item.enclosures) {
    entry.enclosures.push_back({enclosure.url, enclosure.type, enclosure.length});
  }
  entry.sources.push_back(SourceFor(item.feed_id));
  return entry;
}

Result<std::vector<output::OutputEntry>> Publisher::SelectEntries(
    const config::OutputConfig& output) {
  storage::ItemQuery query;
  query.feeds = FeedsFor(output.categories, output.feeds);
  if (query.feeds.empty()) return std::vector<output::OutputEntry>{};
  bool filtered = !output.include.empty() || !output.exclude.empty();
  // Ask for more than needed: collapsing and keyword filters drop some.
  query.limit = output.max_items * (filtered ? 8 : 2) + 16;
  if (output.max_age) query.since = clock_.Now() - *output.max_age;
  auto items = store_.QueryItems(query);
  if (!items) return items.error();

  std::vector<output::OutputEntry> entries;
  if (output.collapse_duplicates) {
    for (auto& group : CollapseDuplicates(std::move(*items), kDefaultMaxHammingDistance)) {
      output::OutputEntry entry = ToEntry(group.members.front());
      for (std::size_t i = 1; i < group.members.size(); ++i) {
        auto source = SourceFor(group.members[i].feed_id);
        bool seen = false;
        for (const auto& s : entry.sources) seen = seen || s.url == source.url;
        if (!seen) entry.sources.push_back(std::move(source));
      }
      entries.push_back(std::move(entry));
    }
  } else {
    for (const auto& item : *items) entries.push_back(ToEntry(item));
  }
  std::vector<output::OutputEntry> selected;
  for (auto& entry : entries) {
    if (selected.size() >= output.max_items) break;
    if (MatchesKeywords(entry, output.include, output.exclude))
      selected.push_back(std::move(entry));
  }
  return selected;
}

Result<std::vector<Publisher::IdentifiedEntry>> Publisher::SelectNewEntries(
    const std::vector<std::string>& categories, const std::vector<std::string>& feeds,
    const std::vector<std::string>& include, const std::vector<std::string>& exclude,
    storage::ItemId after_id, storage::ItemId up_to_id) {
  rows_.clear();
  if (auto rows = store_.ListFeeds(); rows) {
    for (auto& row : *rows) rows_.emplace(row.id, std::move(row));
  }
  storage::ItemQuery query;
  query.feeds = FeedsFor(categories, feeds);
  if (query.feeds.empty()) return std::vector<IdentifiedEntry>{};
  query.after_id = after_id;
  query.limit = std::numeric_limits<std::size_t>::max() / 2;
  auto items = store_.QueryItems(query);
  if (!items) return items.error();
  std::vector<IdentifiedEntry> selected;
  for (const auto& item : *items) {
    if (up_to_id > 0 && item.id > up_to_id) continue;
    output::OutputEntry entry = ToEntry(item);
    if (MatchesKeywords(entry, include, exclude)) selected.push_back({item.id, std::move(entry)});
  }
  std::sort(selected.begin(), selected.end(),
            [](const IdentifiedEntry& a, const IdentifiedEntry& b) { return a.id < b.id; });
  return selected;
}

bool Publisher::WriteFeedOutput(const config::OutputConfig& output, HttpServer* server) {
  auto entries = SelectEntries(output);
  std::string where = !output.path.empty() ? output.path : output.url_path;
  if (!entries) {
    log::Error("output {}: {}", where, entries.error().ToString());
    return false;
  }
  output::FeedDocument doc;
  doc.title = output.title;
  doc.self_url = output.url_path.empty() || config_.server.listen.empty()
                     ? std::string()
                     : "http://" + config_.server.listen + output.url_path;
  doc.id = "tag:tributary.invalid,2026:output/" + Hex64(Fnv1a(output.type + output.format + where));
  doc.site_url = config_.server.enabled ? "http://" + config_.server.listen + "/" : std::string();
  doc.updated = entries->empty() ? FromUnix(0) : entries->front().updated;
  for (const auto& entry : *entries) doc.updated = std::max(doc.updated, entry.updated);
  doc.entries = std::move(*entries);

  std::string body;
  if (output.format == "rss") {
    body = output::RenderRss(doc);
  } else if (output.format == "json") {
    body = output::RenderJsonFeed(doc);
  } else {
    body = output::RenderAtom(doc);
  }
  bool changed = false;
  if (!output.path.empty()) {
    auto written = output::WriteFileIfChanged(output.path, body);
    if (!written) {
      log::Error("output {}: {}; the previous file stays", output.path, written.error().ToString());
      return false;
    }
    changed = *written;
    if (changed) log::Info("output {}: wrote {} entries", output.path, doc.entries.size());
  }
  if (server != nullptr && !output.url_path.empty()) {
    HttpResource resource;
    resource.body = std::move(body);
    resource.content_type = ContentTypeFor(output.format);
    resource.last_modified = doc.updated;
    server->Publish(output.url_path, std::move(resource));
  }
  if (changed && !output.command.empty()) RunCommand(output);
  return true;
}

bool Publisher::WriteMarkdownOutput(const config::OutputConfig& output) {
  namespace fs = std::filesystem;
  auto entries = SelectEntries(output);
  if (!entries) {
    log::Error("output {}: {}", output.dir, entries.error().ToString());
    return false;
  }
  std::error_code error;
  fs::create_directories(output.dir, error);
  if (error) {
    log::Error("output {}: cannot create the directory: {}", output.dir, error.message());
    return false;
  }
  // The manifest records which files we wrote and from what, so a file we
  // did not write is never overwritten and an unchanged item is not
  // rewritten.
  fs::path manifest_path = fs::path(output.dir) / ".tributary-posts.json";
  nlohmann::json manifest = nlohmann::json::object();
  if (std::ifstream in(manifest_path); in) {
    manifest = nlohmann::json::parse(in, nullptr, false);
    if (manifest.is_discarded() || !manifest.is_object()) manifest = nlohmann::json::object();
  }
  if (!manifest.contains("files")) manifest["files"] = nlohmann::json::object();
  if (!manifest.contains("started")) manifest["started"] = ToUnix(clock_.Now());
  auto started = FromUnix(manifest["started"].get<long long>());

  output::PostSettings settings;
  if (!output.template_name.empty()) settings.template_name = output.template_name;
  int written = 0;
  bool ok = true;
  for (const auto& entry : *entries) {
    if (!output.export_back_catalogue && entry.sort_time < started) continue;
    auto name = output::PostFileName(entry);
    settings.default_author.clear();
    for (const auto& spec : feeds_) {
      if (!entry.sources.empty() && spec.config.url == entry.sources.front().url) {
        settings.default_author = spec.config.author;
      }
    }
    auto text = output::RenderMarkdownPost(entry, settings);
    if (!text) {
      log::Error("output {}: {}: {}", output.dir, name, text.error().ToString());
      ok = false;
      continue;
    }
    std::string hash = Hex64(Fnv1a(*text));
    auto& files = manifest["files"];
    fs::path path = fs::path(output.dir) / name;
    if (files.contains(name)) {
      if (files[name]["hash"] == hash && fs::exists(path)) continue;
    } else if (fs::exists(path)) {
      log::Warn("output {}: {} exists and was not written by tributary; left alone", output.dir,
                name);
      continue;
    }
    auto result = output::WriteFileIfChanged(path.string(), *text);
    if (!result) {
      log::Error("output {}: {}", output.dir, result.error().ToString());
      ok = false;
      continue;
    }
    files[name] = {{"id", entry.id}, {"hash", hash}};
    ++written;
  }
  if (written > 0) {
    auto saved = output::WriteFileIfChanged(manifest_path.string(), manifest.dump(1) + "\n");
    if (!saved) {
      log::Error("output {}: {}", output.dir, saved.error().ToString());
      ok = false;
    }
    log::Info("output {}: wrote {} post(s)", output.dir, written);
    if (!output.command.empty()) RunCommand(output);
  }
  return ok;
}

// Runs the output's command (argv, no shell) with a timeout; its exit status
// is logged. Runs synchronously: one regeneration at a time, so a command
// never runs concurrently with itself.
void Publisher::RunCommand(const config::OutputConfig& output) {
  std::vector<char*> argv;
  for (const auto& arg : output.command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (spawned != 0) {
    log::Error("output command {}: cannot start: {}", output.command.front(),
               std::strerror(spawned));
    return;
  }
  auto deadline = std::chrono::steady_clock::now() + output.command_timeout;
  int status = 0;
  while (true) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      log::Error("output command {}: killed after {} s", output.command.front(),
                 output.command_timeout.count());
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    log::Info("output command {}: ok", output.command.front());
  } else {
    log::Error("output command {}: exit status {}", output.command.front(),
               WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }
}

output::StatusPage Publisher::BuildStatusPage() {
  output::StatusPage page;
  page.version = TRIBUTARY_VERSION;
  page.generated = clock_.Now();
  page.started = started_;
  if (hosts_) page.hosts = hosts_();
  // One query for every feed's state and item count, not three per feed.
  std::unordered_map<storage::FeedId, storage::FeedOverview> overviews;
  if (auto listed = store_.ListFeedOverviews(); listed) {
    for (auto& overview : *listed) overviews.emplace(overview.row.id, std::move(overview));
  } else {
    log::Error("status page: {}", listed.error().ToString());
  }
  page.feeds.reserve(feeds_.size());
  for (const auto& spec : feeds_) {
    output::FeedHealth health;
    health.name = spec.name;
    health.url = log::CensorUrl(spec.config.url);
    if (auto found = overviews.find(spec.id); found != overviews.end()) {
      const storage::FeedOverview& feed = found->second;
      health.site_link = feed.row.site_link;
      if (!feed.row.url.empty()) health.url = log::CensorUrl(feed.row.url);
      const storage::FeedState& state = feed.state;
      health.last_success = state.last_success;
      health.last_attempt = state.last_attempt;
      health.error_class = state.error_class;
      health.error_message = state.last_error;
      if (state.disabled)
        health.error_message = "disabled after HTTP 410 Gone. " + health.error_message;
      health.consecutive_failures = state.error_count;
      if (state.http_status != 0) health.http_status = static_cast<int>(state.http_status);
      health.next_poll = state.next_poll;
      health.items = feed.items;
    }
    page.feeds.push_back(std::move(health));
  }
  return page;
}

void Publisher::PublishPages(HttpServer* server) {
  // The river: the newest entries of every feed, duplicates collapsed.
  config::OutputConfig river_selection;
  river_selection.max_items = 100;
  output::RiverPage river;
  river.title = "Tributary";
  river.generated = clock_.Now();
  if (progress_) {
    PollProgress progress = progress_();
    river.feeds_answered = progress.answered;
    river.feeds_total = progress.total;
  }
  if (auto entries = SelectEntries(river_selection); entries) {
    for (const auto& entry : *entries) {
      output::RiverItem item;
      item.title = entry.title;
      item.link = entry.link;
      item.author = entry.author;
      item.time = entry.published.value_or(entry.updated);
      if (!entry.sources.empty()) {
        item.source_title = entry.sources.front().title;
        item.source_link = entry.sources.front().link;
      }
      const std::string& html = !entry.summary.empty() ? entry.summary : entry.content;
      output::SanitizeOptions options;
      options.base_url = entry.link;
      item.summary_html = output::SanitizeHtml(html, options);
      river.items.push_back(std::move(item));
    }
  } else {
    log::Error("river page: {}", entries.error().ToString());
  }
  for (const auto& output : config_.outputs) {
    if (output.type != "feed" || output.url_path.empty()) continue;
    river.feeds.push_back({output.title + " (" + output.format + ")", output.url_path,
                           ContentTypeFor(output.format)});
  }
  HttpResource page;
  page.body = output::RenderRiverPage(river);
  page.content_type = "text/html; charset=utf-8";
  page.last_modified = river.items.empty() ? river.generated : river.items.front().time;
  server->Publish("/", std::move(page));

  if (routes_registered_) return;
  routes_registered_ = true;
  // Computed per request; the server runs on the same single-threaded
  // io_context as the store, so these may read it.
  server->Route("/status", [this] {
    HttpResource resource;
    resource.body = output::RenderStatusPage(BuildStatusPage());
    resource.content_type = "text/html; charset=utf-8";
    return resource;
  });
  server->Route("/metrics", [this, server] {
    HttpResource resource;
    resource.content_type = std::string(kPrometheusContentType);
    Metrics::Gauges gauges;
    gauges.feeds = static_cast<std::int64_t>(feeds_.size());
    if (auto listed = store_.ListFeedOverviews(); listed) {
      std::unordered_set<storage::FeedId> configured;
      for (const auto& spec : feeds_) configured.insert(spec.id);
      for (const auto& feed : *listed) {
        if (feed.state.error_count > 0 && configured.count(feed.row.id) != 0) {
          gauges.feeds_in_error++;
        }
      }
    }
    if (auto stats = store_.Stats(); stats) {
      gauges.items = stats->items;
      gauges.database_bytes = stats->database_bytes;
      gauges.wal_bytes = stats->wal_bytes;
    }
    if (in_flight_) gauges.transfers_in_flight = static_cast<std::int64_t>(in_flight_());
    if (metrics_ != nullptr) metrics_->AppendPrometheus(gauges, &resource.body);
    AppendPrometheusMetrics(server->stats(), &resource.body);
    return resource;
  });
  server->Route("/healthz", [this] {
    HttpResource resource;
    auto stats = store_.Stats();
    resource.status = stats ? 200 : 503;
    resource.body = stats ? "ok\n" : "database unavailable: " + stats.error().ToString() + "\n";
    resource.content_type = "text/plain; charset=utf-8";
    return resource;
  });
}

int Publisher::Regenerate(HttpServer* server) {
  rows_.clear();
  if (auto rows = store_.ListFeeds(); rows) {
    for (auto& row : *rows) rows_.emplace(row.id, std::move(row));
  }
  int failed = 0;
  for (const auto& output : config_.outputs) {
    bool ok =
        output.type == "markdown" ? WriteMarkdownOutput(output) : WriteFeedOutput(output, server);
    if (!ok) ++failed;
  }
  if (server != nullptr) PublishPages(server);
  return failed;
}

}  // namespace tributary::daemon
