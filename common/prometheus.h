// The Prometheus text exposition format (version 0.0.4), written by hand
// because it is three line shapes: every /metrics family of the daemon and
// of its HTTP server goes through these.
#pragma once

#include <string>
#include <string_view>

namespace tributary::prometheus {

// "# HELP name help" and "# TYPE name type" (counter, gauge, histogram).
void Family(std::string* out, std::string_view name, std::string_view type, std::string_view help);
// "name{labels} value"; `labels` without the braces (`code="2xx"`), empty
// for none. Integers up to 2^53 print exactly.
void Sample(std::string* out, std::string_view name, std::string_view labels, double value);
// A family of one unlabelled sample: Family() then Sample(name, "", value).
void Single(std::string* out, std::string_view name, std::string_view type, std::string_view help,
            double value);
// A label value with backslash, double quote and newline escaped.
std::string EscapeLabel(std::string_view value);

}  // namespace tributary::prometheus
