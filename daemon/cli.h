// The command line: `tributary <command> [options]`. Each command is a
// function in daemon/commands.cc; this file only parses arguments (CLI11).
#pragma once

namespace tributary::daemon {

// Exit codes follow sysexits(3) where one fits: 0 ok, 1 a feed or output
// failed, 2 usage, 65 bad input data, 66 missing input, 70 internal,
// 75 temporary failure (database busy), 78 configuration error.
int RunCli(int argc, char** argv);

}  // namespace tributary::daemon
