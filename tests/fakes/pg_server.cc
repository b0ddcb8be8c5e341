#include "tests/fakes/pg_server.h"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <random>
#include <system_error>
#include <utility>

namespace tributary::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDefaultBin = "/usr/lib/postgresql/15/bin";

Error HarnessError(std::string message) {
  return Error{ErrorCode::kInternal, "test PostgreSQL: " + std::move(message), ""};
}

// Single-quotes `text` for /bin/sh.
std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

Result<std::string> MissingBinaries(const std::string& bin) {
  for (const char* program : {"initdb", "pg_ctl", "postgres"}) {
    if (access((bin + "/" + program).c_str(), X_OK) != 0) {
      return HarnessError(bin + "/" + program +
                          " not found: install postgresql-15 (scripts/deps.sh) or point "
                          "TRIBUTARY_PG_BIN at the PostgreSQL 15 binaries");
    }
  }
  return std::string();
}

// initdb refuses root; the cluster then belongs to `postgres`.
Result<void> GiveToPostgres(const std::string& dir) {
  if (geteuid() != 0) return Ok();
  const passwd* user = getpwnam("postgres");
  if (user == nullptr) {
    return HarnessError("running as root needs the `postgres` user to own the cluster");
  }
  if (chown(dir.c_str(), user->pw_uid, user->pw_gid) != 0) {
    return HarnessError("cannot chown " + dir + " to postgres");
  }
  return Ok();
}

std::unique_ptr<PgServer>& Instance() {
  static std::unique_ptr<PgServer> server;
  return server;
}

// Why the server could not be started: every later test fails with the
// same message at once instead of running initdb again.
std::optional<Error>& StartFailure() {
  static std::optional<Error> failure;
  return failure;
}

}  // namespace

PgServer::PgServer(std::string bin, std::string dir, int port)
    : bin_(std::move(bin)), dir_(std::move(dir)), port_(port) {}

Result<PgServer*> PgServer::Shared() {
  auto& server = Instance();
  if (server) return server.get();
  if (StartFailure()) return *StartFailure();
  const char* override_bin = std::getenv("TRIBUTARY_PG_BIN");
  const std::string bin = override_bin != nullptr ? override_bin : kDefaultBin;
  if (auto missing = MissingBinaries(bin); !missing) return *(StartFailure() = missing.error());
  std::string pattern = (fs::temp_directory_path() / "tributary-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return HarnessError("mkdtemp failed in /tmp");
  // The socket is named after the port; a random one keeps concurrent test
  // binaries apart even if they shared a socket directory.
  std::random_device random;
  const int port = 20000 + static_cast<int>(random() % 30000);
  std::unique_ptr<PgServer> started(new PgServer(bin, pattern, port));
  if (auto ready = started->Init(); !ready) return *(StartFailure() = ready.error());
  server = std::move(started);
  return server.get();
}

Result<void> PgServer::Init() {
  if (auto owned = GiveToPostgres(dir_); !owned) return owned.error();
  if (auto init = Run("initdb",
                      "-D " + Quote(dir_ + "/data") +
                          " -A trust -U tributary -E UTF8 --locale=C --no-sync --no-instructions",
                      "initdb.log");
      !init) {
    return init.error();
  }
  std::ofstream conf(dir_ + "/data/postgresql.conf", std::ios::app);
  conf << "\nlisten_addresses = ''\n"
       << "unix_socket_directories = '" << dir_ << "'\n"
       << "port = " << port_ << "\n"
       << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
       << "max_connections = 40\n";
  conf.close();
  if (!conf) return HarnessError("cannot write " + dir_ + "/data/postgresql.conf");
  return Start();
}

PgServer::~PgServer() {
  if (running_) {
    (void)Run("pg_ctl", "-D " + Quote(dir_ + "/data") + " -m immediate -w stop", "pg_ctl.log");
  }
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

Result<void> PgServer::Run(const std::string& program, const std::string& args,
                           const std::string& log) {
  std::string command = Quote(bin_ + "/" + program) + " " + args;
  if (geteuid() == 0) command = "runuser -u postgres -- " + command;
  command += " >>" + Quote(dir_ + "/" + log) + " 2>&1";
  const int status = std::system(command.c_str());
  if (status != 0) {
    return HarnessError(program + " failed (" + command + "):\n" + Tail(log) +
                        (log == "pg_ctl.log" ? Tail("server.log") : ""));
  }
  return Ok();
}

std::string PgServer::Tail(const std::string& log) const {
  std::ifstream in(dir_ + "/" + log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

Result<void> PgServer::Start() {
  auto started =
      Run("pg_ctl",
          "-D " + Quote(dir_ + "/data") + " -l " + Quote(dir_ + "/server.log") + " -w -t 60 start",
          "pg_ctl.log");
  running_ = started.has_value();
  return started;
}

Result<void> PgServer::Stop() {
  auto stopped = Run("pg_ctl", "-D " + Quote(dir_ + "/data") + " -m fast -w stop", "pg_ctl.log");
  if (stopped) running_ = false;
  return stopped;
}

std::string PgServer::Url(const std::string& database) const {
  return "postgresql://tributary@/" + database + "?host=" + dir_ + "&port=" + std::to_string(port_);
}

Result<std::string> PgServer::CreateDatabase() {
  const std::string name = "t_" + std::to_string(++databases_);
  try {
    pqxx::connection admin(Url("postgres"));
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + name);
  } catch (const std::exception& e) {
    return HarnessError("cannot create database " + name + ": " + e.what() + "\n" +
                        Tail("server.log"));
  }
  return Url(name);
}

Result<std::string> FreshPgDatabase() {
  auto server = PgServer::Shared();
  if (!server) return server.error();
  return (*server)->CreateDatabase();
}

}  // namespace tributary::testing
