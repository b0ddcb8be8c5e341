#include "output/river_page.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "output/page_html.h"

namespace tributary::output {
namespace {

constexpr std::string_view kRiverStyle = R"css(
.day{margin:0 0 2.25rem}
.day>h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);
font-weight:600;margin:0 0 .75rem;padding-bottom:.4rem;border-bottom:1px solid var(--line)}
.entry{background:var(--card);border:1px solid var(--line);border-radius:10px;
padding:1rem 1.15rem;margin:0 0 .9rem}
.entry h3{font-size:1.15rem;font-weight:650}
.entry h3 a,.entry h3 a:visited{color:var(--fg);text-decoration:none}
.entry h3 a:hover{color:var(--accent);text-decoration:underline}
.meta{margin:.3rem 0 0;font-size:.85rem;color:var(--muted)}
.meta a,.meta a:visited{color:inherit}
.meta .source{font-weight:600;color:var(--fg)}
.summary{margin-top:.6rem;overflow-wrap:anywhere}
.summary>:first-child{margin-top:0}
.summary>:last-child{margin-bottom:0}
.summary img,.summary video{max-width:100%;height:auto}
.summary blockquote{margin:.5rem 0;padding-left:1rem;border-left:3px solid var(--line);
color:var(--muted)}
.summary table{display:block;overflow-x:auto}
.progress{margin:0 0 1.25rem;color:var(--muted);font-size:.9rem}
.empty{padding:2rem;text-align:center;color:var(--muted);border:1px dashed var(--line);
border-radius:10px}
@media (max-width:30rem){.wrap{padding:1.25rem .75rem 2rem}.entry{padding:.85rem .9rem}
.masthead h1{font-size:1.6rem}}
)css";

std::string RenderLinkOrText(std::string_view url, std::string_view text, std::string_view cls) {
  std::string href = page::SafeHref(url);
  std::string class_attr = cls.empty() ? "" : " class=\"" + std::string(cls) + "\"";
  if (href.empty()) return "<span" + class_attr + ">" + page::Escape(text) + "</span>";
  return "<a" + class_attr + " href=\"" + href + "\">" + page::Escape(text) + "</a>";
}

std::string RenderItem(const RiverItem& item) {
  std::string html = "<article class=\"entry\">\n<h3>";
  html += RenderLinkOrText(item.link, item.title.empty() ? "(untitled)" : item.title, "");
  html += "</h3>\n<p class=\"meta\">";
  if (!item.source_title.empty()) {
    html += RenderLinkOrText(item.source_link, item.source_title, "source");
    html += " · ";
  }
  if (!item.author.empty()) html += "by " + page::Escape(item.author) + " · ";
  html += page::TimeElement(item.time, page::FormatClock(item.time) + " UTC");
  html += "</p>\n";
  if (!item.summary_html.empty()) {
    // Sanitised by the caller (see river_page.h); the page's CSP is the
    // second line of defence.
    html += "<div class=\"summary\">" + item.summary_html + "</div>\n";
  }
  html += "</article>\n";
  return html;
}

std::string RenderMasthead(const RiverPage& page) {
  std::string html = "<header class=\"masthead\">\n<h1>" + page::Escape(page.title) + "</h1>\n";
  if (!page.description.empty()) html += "<p>" + page::Escape(page.description) + "</p>\n";
  std::string links;
  for (const RiverFeedLink& feed : page.feeds) {
    std::string href = page::SafeHref(feed.url);
    if (!href.empty()) {
      links += "<a href=\"" + href + "\" type=\"" + page::Escape(feed.mime_type) + "\">" +
               page::Escape(feed.title) + "</a>";
    }
  }
  if (!links.empty()) {
    html += "<nav class=\"links\" aria-label=\"Subscribe\">" + links + "</nav>\n";
  }
  html += "</header>\n";
  return html;
}

// "3 of 8 feeds have answered so far." (the first round in progress)
std::string AnsweredNote(const RiverPage& page) {
  return std::to_string(page.feeds_answered) + " of " + std::to_string(page.feeds_total) +
         (page.feeds_total == 1 ? " feed has" : " feeds have") + " answered so far.";
}

std::string EmptyNote(const RiverPage& page) {
  if (page.feeds_total == 0) return "No items yet. Feeds are being polled.";
  if (page.feeds_answered < page.feeds_total) return "No items yet: " + AnsweredNote(page);
  return "No items yet: every feed has answered, none with an item.";
}

}  // namespace

std::string RenderRiverPage(const RiverPage& page) {
  std::string head_extra;
  for (const RiverFeedLink& feed : page.feeds) {
    std::string href = page::SafeHref(feed.url);
    if (href.empty()) continue;
    head_extra += "<link rel=\"alternate\" type=\"" + page::Escape(feed.mime_type) + "\" title=\"" +
                  page::Escape(feed.title) + "\" href=\"" + href + "\">\n";
  }
  std::string html = page::PageStart(page.title, kRiverStyle, head_extra);
  html += RenderMasthead(page);
  html += "<main>\n";
  if (page.feeds_answered < page.feeds_total && !page.items.empty()) {
    html += "<p class=\"progress\">" + AnsweredNote(page) +
            " More items appear as the others answer.</p>\n";
  }

  std::vector<const RiverItem*> items;
  items.reserve(page.items.size());
  for (const RiverItem& item : page.items) items.push_back(&item);
  std::stable_sort(items.begin(), items.end(),
                   [](const RiverItem* a, const RiverItem* b) { return a->time > b->time; });

  // One section per UTC day, newest first.
  std::optional<std::chrono::sys_days> current_day;
  for (const RiverItem* item : items) {
    auto day = std::chrono::floor<std::chrono::days>(item->time);
    if (day != current_day) {
      if (current_day) html += "</section>\n";
      html += "<section class=\"day\">\n<h2>" +
              page::TimeElement(Timestamp{day}, page::FormatDay(item->time)) + "</h2>\n";
      current_day = day;
    }
    html += RenderItem(*item);
  }
  if (current_day) html += "</section>\n";
  if (items.empty()) html += "<p class=\"empty\">" + EmptyNote(page) + "</p>\n";
  html += "</main>\n<footer class=\"page\">Updated " +
          page::TimeElement(page.generated, page::FormatDateTime(page.generated));
  if (!page.status_url.empty() && !page::SafeHref(page.status_url).empty()) {
    html += " · <a href=\"" + page::SafeHref(page.status_url) + "\">Feed status</a>";
  }
  html += " · Tributary</footer>\n";
  html += page::PageEnd();
  return html;
}

}  // namespace tributary::output
