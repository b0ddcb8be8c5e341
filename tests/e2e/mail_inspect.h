// Test helper: parses raw messages with Python's email package through
// tests/e2e/mail_inspect.py and returns its JSON (one object per file).
#pragma once

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/source_dir.h"

namespace tributary::testing {

inline std::string WriteTempMessage(const std::string& dir, const std::string& name,
                                    const std::string& bytes) {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// Paths come from mkdtemp (no shell metacharacters).
inline nlohmann::json InspectMail(const std::vector<std::string>& files) {
  std::string command = "/usr/bin/python3 " TRIBUTARY_SOURCE_DIR "/tests/e2e/mail_inspect.py";
  for (const std::string& file : files) command += " '" + file + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return nullptr;
  std::string output;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  if (pclose(pipe) != 0) return nullptr;
  return nlohmann::json::parse(output, nullptr, false);
}

}  // namespace tributary::testing
