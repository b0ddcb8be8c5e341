// PgServer: a throwaway PostgreSQL 15 cluster for tests. The first caller
// of Shared() runs initdb (trust authentication, superuser `tributary`)
// in a fresh temporary directory and starts the server listening only on a
// Unix socket there (listen_addresses='', fsync off: the data is thrown
// away); the cluster is stopped and removed when the test binary exits.
// Each test takes a database of its own from CreateDatabase().
//
// As root (CI containers) initdb refuses to run, so the directory is
// given to the `postgres` user and the server runs as that user. Missing
// binaries are an error, never a skip: CI installs them (scripts/deps.sh).
// TRIBUTARY_PG_BIN overrides /usr/lib/postgresql/15/bin.
#pragma once

#include <string>

#include "common/result.h"

namespace tributary::testing {

class PgServer {
 public:
  // The binary's server, started on first use.
  static Result<PgServer*> Shared();
  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // Creates an empty database t_N and returns its URI.
  Result<std::string> CreateDatabase();
  // The URI of `database` on this server.
  std::string Url(const std::string& database) const;
  // Stops the server (fast shutdown: clients are disconnected) and starts
  // it again, for tests of lost connections.
  Result<void> Stop();
  Result<void> Start();

 private:
  PgServer(std::string bin, std::string dir, int port);
  Result<void> Init();
  // Runs a PostgreSQL program (as `postgres` when we are root), its output
  // appended to `log` in the cluster directory.
  Result<void> Run(const std::string& program, const std::string& args, const std::string& log);
  std::string Tail(const std::string& log) const;

  std::string bin_;
  std::string dir_;
  int port_;
  int databases_ = 0;
  bool running_ = false;
};

// For test fixtures: the URI of a fresh database on the shared server, or
// the reason there is none.
Result<std::string> FreshPgDatabase();

}  // namespace tributary::testing
