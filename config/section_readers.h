// The section readers of the config file that stand alone: outputs[],
// server and digests[]. Each reads its keys through MapReader and checks
// what it can check without the rest of the file (config_loader.cc checks
// the references between sections).
#pragma once

#include <filesystem>
#include <string>

#include "config/config.h"
#include "config/map_reader.h"

namespace tributary::config {

void ReadOutput(MapReader& in, OutputConfig& output, const std::string& base_dir);
void ReadServer(MapReader& in, ServerConfig& server);
void ReadDigest(MapReader& in, DigestConfig& digest, const std::filesystem::path& base_dir);

}  // namespace tributary::config
