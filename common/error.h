// Error: what went wrong, as a small closed code plus a message for people.
// `context` names the thing at fault (a feed name, a file:line, a key) so a
// log line built from an Error always says where to look.
#pragma once

#include <string>
#include <string_view>

namespace tributary {

enum class ErrorCode {
  kInvalidArgument,  // caller passed something malformed
  kConfig,           // configuration file problem
  kIo,               // file system or OS call failed
  kNotAFeed,         // bytes are not RSS/Atom/JSON Feed
  kParse,            // a feed document could not be parsed
  kStorage,          // database failure
  kStorageBusy,      // database locked by someone else, retry later
  kStorageFull,      // disk full
  kNotFound,         // a looked-up record does not exist
  kNetwork,          // fetch or delivery failure
  kInternal,         // a bug or an impossible state
};

std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string context;

  // "context: message" or just "message".
  std::string ToString() const { return context.empty() ? message : context + ": " + message; }
};

}  // namespace tributary
