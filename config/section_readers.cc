#include "config/section_readers.h"

#include <optional>
#include <string>

#include "common/text.h"
#include "config/url.h"
#include "config/values.h"

namespace tributary::config {
namespace {

namespace fs = std::filesystem;

void RejectKeys(MapReader& in, std::initializer_list<const char*> keys, const std::string& why) {
  for (const char* key : keys) {
    if (in.Has(key)) in.problems().Add(in.Take(key), in.Join(key), why);
  }
}

void CheckFeedOutput(MapReader& in, OutputConfig& output) {
  if (output.format.empty()) output.format = "atom";
  if (!IsOneOf(output.format, {"atom", "rss", "json"})) {
    in.problems().Add(in.Take("format"), in.Join("format"),
                      Quote(output.format) + " is not a feed format (use atom, rss or json)");
  }
  if (output.path.empty() && output.url_path.empty()) {
    in.problems().Add(in.node(), in.path(), "a feed output needs path, url_path or both");
  }
  if (!output.url_path.empty() && output.url_path.front() != '/') {
    in.problems().Add(in.Take("url_path"), in.Join("url_path"),
                      Quote(output.url_path) + " must start with \"/\"");
  } else if (IsOneOf(output.url_path, {"/", "/status", "/healthz", "/metrics"})) {
    in.problems().Add(in.Take("url_path"), in.Join("url_path"),
                      Quote(output.url_path) + " is a route of the built-in server");
  }
  RejectKeys(in, {"template", "dir", "export_back_catalogue"},
             "only markdown outputs have this key");
}

void CheckMarkdownOutput(MapReader& in, const OutputConfig& output, const std::string& base_dir) {
  in.Require("dir", " (the folder posts are written to)");
  RejectKeys(in, {"format", "path", "url_path"}, "only feed outputs have this key");
  const bool looks_like_path = output.template_name.find('/') != std::string::npos ||
                               output.template_name.find('.') != std::string::npos;
  if (looks_like_path) {
    std::error_code error;
    if (!fs::is_regular_file(Resolve(base_dir, output.template_name), error)) {
      in.problems().Add(in.Take("template"), in.Join("template"),
                        "template file " + Quote(output.template_name) + " does not exist");
    }
  } else if (!IsOneOf(output.template_name, {"hexo", "hugo", "jekyll"})) {
    in.problems().Add(in.Take("template"), in.Join("template"),
                      Quote(output.template_name) +
                          " is not a shipped template (hexo, hugo, jekyll) or a file path");
  }
}

void CheckDelivery(MapReader& in, const std::string& delivery) {
  std::string why;
  if (delivery.rfind("maildir:", 0) == 0 || delivery.rfind("sendmail:", 0) == 0) {
    if (delivery.substr(delivery.find(':') + 1).empty()) why = "names no path";
  } else if (delivery.rfind("smtp://", 0) == 0 || delivery.rfind("smtps://", 0) == 0) {
    std::optional<CheckedUrl> checked = CheckUrl(delivery, &why);
    if (checked) why.clear();
  } else {
    why = "is not maildir:PATH, smtp://..., smtps://... or sendmail:PATH";
  }
  if (!why.empty()) {
    in.problems().Add(in.Take("delivery"), in.Join("delivery"), Quote(delivery) + " " + why);
  }
}

// What a digest's values must be, each problem on its key's line.
void CheckDigest(MapReader& in, const DigestConfig& digest) {
  if (!digest.name.empty() && !IsPlainName(digest.name)) {
    in.problems().Add(in.Take("name"), in.Join("name"),
                      Quote(digest.name) + " may hold only letters, digits, - and _");
  }
  if (!IsSchedule(digest.schedule)) {
    in.problems().Add(in.Take("schedule"), in.Join("schedule"),
                      Quote(digest.schedule) +
                          " is not a schedule (use \"daily 07:00\", \"weekly mon 07:00\" or "
                          "\"every 6h\")");
  }
  if (!IsKnownTimezone(digest.timezone)) {
    in.problems().Add(in.Take("timezone"), in.Join("timezone"),
                      Quote(digest.timezone) + " is not an IANA time zone (e.g. Asia/Shanghai)");
  }
  if (!digest.from.empty() && digest.from.find('@') == std::string::npos) {
    in.problems().Add(in.Take("from"), in.Join("from"), Quote(digest.from) + " is not an address");
  }
  for (std::size_t i = 0; i < digest.to.size(); ++i) {
    if (digest.to[i].find('@') == std::string::npos) {
      in.problems().Add(in.Take("to")[i], in.Join("to") + "[" + std::to_string(i) + "]",
                        Quote(digest.to[i]) + " is not an address");
    }
  }
  if (in.Has("to") && digest.to.empty()) {
    in.problems().Add(in.Take("to"), in.Join("to"), "names no recipient");
  }
  CheckDelivery(in, digest.delivery);
  if (!digest.password_file.empty() && !digest.password_env.empty()) {
    in.problems().Add(in.Take("password_env"), in.Join("password_env"),
                      "give password_file or password_env, not both");
  }
}

}  // namespace

void ReadOutput(MapReader& in, OutputConfig& output, const std::string& base_dir) {
  output.mark = in.problems().MarkOf(in.node());
  const bool has_type = in.Require("type", " (feed or markdown)");
  in.String("type", &output.type);
  in.String("format", &output.format);
  in.String("path", &output.path);
  in.String("url_path", &output.url_path);
  in.String("title", &output.title);
  in.Number("max_items", &output.max_items, 1, 100'000);
  in.OptionalSeconds("max_age", &output.max_age, Seconds{1});
  in.StringList("categories", &output.categories);
  in.StringList("feeds", &output.feeds);
  in.StringList("include", &output.include);
  in.StringList("exclude", &output.exclude);
  in.Bool("collapse_duplicates", &output.collapse_duplicates);
  in.Bool("allow_data_images", &output.allow_data_images);
  in.String("template", &output.template_name);
  in.String("dir", &output.dir);
  in.Bool("export_back_catalogue", &output.export_back_catalogue);
  in.StringList("command", &output.command);
  in.WholeSeconds("command_timeout", &output.command_timeout, Seconds{1});
  if (!has_type) return;
  if (output.type == "feed") {
    CheckFeedOutput(in, output);
  } else if (output.type == "markdown") {
    CheckMarkdownOutput(in, output, base_dir);
  } else {
    in.problems().Add(in.Take("type"), in.Join("type"),
                      Quote(output.type) + " is not an output type (use feed or markdown)");
  }
}

void ReadServer(MapReader& in, ServerConfig& server) {
  in.Bool("enabled", &server.enabled);
  in.String("listen", &server.listen);
  in.String("public_url", &server.public_url);
  in.Number("max_connections", &server.max_connections, 1, 100'000);
  if (!server.public_url.empty()) {
    std::string why;
    std::optional<CheckedUrl> checked = CheckUrl(server.public_url, &why);
    if (checked) {
      why.clear();
      if (checked->scheme != "http" && checked->scheme != "https") {
        why = "is not an http:// or https:// URL";
      }
    }
    if (!why.empty()) {
      in.problems().Add(in.Take("public_url"), in.Join("public_url"),
                        Quote(server.public_url) + " " + why);
    }
    while (server.public_url.ends_with('/')) server.public_url.pop_back();
  }
  if (!IsListenAddress(server.listen)) {
    in.problems().Add(
        in.Take("listen"), in.Join("listen"),
        Quote(server.listen) + " is not host:port (e.g. 127.0.0.1:8080 or [::1]:8080)");
  }
}

void ReadDigest(MapReader& in, DigestConfig& digest, const fs::path& base_dir) {
  digest.mark = in.problems().MarkOf(in.node());
  if (in.Require("name")) in.String("name", &digest.name);
  in.String("schedule", &digest.schedule);
  in.String("timezone", &digest.timezone);
  if (in.Require("from")) in.String("from", &digest.from);
  if (in.Require("to")) in.StringList("to", &digest.to);
  in.String("subject", &digest.subject);
  in.StringList("categories", &digest.categories);
  in.StringList("feeds", &digest.feeds);
  in.StringList("include", &digest.include);
  in.StringList("exclude", &digest.exclude);
  in.Number("max_items", &digest.max_items, 1, 100'000);
  in.Number("max_items_per_feed", &digest.max_items_per_feed, 1, 100'000);
  in.Bool("send_empty", &digest.send_empty);
  in.String("delivery", &digest.delivery);
  in.String("password_file", &digest.password_file);
  in.String("password_env", &digest.password_env);
  for (auto [key, path] : {std::pair{"html_template", &digest.html_template},
                           std::pair{"text_template", &digest.text_template}}) {
    in.String(key, path);
    if (path->empty()) continue;
    *path = Resolve(base_dir, *path).string();
    std::error_code error;
    if (!fs::is_regular_file(*path, error)) {
      in.problems().Add(in.Take(key), in.Join(key),
                        "template file " + Quote(*path) + " does not exist");
    }
  }

  CheckDigest(in, digest);
}

}  // namespace tributary::config
