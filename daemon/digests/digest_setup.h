// Turns one `digests:` entry of the configuration into what the digest
// parts need: the runner's options (schedule, zone), the delivery target
// (with its password read) and a DigestInput template holding the message
// settings; the daemon fills in now, run_key and the items per run.
// Everything is validated here so a bad entry fails at start-up, naming the
// digest and the config position.
#pragma once

#include "common/result.h"
#include "config/config.h"
#include "daemon/digests/digest_runner.h"
#include "daemon/digests/mail_delivery.h"
#include "output/digest_message.h"

namespace tributary::daemon {

struct DigestSetup {
  DigestRunnerOptions runner;
  DeliveryTarget delivery;
  output::DigestInput message;  // name, from, to, subject, zone, caps
  std::string envelope_from;    // bare addr-spec of `from`
  std::vector<std::string> envelope_to;
};

Result<DigestSetup> PrepareDigest(const config::DigestConfig& digest);

}  // namespace tributary::daemon
