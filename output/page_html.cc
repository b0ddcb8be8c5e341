#include "output/page_html.h"

#include <array>
#include <chrono>
#include <cstdlib>

#include "common/text.h"

namespace tributary::output::page {
namespace {

// System fonts, a readable measure, light and dark palettes. Inline because
// the Content-Security-Policy allows inline styles and nothing else.
constexpr std::string_view kBaseStyle = R"css(
:root{color-scheme:light dark;--bg:#f7f6f2;--card:#fff;--fg:#1d2125;--muted:#62686f;
--line:#e4e1d9;--accent:#0a58a8;--visited:#6a3d9a;--bad:#b3261e;--bad-bg:#fdf0ef;
--ok:#1b7f3b;--ok-bg:#eaf6ee;--code:#f0eee8}
@media (prefers-color-scheme:dark){:root{--bg:#121416;--card:#1a1d21;--fg:#e4e4e0;
--muted:#9aa0a8;--line:#2c3036;--accent:#7cb8ff;--visited:#c4a5f5;--bad:#ff8a80;
--bad-bg:#2e1717;--ok:#6fdc8c;--ok-bg:#142a1b;--code:#23272c}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);
font:1.0625rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Ubuntu,Cantarell,sans-serif}
.wrap{max-width:44rem;margin:0 auto;padding:2rem 1.25rem 3rem}
a{color:var(--accent);text-decoration-thickness:1px;text-underline-offset:.15em}
a:visited{color:var(--visited)}
h1,h2,h3{line-height:1.25;margin:0}
.masthead{margin-bottom:2rem}
.masthead h1{font-size:1.9rem;letter-spacing:-.01em}
.masthead p{margin:.35rem 0 0;color:var(--muted)}
nav.links{margin-top:.75rem;display:flex;flex-wrap:wrap;gap:.4rem}
nav.links a{display:inline-block;padding:.15rem .7rem;border:1px solid var(--line);
border-radius:999px;background:var(--card);font-size:.875rem;text-decoration:none;color:var(--fg)}
nav.links a:hover{border-color:var(--accent);color:var(--accent)}
.muted{color:var(--muted)}
footer.page{margin-top:3rem;padding-top:1rem;border-top:1px solid var(--line);
color:var(--muted);font-size:.875rem}
time{white-space:nowrap}
code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Liberation Mono",monospace;
font-size:.9em;background:var(--code);border-radius:4px}
code{padding:.05em .3em}
pre{padding:.75rem;overflow-x:auto}
)css";

constexpr std::array<const char*, 7> kWeekdays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                  "Thursday", "Friday", "Saturday"};
constexpr std::array<const char*, 12> kMonths = {"January",   "February", "March",    "April",
                                                 "May",       "June",     "July",     "August",
                                                 "September", "October",  "November", "December"};

std::string TwoDigits(long long n) {
  return std::string(1, static_cast<char>('0' + n / 10 % 10)) + static_cast<char>('0' + n % 10);
}

struct Civil {
  std::chrono::year_month_day date;
  std::chrono::weekday weekday;
  long long hours = 0;
  long long minutes = 0;
};

Civil ToCivil(Timestamp t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  auto since_midnight = std::chrono::duration_cast<std::chrono::minutes>(t - day).count();
  return Civil{std::chrono::year_month_day{day}, std::chrono::weekday{day}, since_midnight / 60,
               since_midnight % 60};
}

std::string MonthName(const std::chrono::year_month_day& date) {
  return kMonths[(static_cast<unsigned>(date.month()) - 1) % 12];
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  // The common escaper between the characters it does not handle: ' (so
  // single-quoted attributes are safe too) and the control characters HTML
  // forbids, which are dropped.
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool control =
        (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
        c == '\x7f';
    if (!control && c != '\'') continue;
    AppendHtmlEscaped(out, text.substr(start, i - start), true);
    if (c == '\'') out += "&#39;";
    start = i + 1;
  }
  AppendHtmlEscaped(out, text.substr(start), true);
  return out;
}

std::string SafeHref(std::string_view url) {
  // Browsers ignore leading spaces and strip tabs and newlines inside URLs
  // ("java\tscript:"), so any control character or space disqualifies it.
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '\x7f') return "";
  }
  const bool rooted = url.starts_with('/') && !url.starts_with("//") && !url.starts_with("/\\");
  if (rooted || StartsWithIgnoreCase(url, "https://") || StartsWithIgnoreCase(url, "http://")) {
    return Escape(url);
  }
  return "";
}

std::string FormatDay(Timestamp t) {
  Civil c = ToCivil(t);
  return std::string(kWeekdays[c.weekday.c_encoding() % 7]) + ", " +
         std::to_string(static_cast<unsigned>(c.date.day())) + " " + MonthName(c.date) + " " +
         std::to_string(static_cast<int>(c.date.year()));
}

std::string FormatClock(Timestamp t) {
  Civil c = ToCivil(t);
  return TwoDigits(c.hours) + ":" + TwoDigits(c.minutes);
}

std::string FormatDateTime(Timestamp t) {
  Civil c = ToCivil(t);
  return std::to_string(static_cast<unsigned>(c.date.day())) + " " +
         MonthName(c.date).substr(0, 3) + " " + std::to_string(static_cast<int>(c.date.year())) +
         ", " + FormatClock(t) + " UTC";
}

std::string FormatAge(Timestamp t, Timestamp now) {
  const long long seconds = (now - t).count();
  const long long magnitude = std::llabs(seconds);
  std::string amount;
  if (magnitude < 60) {
    return seconds >= 0 ? "just now" : "in under a minute";
  } else if (magnitude < 3600) {
    amount = std::to_string(magnitude / 60) + " min";
  } else if (magnitude < 48 * 3600) {
    amount = std::to_string(magnitude / 3600) + " h";
  } else {
    amount = std::to_string(magnitude / 86400) + " days";
  }
  return seconds >= 0 ? amount + " ago" : "in " + amount;
}

std::string TimeElement(Timestamp t, std::string_view text) {
  return "<time datetime=\"" + FormatRfc3339(t) + "\">" + Escape(text) + "</time>";
}

std::string PageStart(std::string_view title, std::string_view extra_css,
                      std::string_view head_extra) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"color-scheme\" content=\"light dark\">\n"
      "<meta name=\"referrer\" content=\"no-referrer\">\n<title>";
  html += Escape(title);
  html += "</title>\n";
  html += head_extra;
  html += "<style>";
  html += kBaseStyle;
  html += extra_css;
  html += "</style>\n</head>\n<body>\n<div class=\"wrap\">\n";
  return html;
}

std::string PageEnd() { return "</div>\n</body>\n</html>\n"; }

}  // namespace tributary::output::page
