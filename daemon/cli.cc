#include "daemon/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "common/log.h"
#include "daemon/commands.h"

namespace tributary::daemon {
namespace {

constexpr const char* kDefaultConfig = "/etc/tributary/tributary.yaml";

void AddVersion(CLI::App* app) {
  app->set_version_flag("--version", std::string("tributary ") + TRIBUTARY_VERSION);
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App app{
      "Tributary: a feed aggregator daemon. Polls RSS, Atom and JSON feeds, keeps each "
      "item once, writes merged feeds, Markdown posts and digest emails."};
  app.require_subcommand(1);
  AddVersion(&app);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "warning", "error"}))
      ->capture_default_str();

  std::string config_path = kDefaultConfig;
  auto add_config = [&config_path](CLI::App* command) {
    command->add_option("-c,--config", config_path, "configuration file (YAML)")
        ->capture_default_str();
  };

  auto* run = app.add_subcommand("run", "run the daemon in the foreground (as systemd does)");
  add_config(run);

  std::vector<std::string> poll_feeds;
  auto* poll = app.add_subcommand(
      "poll", "fetch every feed (or those named) once, regenerate outputs, exit");
  add_config(poll);
  poll->add_option("--feed", poll_feeds, "only this feed (name or URL); repeatable");

  std::string parse_file;
  bool parse_json = false;
  std::string parse_url;
  std::string parse_content_type;
  auto* parse = app.add_subcommand("parse", "parse one feed document and print what was found");
  parse->add_option("file", parse_file, "feed file, or - for standard input")->required();
  parse->add_flag("--json", parse_json, "print the normalised result as JSON");
  parse->add_option("--url", parse_url, "the document's URL, for relative links");
  parse->add_option("--content-type", parse_content_type, "the HTTP Content-Type it came with");
  bool parse_warnings = false;
  parse->add_flag("--warnings", parse_warnings,
                  "with --json, add a \"warnings\" array: what was recovered from");

  auto* check =
      app.add_subcommand("check-config", "validate a configuration, print what would run");
  add_config(check);

  bool status_json = false;
  auto* status = app.add_subcommand("status", "one row per feed: health, next poll, items");
  add_config(status);
  status->add_flag("--json", status_json, "print JSON");

  std::string discover_target;
  auto* discover = app.add_subcommand("discover", "list the feeds a web page links to");
  discover->add_option("target", discover_target, "URL or HTML file")->required();

  auto* opml = app.add_subcommand("opml", "OPML import/export");
  opml->require_subcommand(1);
  auto* opml_export = opml->add_subcommand("export", "print every configured feed as OPML 2.0");
  add_config(opml_export);

  std::string digest_name;
  std::string digest_since;
  auto* digest = app.add_subcommand("digest", "digest e-mails");
  digest->require_subcommand(1);
  auto* digest_preview =
      digest->add_subcommand("preview", "print a digest's next message as it would be sent");
  add_config(digest_preview);
  digest_preview->add_option("name", digest_name, "the digest's name")->required();
  digest_preview->add_option("--since", digest_since,
                             "show the items since this RFC 3339 time instead");
  auto* digest_send = digest->add_subcommand("send", "send a digest now");
  add_config(digest_send);
  digest_send->add_option("name", digest_name, "the digest's name")->required();

  for (auto* command : {run, poll, parse, check, status, discover, opml, opml_export, digest,
                        digest_preview, digest_send}) {
    AddVersion(command);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }

  log::Level level = log::Level::kInfo;
  log::ParseLevel(log_level, &level);
  log::Init(level);

  if (run->parsed()) return RunCommand(config_path);
  if (poll->parsed()) return PollCommand(config_path, poll_feeds);
  if (parse->parsed()) {
    return ParseCommand(parse_file, parse_json, parse_url, parse_content_type, parse_warnings);
  }
  if (check->parsed()) return CheckConfigCommand(config_path);
  if (status->parsed()) return StatusCommand(config_path, status_json);
  if (discover->parsed()) return DiscoverCommand(discover_target);
  if (opml_export->parsed()) return OpmlExportCommand(config_path);
  if (digest_preview->parsed()) {
    return DigestPreviewCommand(config_path, digest_name, digest_since);
  }
  if (digest_send->parsed()) return DigestSendCommand(config_path, digest_name);
  std::cerr << app.help();
  return kExitUsage;
}

}  // namespace tributary::daemon
