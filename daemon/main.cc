// tributary: a feed aggregator daemon. Arguments -> command -> exit code;
// daemon/cli.cc has the commands.
#include <exception>
#include <iostream>

#include "daemon/cli.h"

int main(int argc, char** argv) {
  try {
    return tributary::daemon::RunCli(argc, argv);
  } catch (const std::exception& e) {
    // Only bugs get here: every expected failure is a Result.
    std::cerr << "tributary: internal error: " << e.what() << "\n";
    return 70;  // EX_SOFTWARE
  }
}
