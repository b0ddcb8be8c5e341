#include "daemon/commands.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "common/asio.h"
#include "common/host.h"
#include "config/config.h"
#include "config/opml.h"
#include "daemon/app.h"
#include "daemon/digests/digests.h"
#include "daemon/polling/feed_specs.h"
#include "feeds/curl_fetcher.h"
#include "feeds/discover.h"
#include "feeds/feed_json.h"
#include "feeds/parser.h"
#include "storage/db_copy.h"
#include "storage/open.h"

namespace tributary::daemon {
namespace {

int ExitCodeFor(const Error& error) {
  switch (error.code) {
    case ErrorCode::kConfig:
      return kExitConfig;
    case ErrorCode::kStorageBusy:
      return kExitTempFail;
    case ErrorCode::kNotAFeed:
    case ErrorCode::kParse:
      return kExitDataError;
    case ErrorCode::kIo:
    case ErrorCode::kNotFound:
      return kExitNoInput;
    case ErrorCode::kInvalidArgument:
      return kExitUsage;
    default:
      return kExitFailure;
  }
}

int Fail(const Error& error) {
  std::cerr << "tributary: " << error.ToString() << "\n";
  return ExitCodeFor(error);
}

Result<std::string> ReadInput(const std::string& file) {
  if (file == "-") {
    std::string data((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return data;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{ErrorCode::kIo, "cannot open the file", file};
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return data;
}

std::string FileUrl(const std::string& file) {
  std::error_code ignored;
  auto absolute = std::filesystem::absolute(file, ignored);
  return "file://" + absolute.string();
}

std::string When(const std::optional<Timestamp>& t) {
  return t ? FormatRfc3339(*t) : std::string("-");
}

}  // namespace

int RunCommand(const std::string& config_path) {
  auto config = config::LoadConfig(config_path);
  if (!config) return Fail(config.error());
  SystemClock clock;
  auto daemon = Daemon::Create(std::move(*config), config_path, clock);
  if (!daemon) return Fail(daemon.error());
  if (auto checked = (*daemon)->CheckDatabase(); !checked) return Fail(checked.error());
  return (*daemon)->Run();
}

int PollCommand(const std::string& config_path, const std::vector<std::string>& feeds) {
  auto config = config::LoadConfig(config_path);
  if (!config) return Fail(config.error());
  SystemClock clock;
  auto daemon = Daemon::Create(std::move(*config), config_path, clock);
  if (!daemon) return Fail(daemon.error());
  auto summary = (*daemon)->PollOnce(feeds);
  if (!summary) return Fail(summary.error());
  std::cout << "polled " << summary->feeds << " feeds: " << summary->inserted << " new items, "
            << summary->updated << " updated, " << summary->failed << " failed\n";
  return summary->failed > 0 ? kExitFailure : kExitOk;
}

int ParseCommand(const std::string& file, bool json, const std::string& url,
                 const std::string& content_type, bool warnings) {
  auto body = ReadInput(file);
  if (!body) return Fail(body.error());
  feeds::ParseOptions options;
  options.feed_url = !url.empty() ? url : (file == "-" ? std::string() : FileUrl(file));
  options.content_type = content_type;
  auto parsed = feeds::ParseFeed(*body, options);
  if (!parsed) {
    Error error = parsed.error();
    if (error.context.empty()) error.context = file;
    return Fail(error);
  }
  for (const auto& warning : parsed->warnings) {
    std::cerr << "tributary: " << file << ": warning: " << warning << "\n";
  }
  if (json) {
    std::cout << feeds::ParsedFeedToJson(*parsed, 2, warnings) << "\n";
    return kExitOk;
  }
  std::cout << parsed->feed.title << " (" << parsed->format << ", " << parsed->items.size()
            << " items)\n";
  for (const auto& item : parsed->items) {
    std::cout << "  " << When(item.published) << "  " << item.title << "\n";
    if (!item.link.empty()) std::cout << "      " << item.link << "\n";
  }
  return kExitOk;
}

namespace {

// check-config --connect: whether the database answers and what its schema
// is; a schema newer than this program fails.
Result<void> ReportDatabase(const config::Config& config) {
  auto probe = storage::ProbeStore(config.storage.Location());
  if (!probe) return probe.error();
  std::cout << "database: " << probe->backend;
  if (!probe->server.empty()) std::cout << " " << probe->server << " answers";
  std::cout << "; ";
  if (!probe->exists || probe->schema_version == 0) {
    std::cout << "no schema yet, version " << probe->latest_version << " is created at start\n";
  } else if (probe->schema_version == probe->latest_version) {
    std::cout << "schema version " << probe->schema_version << ", current\n";
  } else if (probe->schema_version < probe->latest_version) {
    std::cout << "schema version " << probe->schema_version << ", upgraded to "
              << probe->latest_version << " at start\n";
  } else {
    std::cout << "schema version " << probe->schema_version << "\n";
    return Error{ErrorCode::kStorage,
                 "the database's schema (version " + std::to_string(probe->schema_version) +
                     ") is newer than this program's (" + std::to_string(probe->latest_version) +
                     "): upgrade tributary",
                 log::CensorUrl(config.storage.Location())};
  }
  return Ok();
}

void PrintFeeds(const config::Config& config) {
  std::cout << "feeds (" << config.feeds.size() << "):\n";
  for (const auto& feed : config.feeds) {
    auto interval = feed.interval.value_or(config.fetch.interval);
    std::cout << "  " << config::FeedDisplayName(feed) << "  every " << interval.count() << " s";
    if (!feed.categories.empty()) {
      std::cout << "  [";
      for (std::size_t i = 0; i < feed.categories.size(); ++i) {
        std::cout << (i ? "/" : "") << feed.categories[i];
      }
      std::cout << "]";
    }
    std::cout << "\n    " << log::CensorUrl(feed.url) << "\n";
  }
}

void PrintOutputsAndDigests(const config::Config& config) {
  std::cout << "outputs (" << config.outputs.size() << "):\n";
  for (const auto& output : config.outputs) {
    std::cout << "  " << output.type;
    if (output.type == "feed") std::cout << " " << output.format;
    if (!output.path.empty()) std::cout << " -> " << output.path;
    if (!output.dir.empty())
      std::cout << " -> " << output.dir << "/ (" << output.template_name << ")";
    if (!output.url_path.empty()) std::cout << " served at " << output.url_path;
    std::cout << "\n";
  }
  std::cout << "server: "
            << (config.server.enabled ? "http://" + config.server.listen : std::string("off"))
            << "\n";
  std::cout << "digests (" << config.digests.size() << "):\n";
  for (const auto& digest : config.digests) {
    std::cout << "  " << digest.name << ": " << digest.schedule << " " << digest.timezone << " -> "
              << digest.delivery << "\n";
  }
}

}  // namespace

int CheckConfigCommand(const std::string& config_path, bool connect) {
  auto config = config::LoadConfig(config_path);
  if (!config) return Fail(config.error());
  std::cout << config_path << ": ok\n";
  std::cout << "storage: "
            << (config->storage.url.empty() ? "SQLite " + config->storage.path
                                            : "PostgreSQL " + log::CensorUrl(config->storage.url))
            << " (keep " << config->storage.keep_items << " items per feed)\n";
  if (!config->storage.url.empty()) {
    std::cout << "cluster: node "
              << (config->cluster.node.empty() ? DefaultNodeName() + " (host name and pid)"
                                               : config->cluster.node)
              << ", lease " << config->cluster.lease.count() << " s\n";
  }
  if (connect) {
    if (auto reported = ReportDatabase(*config); !reported) return Fail(reported.error());
  }
  PrintFeeds(*config);
  PrintOutputsAndDigests(*config);
  return kExitOk;
}

namespace {

// One feed's row of `tributary status` (also its --json shape).
nlohmann::json StatusRow(const FeedSpec& spec, const storage::FeedOverview& feed, Timestamp now) {
  const storage::FeedState& s = feed.state;
  nlohmann::json entry;
  entry["name"] = spec.name;
  entry["url"] = log::CensorUrl(!feed.row.url.empty() ? feed.row.url : spec.config.url);
  entry["last_success"] = s.last_success ? FormatRfc3339(*s.last_success) : "";
  entry["last_error"] = s.last_error;
  entry["error_class"] = s.error_class;
  entry["error_count"] = s.error_count;
  entry["http_status"] = s.http_status;
  entry["next_poll"] = s.next_poll ? FormatRfc3339(*s.next_poll) : "";
  entry["disabled"] = s.disabled;
  entry["items"] = feed.items;
  // Average items per day over the time we have known the feed.
  double per_day = 0;
  if (feed.oldest_first_seen && feed.items > 0) {
    auto days = std::max<double>(
        1.0, static_cast<double>((now - *feed.oldest_first_seen).count()) / 86400.0);
    per_day = static_cast<double>(feed.items) / days;
  }
  entry["items_per_day"] = std::round(per_day * 10) / 10;
  // Cluster: the node fetching it right now, if any.
  const bool leased = !feed.lease_node.empty() && feed.lease_until && *feed.lease_until > now;
  entry["lease_node"] = leased ? feed.lease_node : "";
  entry["lease_until"] = leased ? FormatRfc3339(*feed.lease_until) : "";
  return entry;
}

void PrintStatusTable(const nlohmann::json& rows, bool shared) {
  std::cout << std::left << std::setw(28) << "FEED" << std::setw(22) << "LAST SUCCESS"
            << std::setw(22) << "NEXT POLL" << std::setw(6) << "HTTP" << std::setw(7) << "ITEMS"
            << std::setw(8) << "PER DAY";
  if (shared) std::cout << std::setw(40) << "FETCHING (NODE, LEASE ENDS)";
  std::cout << "LAST ERROR\n";
  for (const auto& entry : rows) {
    std::string name = entry["name"];
    if (name.size() > 26) name = name.substr(0, 25) + "~";
    std::string error = entry["error_class"].get<std::string>();
    if (!error.empty()) {
      error += " x" + std::to_string(entry["error_count"].get<int>()) + ": " +
               entry["last_error"].get<std::string>();
    }
    if (entry["disabled"].get<bool>()) error = "DISABLED (410 Gone) " + error;
    std::ostringstream per_day;
    per_day << std::fixed << std::setprecision(1) << entry["items_per_day"].get<double>();
    std::cout << std::left << std::setw(28) << name << std::setw(22)
              << (entry["last_success"] == "" ? "never" : entry["last_success"].get<std::string>())
              << std::setw(22) << entry["next_poll"].get<std::string>() << std::setw(6)
              << entry["http_status"].get<long>() << std::setw(7) << entry["items"].get<long>()
              << std::setw(8) << per_day.str();
    if (shared) {
      const std::string node = entry["lease_node"];
      std::cout << std::setw(40)
                << (node.empty() ? std::string("-")
                                 : node + " " + entry["lease_until"].get<std::string>());
    }
    std::cout << error << "\n";
  }
}

}  // namespace

int StatusCommand(const std::string& config_path, bool json) {
  auto config = config::LoadConfig(config_path);
  if (!config) return Fail(config.error());
  auto store = storage::OpenStore(config->storage.Location());
  if (!store) return Fail(store.error());
  auto specs = BuildFeedSpecs(*config, **store);
  if (!specs) return Fail(specs.error());
  SystemClock clock;
  // One query for every feed, not four per feed (100,000 feeds).
  auto listed = (*store)->ListFeedOverviews();
  if (!listed) return Fail(listed.error());
  std::unordered_map<storage::FeedId, storage::FeedOverview> overviews;
  for (auto& overview : *listed) overviews.emplace(overview.row.id, std::move(overview));
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& spec : *specs) rows.push_back(StatusRow(spec, overviews[spec.id], clock.Now()));
  if (json) {
    std::cout << rows.dump(2) << "\n";
  } else {
    PrintStatusTable(rows, (*store)->Shared());
  }
  return kExitOk;
}

int DiscoverCommand(const std::string& target) {
  std::string body;
  std::string page_url = target;
  if (std::filesystem::exists(target)) {
    auto read = ReadInput(target);
    if (!read) return Fail(read.error());
    body = std::move(*read);
    page_url = FileUrl(target);
  } else {
    asio::io_context io;
    SystemClock clock;
    feeds::CurlFetcher fetcher(io, clock);
    feeds::FetchRequest request;
    request.url = target;
    request.user_agent = DefaultUserAgent();
    feeds::FetchResult result;
    fetcher.Fetch(request, [&result](feeds::FetchResult r) { result = std::move(r); });
    io.run();
    if (!result.ok()) {
      return Fail(Error{
          ErrorCode::kNetwork,
          std::string(feeds::FetchErrorName(result.error)) + ": " + result.error_message, target});
    }
    body = std::move(result.body);
    if (!result.effective_url.empty()) page_url = result.effective_url;
  }
  feeds::ParseOptions options;
  options.feed_url = page_url;
  if (auto parsed = feeds::ParseFeed(body, options); parsed) {
    std::cout << page_url << "\t" << parsed->format << "\t" << parsed->feed.title
              << "\t(the address is a feed itself)\n";
    return kExitOk;
  }
  auto found = feeds::DiscoverFeeds(body, page_url);
  if (found.empty()) {
    std::cerr << "tributary: " << target << ": the page advertises no feed\n";
    return kExitFailure;
  }
  for (const auto& feed : found) {
    std::cout << feed.url << "\t" << feed.type << "\t" << feed.title << "\n";
  }
  return kExitOk;
}

int OpmlExportCommand(const std::string& config_path) {
  auto config = config::LoadConfig(config_path);
  if (!config) return Fail(config.error());
  std::cout << config::ExportOpml(*config);
  return kExitOk;
}

int DigestPreviewCommand(const std::string& config_path, const std::string& name,
                         const std::string& since) {
  std::optional<Timestamp> since_time;
  if (!since.empty()) {
    since_time = ParseRfc3339(since);
    if (!since_time) {
      return Fail(Error{ErrorCode::kInvalidArgument,
                        "--since: not an RFC 3339 time: '" + since + "'", since});
    }
  }
  auto config = config::LoadConfig(config_path);
  if (!config) return Fail(config.error());
  SystemClock clock;
  auto service = DigestService::Create(*config, clock);
  if (!service) return Fail(service.error());
  auto message = (*service)->Preview(name, since_time);
  if (!message) return Fail(message.error());
  std::cout << *message << std::flush;
  return kExitOk;
}

int DigestSendCommand(const std::string& config_path, const std::string& name) {
  auto config = config::LoadConfig(config_path);
  if (!config) return Fail(config.error());
  SystemClock clock;
  auto service = DigestService::Create(*config, clock);
  if (!service) return Fail(service.error());
  auto report = (*service)->SendNow(name);
  if (!report) return Fail(report.error());
  if (report->still_queued > 0) {
    std::cerr << "tributary: digest " << name
              << ": delivery failed, the items stay queued: " << report->last_error << "\n";
    return kExitTempFail;
  }
  std::cout << "digest " << name << ": "
            << (report->sent > 0 ? "sent " + std::to_string(report->sent) + " message(s)"
                                 : std::string("nothing new to send"))
            << "\n";
  return kExitOk;
}

int DbCopyCommand(const std::string& from, const std::string& to) {
  if (!storage::IsPostgresUrl(to)) {
    return Fail(Error{ErrorCode::kInvalidArgument, "--to must be a postgresql:// URL", to});
  }
  if (storage::IsPostgresUrl(from) || !std::filesystem::exists(from)) {
    return Fail(
        Error{ErrorCode::kNotFound, "--from must be an existing SQLite database file", from});
  }
  auto copied = storage::CopySqliteToPostgres(from, to);
  if (!copied) return Fail(copied.error());
  std::cout << "copied " << from << " to " << log::CensorUrl(to) << ":\n";
  for (const auto& table : *copied) std::cout << "  " << table.name << ": " << table.rows << "\n";
  std::cout << "every count matches; set storage.url to use it\n";
  return kExitOk;
}

}  // namespace tributary::daemon
