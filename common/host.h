// This machine, as other machines see it in names we make.
#pragma once

#include <string>

namespace tributary {

// The host name (gethostname), "localhost" when it has none.
std::string HostName();

// "<host name>-<pid>": the default name of a daemon among several
// (cluster.node).
std::string DefaultNodeName();

}  // namespace tributary
