#include "output/status_page.h"

#include <algorithm>

#include "common/log.h"
#include "output/page_html.h"

namespace tributary::output {
namespace {

// A table on wide screens; below 48rem each row becomes a card whose cells
// carry their column name (data-label), so nothing scrolls sideways.
constexpr std::string_view kStatusStyle = R"css(
.wrap{max-width:76rem}
main>h2{font-size:1.1rem;margin:2.25rem 0 .75rem}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.75rem}
.count{padding:.3rem .8rem;border-radius:8px;background:var(--card);border:1px solid var(--line);
font-size:.9rem}
.count strong{font-size:1.05rem}
.count.bad{background:var(--bad-bg);border-color:var(--bad);color:var(--bad)}
table.feeds{width:100%;border-collapse:separate;border-spacing:0;background:var(--card);
border:1px solid var(--line);border-radius:10px;overflow:hidden;font-size:.9rem}
.feeds th{text-align:left;font-size:.75rem;text-transform:uppercase;letter-spacing:.06em;
color:var(--muted);font-weight:600;padding:.6rem .75rem;border-bottom:1px solid var(--line)}
.feeds td{padding:.6rem .75rem;border-bottom:1px solid var(--line);vertical-align:top}
.feeds tr:last-child td{border-bottom:0}
.feeds tr.failing td{background:var(--bad-bg)}
.feeds tr.failing td:first-child{box-shadow:inset 4px 0 0 var(--bad)}
.feeds .num{text-align:right;font-variant-numeric:tabular-nums}
.feed-name{font-weight:600}
.feed-url{font-size:.8rem;color:var(--muted);overflow-wrap:anywhere;
font-family:ui-monospace,Menlo,Consolas,monospace}
.sub{font-size:.8rem;color:var(--muted)}
.when{white-space:nowrap}
.badge{display:inline-block;padding:.05rem .55rem;border-radius:999px;font-size:.75rem;
font-weight:700;letter-spacing:.02em;white-space:nowrap}
.badge.ok{background:var(--ok-bg);color:var(--ok)}
.badge.bad{background:var(--bad);color:var(--card)}
.badge.new{background:var(--code);color:var(--muted)}
.error-class{font-weight:700;color:var(--bad)}
.error-message{overflow-wrap:anywhere}
.none{color:var(--muted)}
@media (max-width:48rem){
.wrap{padding:1.25rem .75rem 2rem}
table.feeds,.feeds tbody,.feeds tr,.feeds td{display:block;width:100%}
table.feeds{background:none;border:0;border-radius:0}
.feeds thead{display:none}
.feeds tr{background:var(--card);border:1px solid var(--line);border-radius:10px;
margin-bottom:.75rem;overflow:hidden}
.feeds tr.failing{border-color:var(--bad)}
.feeds td{border:0;padding:.3rem .9rem;display:grid;grid-template-columns:7.5rem 1fr;gap:.5rem}
.feeds td.feed{display:block;padding-top:.75rem}
.feeds td:last-child{padding-bottom:.75rem}
.feeds td[data-label]::before{content:attr(data-label);color:var(--muted);font-size:.75rem;
text-transform:uppercase;letter-spacing:.05em;padding-top:.15rem}
.feeds .num{text-align:left}
.feeds tr.failing td:first-child{box-shadow:none}
}
)css";

bool IsFailing(const FeedHealth& feed) { return !feed.error_class.empty(); }

// A labelled cell; its content is one block so that the phone layout's grid
// has exactly two columns: the label (::before) and the content.
std::string Cell(std::string_view label, std::string_view content, std::string_view cls = "") {
  std::string html = "<td data-label=\"" + std::string(label) + "\"";
  if (!cls.empty()) html += " class=\"" + std::string(cls) + "\"";
  return html + "><div>" + std::string(content) + "</div></td>";
}

