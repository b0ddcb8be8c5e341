#include "common/host.h"

#include <unistd.h>

namespace tributary {

std::string HostName() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "localhost";
  return host;
}

std::string DefaultNodeName() { return HostName() + "-" + std::to_string(getpid()); }

}  // namespace tributary
