#include "common/prometheus.h"

#include <cstdio>

namespace tributary::prometheus {

void Family(std::string* out, std::string_view name, std::string_view type, std::string_view help) {
  out->append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ");
  out->append(name).append(" ").append(type).append("\n");
}

void Sample(std::string* out, std::string_view name, std::string_view labels, double value) {
  char number[64];
  std::snprintf(number, sizeof number, "%.17g", value);
  out->append(name);
  if (!labels.empty()) out->append("{").append(labels).append("}");
  out->append(" ").append(number).append("\n");
}

void Single(std::string* out, std::string_view name, std::string_view type, std::string_view help,
            double value) {
  Family(out, name, type, help);
  Sample(out, name, "", value);
}

std::string EscapeLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace tributary::prometheus