std::string TimeWithAge(const std::optional<Timestamp>& t, Timestamp now, std::string_view none) {
  if (!t) return "<span class=\"none\">" + page::Escape(none) + "</span>";
  return page::TimeElement(*t, page::FormatAge(*t, now)) + "<div class=\"sub when\">" +
         page::Escape(page::FormatDateTime(*t)) + "</div>";
}

std::string RenderFeedCell(const FeedHealth& feed) {
  std::string html = "<td class=\"feed\">";
  if (IsFailing(feed)) {
    html += "<span class=\"badge bad\">Failing</span> ";
  } else if (!feed.last_success) {
    html += "<span class=\"badge new\">Not yet polled</span> ";
  } else {
    html += "<span class=\"badge ok\">OK</span> ";
  }
  const std::string name = feed.name.empty() ? log::CensorUrl(feed.url) : feed.name;
  std::string href = page::SafeHref(feed.site_link);
  if (href.empty()) {
    html += "<span class=\"feed-name\">" + page::Escape(name) + "</span>";
  } else {
    html += "<a class=\"feed-name\" href=\"" + href + "\">" + page::Escape(name) + "</a>";
  }
  html += "<div class=\"feed-url\">" + page::Escape(log::CensorUrl(feed.url)) + "</div></td>";
  return html;
}

std::string RenderError(const FeedHealth& feed, Timestamp now) {
  if (!IsFailing(feed)) return "<span class=\"none\">none</span>";
  std::string html = "<span class=\"error-class\">" + page::Escape(feed.error_class) + "</span>";
  if (!feed.error_message.empty()) {
    html += " <span class=\"error-message\">" + page::Escape(feed.error_message) + "</span>";
  }
  html += "<div class=\"sub\">";
  if (feed.consecutive_failures > 1) {
    html += std::to_string(feed.consecutive_failures) + " failures in a row";
  } else {
    html += "first failure";
  }
  if (feed.last_attempt) {
    html +=
        ", last " + page::TimeElement(*feed.last_attempt, page::FormatAge(*feed.last_attempt, now));
  }
  html += "</div>";
  return html;
}

std::string RenderRow(const FeedHealth& feed, Timestamp now) {
  std::string html = IsFailing(feed) ? "<tr class=\"failing\">" : "<tr>";
  html += RenderFeedCell(feed);
  html += Cell("Last success", TimeWithAge(feed.last_success, now, "never"));
  html += Cell("Last error", RenderError(feed, now));
  html +=
      Cell("HTTP",
           feed.http_status ? std::to_string(*feed.http_status) : "<span class=\"none\">–</span>",
           "num");
  html += Cell("Next poll", feed.fetching_node.empty()
                                ? TimeWithAge(feed.next_poll, now, "not scheduled")
                                : "fetching on " + page::Escape(feed.fetching_node));
  html += Cell("Items", std::to_string(feed.items), "num");
  html += "</tr>\n";
  return html;
}

std::string RenderMasthead(const StatusPage& page, std::size_t failing, std::int64_t items) {
  std::string html = "<header class=\"masthead\">\n<h1>" + page::Escape(page.title) + "</h1>\n";
  html += "<p>";
  if (!page.version.empty()) html += "Tributary " + page::Escape(page.version) + " · ";
  if (!page.node.empty()) {
    html += "node " + page::Escape(page.node) +
            (page.writer ? " (writes the files)" : " (another node writes the files)") + " · ";
  }
  if (page.started) {
    html +=
        "up since " + page::TimeElement(*page.started, page::FormatDateTime(*page.started)) + " · ";
  }
  html += "updated " + page::TimeElement(page.generated, page::FormatDateTime(page.generated));
  html += "</p>\n<div class=\"counts\">";
  html += "<span class=\"count\"><strong>" + std::to_string(page.feeds.size()) +
          "</strong> feeds</span>";
  html += failing > 0 ? "<span class=\"count bad\">" : "<span class=\"count\">";
  html += "<strong>" + std::to_string(failing) + "</strong> failing</span>";
  html += "<span class=\"count\"><strong>" + std::to_string(items) + "</strong> items</span>";
  html += "</div>\n";
  std::string river = page::SafeHref(page.river_url);
  if (!river.empty()) html += "<nav class=\"links\"><a href=\"" + river + "\">River</a></nav>\n";
  html += "</header>\n";
  return html;
}

