// One function per CLI command; each returns the process exit code and
// prints its own errors (naming the file, feed or key at fault).
#pragma once

#include <string>
#include <vector>

#include "common/log.h"

namespace tributary::daemon {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitDataError = 65;
inline constexpr int kExitNoInput = 66;
inline constexpr int kExitTempFail = 75;
inline constexpr int kExitConfig = 78;

int RunCommand(const std::string& config_path);
int PollCommand(const std::string& config_path, const std::vector<std::string>& feeds);
// `warnings`: with --json, add the recovered problems as a "warnings" array.
int ParseCommand(const std::string& file, bool json, const std::string& url,
                 const std::string& content_type, bool warnings = false);
// With `connect`, also asks the database whether it answers and how its
// schema compares with this program's (changing nothing).
int CheckConfigCommand(const std::string& config_path, bool connect);
int StatusCommand(const std::string& config_path, bool json);
int DiscoverCommand(const std::string& target);
int OpmlExportCommand(const std::string& config_path);
// Prints digest `name`'s next message (or that of the items since `since`,
// RFC 3339) exactly as it would be sent; changes no state.
int DigestPreviewCommand(const std::string& config_path, const std::string& name,
                         const std::string& since);
// Sends digest `name` now (exactly-once bookkeeping). Exit 75 when the
// delivery failed and the items stay queued for a retry.
int DigestSendCommand(const std::string& config_path, const std::string& name);
// `db copy`: the SQLite database `from` into the empty PostgreSQL `to`.
int DbCopyCommand(const std::string& from, const std::string& to);

}  // namespace tributary::daemon
