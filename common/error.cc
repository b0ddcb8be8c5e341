#include "common/error.h"

namespace tributary {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kConfig:
      return "config";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kNotAFeed:
      return "not_a_feed";
    case ErrorCode::kParse:
      return "parse_error";
    case ErrorCode::kStorage:
      return "storage_error";
    case ErrorCode::kStorageBusy:
      return "storage_busy";
    case ErrorCode::kStorageFull:
      return "storage_full";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kNetwork:
      return "network";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace tributary