std::string RenderHostRow(const HostHealth& host, Timestamp now) {
  const bool slowed = host.slowdown_level > 0 || host.blocked_until;
  std::string html = slowed ? "<tr class=\"failing\">" : "<tr>";
  html += Cell("Host", "<span class=\"name\">" + page::Escape(host.host) + "</span>" +
                           (host.own_service ? " <span class=\"sub\">own service</span>" : ""));
  html += Cell("Active", std::to_string(host.active), "num");
  std::string budget = std::to_string(host.max_per_host);
  if (host.max_per_host != host.configured_max_per_host) {
    budget += " <span class=\"sub\">of " + std::to_string(host.configured_max_per_host) + "</span>";
  }
  html += Cell("At once", budget, "num");
  html += Cell("Spacing", std::to_string(host.spacing_ms) + " ms", "num");
  std::string state = "<span class=\"none\">–</span>";
  if (host.blocked_until) {
    state = "waiting out Retry-After until " +
            page::TimeElement(*host.blocked_until, page::FormatAge(*host.blocked_until, now));
  } else if (host.slowdown_level > 0) {
    state = "slowed down after 429/503 (" + std::to_string(host.slowdown_level) + "x)";
  }
  html += Cell("State", state);
  html += "</tr>\n";
  return html;
}

std::string RenderHosts(const StatusPage& page) {
  std::string html =
      "<h2>Hosts</h2>\n<table class=\"feeds hosts\">\n<thead><tr><th>Host</th>"
      "<th class=\"num\">Active</th><th class=\"num\">At once</th><th class=\"num\">Spacing</th>"
      "<th>State</th></tr></thead>\n<tbody>\n";
  for (const HostHealth& host : page.hosts) html += RenderHostRow(host, page.generated);
  html += "</tbody>\n</table>\n";
  return html;
}

}  // namespace

std::string RenderStatusPage(const StatusPage& page) {
  std::vector<const FeedHealth*> feeds;
  feeds.reserve(page.feeds.size());
  std::int64_t items = 0;
  for (const FeedHealth& feed : page.feeds) {
    feeds.push_back(&feed);
    items += feed.items;
  }
  auto healthy = std::stable_partition(feeds.begin(), feeds.end(),
                                       [](const FeedHealth* feed) { return IsFailing(*feed); });
  const auto failing = static_cast<std::size_t>(healthy - feeds.begin());

  std::string html = page::PageStart(page.title, kStatusStyle, "");
  html += RenderMasthead(page, failing, items);
  html += "<main>\n";
  if (feeds.empty()) {
    html += "<p class=\"none\">No feeds are configured.</p>\n";
  } else {
    html +=
        "<table class=\"feeds\">\n<thead><tr><th>Feed</th><th>Last success</th>"
        "<th>Last error</th><th class=\"num\">HTTP</th><th>Next poll</th>"
        "<th class=\"num\">Items</th></tr></thead>\n<tbody>\n";
    const std::size_t shown = std::min(feeds.size(), std::max(page.max_rows, failing));
    for (std::size_t i = 0; i < shown; ++i) html += RenderRow(*feeds[i], page.generated);
    html += "</tbody>\n</table>\n";
    if (shown < feeds.size()) {
      html += "<p class=\"none\">" + std::to_string(feeds.size() - shown) +
              " more healthy feeds are not listed here; <code>tributary status</code> lists "
              "every feed.</p>\n";
    }
  }
  if (!page.hosts.empty()) html += RenderHosts(page);
  html += "</main>\n<footer class=\"page\">Times are UTC.</footer>\n";
  html += page::PageEnd();
  return html;
}

}  // namespace tributary::output
