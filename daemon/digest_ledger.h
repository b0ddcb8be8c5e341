// The digests' exactly-once ledger interface lives in storage/ (which owns
// the SQL); the daemon's digest code uses it under its own namespace.
#pragma once

#include "storage/digest_ledger.h"

namespace tributary::daemon {

using storage::DigestCursor;
using storage::DigestLedger;
using storage::DigestRun;
using storage::DigestRunState;
using storage::DigestRunStateName;

}  // namespace tributary::daemon
