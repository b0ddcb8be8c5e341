#include "daemon/publishing/publisher.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/log.h"
#include "common/text.h"
#include "daemon/http/http_server.h"
#include "output/atom_writer.h"
#include "output/file_name.h"
#include "output/file_writer.h"
#include "output/json_feed_writer.h"
#include "output/markdown_post.h"
#include "output/rss_writer.h"

namespace tributary::daemon {
std::string FeedContentType(const std::string& format) {
  if (format == "rss") return "application/rss+xml; charset=utf-8";
  if (format == "json") return "application/feed+json; charset=utf-8";
  return "application/atom+xml; charset=utf-8";
}

Publisher::Publisher(storage::Store& store, const Clock& clock, asio::io_context& io)
    : store_(store), clock_(clock), selector_(store, clock), commands_(io), started_(clock.Now()) {}

void Publisher::Configure(const config::Config& config, const std::vector<FeedSpec>& feeds) {
  config_ = config;
  selector_.Configure(feeds);
}

bool Publisher::WriteFeedOutput(const config::OutputConfig& output, HttpServer* server,
                                bool write_file) {
  auto entries = selector_.Select(output);
  std::string where = !output.path.empty() ? output.path : output.url_path;
  if (!entries) {
    log::DatabaseError("output " + where, entries.error());
    return false;
  }
  output::FeedDocument doc;
  doc.title = output.title;
  doc.self_url = output.url_path.empty() || config_.server.listen.empty()
                     ? std::string()
                     : config_.server.BaseUrl() + output.url_path;
  doc.id = "tag:tributary.invalid,2026:output/" +
           Hex(Fnv1a64(output.type + output.format + where, kFnv1a64LegacyBasis));
  doc.site_url = config_.server.enabled ? config_.server.BaseUrl() + "/" : std::string();
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
  if (write_file && !output.path.empty()) {
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
    resource.content_type = FeedContentType(output.format);
    resource.last_modified = doc.updated;
    server->Publish(output.url_path, std::move(resource));
  }
  if (changed) commands_.Request(output);
  return true;
}

namespace {

// The manifest records which files we wrote and from what, so a file we did
// not write is never overwritten and an unchanged item is not rewritten.
nlohmann::json LoadPostManifest(const std::filesystem::path& path, Timestamp now) {
  nlohmann::json manifest = nlohmann::json::object();
  if (std::ifstream in(path); in) {
    manifest = nlohmann::json::parse(in, nullptr, false);
    if (manifest.is_discarded() || !manifest.is_object()) manifest = nlohmann::json::object();
  }
  if (!manifest.contains("files")) manifest["files"] = nlohmann::json::object();
  if (!manifest.contains("started")) manifest["started"] = ToUnix(now);
  return manifest;
}

enum class PostWrite { kWritten, kUnchanged, kFailed };

// Writes one entry's post into `dir` unless the manifest says it is there
// already, or a file of that name exists that we did not write.
PostWrite WritePost(const std::string& dir, const output::OutputEntry& entry,
                    const output::PostSettings& settings, nlohmann::json& files) {
  namespace fs = std::filesystem;
  auto name = output::PostFileName(entry);
  auto text = output::RenderMarkdownPost(entry, settings);
  if (!text) {
    log::Error("output {}: {}: {}", dir, name, text.error().ToString());
    return PostWrite::kFailed;
  }
  std::string hash = Hex(Fnv1a64(*text, kFnv1a64LegacyBasis));
  fs::path path = fs::path(dir) / name;
  if (files.contains(name)) {
    if (files[name]["hash"] == hash && fs::exists(path)) return PostWrite::kUnchanged;
  } else if (fs::exists(path)) {
    log::Warn("output {}: {} exists and was not written by tributary; left alone", dir, name);
    return PostWrite::kUnchanged;
  }
  auto result = output::WriteFileIfChanged(path.string(), *text);
  if (!result) {
    log::Error("output {}: {}", dir, result.error().ToString());
    return PostWrite::kFailed;
  }
  files[name] = {{"id", entry.id}, {"hash", hash}};
  return PostWrite::kWritten;
}

}  // namespace

bool Publisher::WriteMarkdownOutput(const config::OutputConfig& output) {
  namespace fs = std::filesystem;
  auto entries = selector_.Select(output);
  if (!entries) {
    log::DatabaseError("output " + output.dir, entries.error());
    return false;
  }
  std::error_code error;
  fs::create_directories(output.dir, error);
  if (error) {
    log::Error("output {}: cannot create the directory: {}", output.dir, error.message());
    return false;
  }
  fs::path manifest_path = fs::path(output.dir) / ".tributary-posts.json";
  nlohmann::json manifest = LoadPostManifest(manifest_path, clock_.Now());
  auto started = FromUnix(manifest["started"].get<long long>());

  output::PostSettings settings;
  if (!output.template_name.empty()) settings.template_name = output.template_name;
  int written = 0;
  bool ok = true;
  for (const auto& entry : *entries) {
    if (!output.export_back_catalogue && entry.sort_time < started) continue;
    settings.default_author = selector_.DefaultAuthorFor(entry);
    switch (WritePost(output.dir, entry, settings, manifest["files"])) {
      case PostWrite::kWritten:
        ++written;
        break;
      case PostWrite::kFailed:
        ok = false;
        break;
      case PostWrite::kUnchanged:
        break;
    }
  }
  if (written > 0) {
    auto saved = output::WriteFileIfChanged(manifest_path.string(), manifest.dump(1) + "\n");
    if (!saved) {
      log::Error("output {}: {}", output.dir, saved.error().ToString());
      ok = false;
    }
    log::Info("output {}: wrote {} post(s)", output.dir, written);
    commands_.Request(output);
  }
  return ok;
}

int Publisher::Regenerate(HttpServer* server, bool write_files) {
  selector_.Refresh();
  int failed = 0;
  for (const auto& output : config_.outputs) {
    if (output.type == "markdown" && !write_files) continue;
    bool ok = output.type == "markdown" ? WriteMarkdownOutput(output)
                                        : WriteFeedOutput(output, server, write_files);
    if (!ok) ++failed;
  }
  if (server != nullptr) PublishPages(server);
  return failed;
}

}  // namespace tributary::daemon
