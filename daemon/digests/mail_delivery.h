// Hands a finished RFC 5322 message to where the reader gets mail:
//   maildir:PATH          write PATH/tmp/UNIQUE, fsync, rename to PATH/new/
//                         (PATH/{tmp,new,cur} are created as needed)
//   smtp://[user@]host[:port][?starttls=no]
//   smtps://[user@]host[:port]
//                         libcurl SMTP. smtp:// requires STARTTLS
//                         (CURLUSESSL_ALL) unless the URL ends in
//                         "?starttls=no" (for loopback test servers and
//                         local relays); smtps:// is TLS from the start.
//                         AUTH uses the URL's user and a password read from
//                         password_file or the environment variable
//                         password_env; the password is never logged.
//   sendmail:/path        posix_spawn("/path", "-i", "-f", from, "--", to...)
//                         with the message on stdin; exit status checked;
//                         killed after total_timeout.
//
// Deliver() BLOCKS (network round trips, fsync, waiting for sendmail): the
// daemon must call it off the io_context thread. It holds no state between
// calls and is safe to call from several threads at once.
//
// Errors are classified for the retry policy (IsTransientDeliveryError):
// kNetwork = transient (connection refused or dropped, timeouts, SMTP 4xx,
// sendmail EX_TEMPFAIL): retry later; kIo = transient (disk full, ...);
// kInvalidArgument = permanent (SMTP 5xx, a rejected recipient, bad
// configuration, sendmail failing otherwise).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace tributary::daemon {

struct DeliveryTarget {
  enum class Kind { kMaildir, kSmtp, kSendmail };
  Kind kind = Kind::kMaildir;
  std::string path;  // maildir directory or sendmail program
  std::string url;   // smtp(s)://host:port, without user or query
  bool require_tls = true;
  std::string username;
  std::string password;  // never logged
  Seconds connect_timeout{30};
  Seconds command_timeout{30};  // per SMTP command (server response)
  Seconds total_timeout{300};

  // For log lines: the kind and where, without credentials.
  std::string Describe() const;
};

// Parses a `delivery:` value. The password, when the URL has a user, is
// read from password_file (first line, trailing newline dropped) or from the
// environment variable password_env. Errors name the value (censored).
Result<DeliveryTarget> ParseDeliveryTarget(std::string_view spec,
                                           const std::string& password_file = "",
                                           const std::string& password_env = "");

// Delivers `message` (CRLF line endings) to `to`, with envelope sender
// `from` (bare addr-specs, from config).
Result<void> Deliver(const DeliveryTarget& target, const std::string& from,
                     const std::vector<std::string>& to, std::string_view message);

// True when retrying later may succeed (see the classification above).
bool IsTransientDeliveryError(const Error& error);

}  // namespace tributary::daemon
