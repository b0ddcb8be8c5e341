// Atomic, change-aware file writes for every output (hostile-inputs G:
// readers never see a half-written file; an unchanged regeneration keeps
// the file's mtime, so HTTP validators and blog rebuilds stay quiet).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace tributary::output {

// Returns false, touching nothing, when `path` already holds exactly
// `content`. Otherwise creates the parent directories, writes a temp file in
// the same directory, fsyncs it, renames it over `path` and fsyncs the
// directory, then returns true. On failure the old file is intact and the
// temp file removed. New files get mode 0644; a replaced file keeps its mode.
Result<bool> WriteFileIfChanged(const std::string& path, std::string_view content);

}  // namespace tributary::output
