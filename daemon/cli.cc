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

// Dispatch's answer when no command was given.
constexpr int kNoCommand = -1;

// Everything the command line can set, filled in by CLI11.
struct CliOptions {
  std::string log_level = "info";
  std::string config_path = kDefaultConfig;
  std::vector<std::string> poll_feeds;
  std::string parse_file;
  bool parse_json = false;
  bool parse_warnings = false;
  std::string parse_url;
  std::string parse_content_type;
  bool status_json = false;
  bool check_connect = false;
  std::string discover_target;
  std::string digest_name;
  std::string digest_since;
  std::string copy_from;
  std::string copy_to;
};

// The subcommands, to see which one was given.
struct Commands {
  CLI::App* run = nullptr;
  CLI::App* poll = nullptr;
  CLI::App* parse = nullptr;
  CLI::App* check = nullptr;
  CLI::App* status = nullptr;
  CLI::App* discover = nullptr;
  CLI::App* opml_export = nullptr;
  CLI::App* digest_preview = nullptr;
  CLI::App* digest_send = nullptr;
  CLI::App* db_copy = nullptr;
};

CLI::App* AddCommand(CLI::App& parent, const char* name, const char* help, CliOptions& o,
                     bool takes_config) {
  CLI::App* command = parent.add_subcommand(name, help);
  AddVersion(command);
  if (takes_config) {
    command->add_option("-c,--config", o.config_path, "configuration file (YAML)")
        ->capture_default_str();
  }
  return command;
}

void AddFeedCommands(CLI::App& app, CliOptions& o, Commands& c) {
  c.run = AddCommand(app, "run", "run the daemon in the foreground (as systemd does)", o, true);
  c.poll = AddCommand(app, "poll",
                      "fetch every feed (or those named) once, regenerate outputs, exit", o, true);
  c.poll->add_option("--feed", o.poll_feeds, "only this feed (name or URL); repeatable");
  c.parse = AddCommand(app, "parse", "parse one feed document and print what was found", o, false);
  c.parse->add_option("file", o.parse_file, "feed file, or - for standard input")->required();
  c.parse->add_flag("--json", o.parse_json, "print the normalised result as JSON");
  c.parse->add_option("--url", o.parse_url, "the document's URL, for relative links");
  c.parse->add_option("--content-type", o.parse_content_type, "the HTTP Content-Type it came with");
  c.parse->add_flag("--warnings", o.parse_warnings,
                    "with --json, add a \"warnings\" array: what was recovered from");
  c.check =
      AddCommand(app, "check-config", "validate a configuration, print what would run", o, true);
  c.check->add_flag("--connect", o.check_connect,
                    "also open the database: does it answer, is its schema current");
  c.status = AddCommand(app, "status", "one row per feed: health, next poll, items", o, true);
  c.status->add_flag("--json", o.status_json, "print JSON");
  c.discover = AddCommand(app, "discover", "list the feeds a web page links to", o, false);
  c.discover->add_option("target", o.discover_target, "URL or HTML file")->required();
  CLI::App* opml = AddCommand(app, "opml", "OPML import/export", o, false);
  opml->require_subcommand(1);
  c.opml_export = AddCommand(*opml, "export", "print every configured feed as OPML 2.0", o, true);
}

void AddDigestAndDatabaseCommands(CLI::App& app, CliOptions& o, Commands& c) {
  CLI::App* digest = AddCommand(app, "digest", "digest e-mails", o, false);
  digest->require_subcommand(1);
  c.digest_preview =
      AddCommand(*digest, "preview", "print a digest's next message as it would be sent", o, true);
  c.digest_preview->add_option("name", o.digest_name, "the digest's name")->required();
  c.digest_preview->add_option("--since", o.digest_since,
                               "show the items since this RFC 3339 time instead");
  c.digest_send = AddCommand(*digest, "send", "send a digest now", o, true);
  c.digest_send->add_option("name", o.digest_name, "the digest's name")->required();

  CLI::App* db = AddCommand(app, "db", "the database", o, false);
  db->require_subcommand(1);
  c.db_copy =
      AddCommand(*db, "copy", "copy a SQLite database into an empty PostgreSQL database", o, false);
  c.db_copy->add_option("--from", o.copy_from, "the SQLite database file")->required();
  c.db_copy->add_option("--to", o.copy_to, "postgresql://[user@]host[:port]/dbname")->required();
}

int Dispatch(const Commands& c, const CliOptions& o) {
  if (c.run->parsed()) return RunCommand(o.config_path);
  if (c.poll->parsed()) return PollCommand(o.config_path, o.poll_feeds);
  if (c.parse->parsed()) {
    return ParseCommand(o.parse_file, o.parse_json, o.parse_url, o.parse_content_type,
                        o.parse_warnings);
  }
  if (c.check->parsed()) return CheckConfigCommand(o.config_path, o.check_connect);
  if (c.status->parsed()) return StatusCommand(o.config_path, o.status_json);
  if (c.discover->parsed()) return DiscoverCommand(o.discover_target);
  if (c.opml_export->parsed()) return OpmlExportCommand(o.config_path);
  if (c.digest_preview->parsed()) {
    return DigestPreviewCommand(o.config_path, o.digest_name, o.digest_since);
  }
  if (c.digest_send->parsed()) return DigestSendCommand(o.config_path, o.digest_name);
  if (c.db_copy->parsed()) return DbCopyCommand(o.copy_from, o.copy_to);
  return kNoCommand;
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App app{
      "Tributary: a feed aggregator daemon. Polls RSS, Atom and JSON feeds, keeps each "
      "item once, writes merged feeds, Markdown posts and digest emails."};
  app.require_subcommand(1);
  AddVersion(&app);
  CliOptions options;
  app.add_option("--log-level", options.log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "warning", "error"}))
      ->capture_default_str();
  Commands commands;
  AddFeedCommands(app, options, commands);
  AddDigestAndDatabaseCommands(app, options, commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  log::Level level = log::Level::kInfo;
  log::ParseLevel(options.log_level, &level);
  log::Init(level);
  const int result = Dispatch(commands, options);
  if (result != kNoCommand) return result;
  std::cerr << app.help();
  return kExitUsage;
}

}  // namespace tributary::daemon
