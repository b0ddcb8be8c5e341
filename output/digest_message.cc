#include "output/digest_message.h"

#include <date/tz.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <set>
#include <sstream>

#include "common/text.h"
#include "output/digest_templates.h"  // generated from output/templates/
#include "output/html_to_text.h"
#include "output/mime.h"

namespace tributary::output {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

// Keeps [A-Za-z0-9.-] so the value is a valid dot-atom piece.
std::string AtomSafe(std::string_view text, std::size_t max_size) {
  std::string out;
  for (char c : text) {
    if (out.size() == max_size) break;
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    out += ok ? c : '-';
  }
  while (!out.empty() && (out.back() == '.' || out.front() == '.')) {
    if (out.back() == '.') out.pop_back();
    if (!out.empty() && out.front() == '.') out.erase(0, 1);
  }
  return out;
}

// Renders a mustache template, turning its exceptions into an Error.
Result<std::string> RenderTemplate(std::string_view text, const data& values, bool escape_html,
                                   std::string_view what) {
  mustache tmpl{std::string(text)};
  if (!tmpl.is_valid()) {
    return Error{ErrorCode::kInvalidArgument, "bad mustache template: " + tmpl.error_message(),
                 std::string(what)};
  }
  if (!escape_html) tmpl.set_custom_escape([](const std::string& s) { return s; });
  try {
    return tmpl.render(values);
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInvalidArgument, std::string("template failed: ") + e.what(),
                 std::string(what)};
  }
}

struct LocalTime {
  const date::time_zone* zone;
  std::string Format(const char* format, Timestamp t) const {
    return date::format(format, date::zoned_time<Seconds>(zone, t));
  }
};

// The mustache views of the message: `html` and `text` differ only in the
// summary (shortened text in both; the text view adds link numbers) and in
// the reference list.
struct Views {
  data html{data::type::object};
  data text{data::type::object};
  std::size_t shown = 0;
  std::string preview;
};

// Text as a mustache list of paragraphs, each a list of lines, so the HTML
// template keeps line breaks (<br>) and paragraphs without raw HTML:
// {{#summary}}<p>{{#lines}}{{text}}{{#br}}<br>{{/br}}{{/lines}}</p>{{/summary}}.
data Paragraphs(std::string_view text) {
  data paragraphs{data::type::list};
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find("\n\n", start);
    if (end == std::string_view::npos) end = text.size();
    data lines{data::type::list};
    std::string_view paragraph = text.substr(start, end - start);
    while (!paragraph.empty()) {
      const std::size_t newline = paragraph.find('\n');
      data line;
      line.set("text", std::string(paragraph.substr(0, newline)));
      if (newline != std::string_view::npos) line.set("br", true);
      lines.push_back(line);
      paragraph =
          newline == std::string_view::npos ? std::string_view() : paragraph.substr(newline + 1);
    }
    data entry;
    entry.set("lines", lines);
    paragraphs.push_back(entry);
    start = end + 2;
  }
  return paragraphs;
}

// Only web links become clickable: a feed can carry javascript: or data: URLs.
std::string WebUrl(std::string_view url) {
  const std::string lower = ToLowerAscii(url.substr(0, 8));
  if (lower.starts_with("http://") || lower.starts_with("https://")) return std::string(url);
  return "";
}

std::string Plural(std::size_t n, const char* one, const char* many) { return n == 1 ? one : many; }

// The HTML and text views of one item. The text view numbers its link
// (and the links inside its summary) in `references`.
std::pair<data, data> ItemViews(const DigestInput& input, const LocalTime& local,
                                const DigestFeedGroup& feed, const DigestItem& item,
                                std::vector<std::string>& references, std::string& preview) {
  const std::string title =
      mime::SanitizeHeaderValue(item.title.empty() ? item.link : item.title, 300);
  const std::string time = local.Format("%a %d %b, %H:%M", item.time);
  const std::string summary =
      item.summary_text.empty() ? HtmlToText(item.summary_html) : item.summary_text;
  const std::string shortened =
      input.summary_chars == 0 ? std::string() : ShortenText(summary, input.summary_chars);
  if (preview.size() < 120) preview += (preview.empty() ? "" : " · ") + title;
  data html_item;
  html_item.set("title", title);
  const std::string link = WebUrl(item.link);
  if (!link.empty()) html_item.set("link", link);
  const std::string source = mime::SanitizeHeaderValue(item.source);
  // Under its own feed's heading the source would repeat it.
  const bool own_heading = source == mime::SanitizeHeaderValue(feed.name);
  if (!own_heading) html_item.set("source", source);
  html_item.set("time", time);
  if (!shortened.empty()) html_item.set("summary", Paragraphs(shortened));

  references.push_back(link.empty() ? "(no link)" : link);
  data text_item;
  text_item.set("title", title);
  text_item.set("number", std::to_string(references.size()));
  if (!own_heading) text_item.set("source", source);
  text_item.set("time", time);
  // Links inside the summary join the same reference list.
  std::string summary_text =
      item.summary_text.empty() ? HtmlToText(item.summary_html, &references) : item.summary_text;
  summary_text =
      input.summary_chars == 0 ? std::string() : ShortenText(summary_text, input.summary_chars);
  if (!summary_text.empty()) text_item.set("summary", summary_text);
  return {html_item, text_item};
}

// One feed's heading and items in both views; false when none is shown.
bool AddFeedViews(const DigestInput& input, const LocalTime& local, const DigestFeedGroup& feed,
                  Views& views, std::vector<std::string>& references, data& html_feeds,
                  data& text_feeds) {
  data html_items{data::type::list};
  data text_items{data::type::list};
  std::size_t shown_here = 0;
  for (const DigestItem& item : feed.items) {
    if (shown_here == input.max_items_per_feed || views.shown == input.max_items) continue;
    ++shown_here;
    ++views.shown;
    auto [html_item, text_item] = ItemViews(input, local, feed, item, references, views.preview);
    html_items.push_back(html_item);
    text_items.push_back(text_item);
  }
  if (shown_here == 0) return false;
  const std::size_t more = feed.items.size() - shown_here;
  for (data* feed_view : {&html_feeds, &text_feeds}) {
    data view;
    view.set("name", mime::SanitizeHeaderValue(feed.name));
    if (!WebUrl(feed.link).empty()) view.set("link", WebUrl(feed.link));
    view.set("items", feed_view == &html_feeds ? html_items : text_items);
    if (more > 0) view.set("more", std::to_string(more));
    feed_view->push_back(view);
  }
  return true;
}

// Items past max_items, counted once (per-feed overflow is shown per feed).
std::size_t OverTotal(const DigestInput& input, std::size_t shown) {
  std::size_t seen = 0;
  for (const DigestFolderGroup& folder : input.folders) {
    for (const DigestFeedGroup& feed : folder.feeds) {
      seen += std::min(feed.items.size(), input.max_items_per_feed);
    }
  }
  return seen > shown ? seen - shown : 0;
}

void SetHeadings(const DigestInput& input, const LocalTime& local, const std::string& subject,
                 std::size_t feed_count, Views& views) {
  for (data* view : {&views.html, &views.text}) {
    view->set("subject", subject);
    view->set("name", mime::SanitizeHeaderValue(input.name));
    view->set("date_long", local.Format("%A %d %B %Y", input.now));
    view->set("timezone", input.timezone);
    view->set("count", std::to_string(views.shown));
    view->set("items_word", Plural(views.shown, "item", "items"));
    view->set("feed_count", std::to_string(feed_count));
    view->set("feeds_word", Plural(feed_count, "feed", "feeds"));
    view->set("lang", "en");
  }
}

Views BuildViews(const DigestInput& input, const LocalTime& local, const std::string& subject) {
  Views views;
  std::vector<std::string> references;
  data html_folders{data::type::list};
  data text_folders{data::type::list};
  std::size_t feed_count = 0;
  for (const DigestFolderGroup& folder : input.folders) {
    data html_feeds{data::type::list};
    data text_feeds{data::type::list};
    for (const DigestFeedGroup& feed : folder.feeds) {
      if (AddFeedViews(input, local, feed, views, references, html_feeds, text_feeds)) {
        ++feed_count;
      }
    }
    if (html_feeds.is_empty_list()) continue;
    for (auto [folder_view, feeds] :
         {std::pair{&html_folders, &html_feeds}, {&text_folders, &text_feeds}}) {
      data view;
      if (!folder.name.empty()) view.set("name", mime::SanitizeHeaderValue(folder.name));
      view.set("feeds", *feeds);
      folder_view->push_back(view);
    }
  }
  data reference_list{data::type::list};
  for (std::size_t i = 0; i < references.size(); ++i) {
    data reference;
    reference.set("number", std::to_string(i + 1));
    reference.set("url", references[i]);
    reference_list.push_back(reference);
  }
  SetHeadings(input, local, subject, feed_count, views);
  views.html.set("folders", html_folders);
  views.html.set("preview", views.preview);
  views.text.set("folders", text_folders);
  views.text.set("references", reference_list);
  if (const std::size_t over_total = OverTotal(input, views.shown); over_total > 0) {
    views.html.set("more_total", std::to_string(over_total));
    views.text.set("more_total", std::to_string(over_total));
  }
  return views;
}

}  // namespace

std::string DigestMessageId(std::string_view digest_name, std::string_view run_key,
                            std::string_view from_domain) {
  std::string domain = AtomSafe(from_domain, 200);
  if (domain.empty()) domain = "tributary.invalid";
  // The legacy FNV basis: Message-IDs, boundaries and List-Ids already sent
  // were derived with it, and mail readers thread and filter on them.
  return "<digest." + Hex(Fnv1a64(digest_name, kFnv1a64LegacyBasis)) + "." + AtomSafe(run_key, 80) +
         "@" + domain + ">";
}

std::string_view DefaultDigestHtmlTemplate() { return kDigestHtmlTemplate; }
std::string_view DefaultDigestTextTemplate() { return kDigestTextTemplate; }

Result<std::string> LoadDigestTemplate(const std::string& path) {
  if (path.empty()) return std::string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::kIo, "cannot read digest template", path};
  std::ostringstream content;
  content << in.rdbuf();
  // Checked here, when the config is applied, not at the first send.
  mustache tmpl{content.str()};
  if (!tmpl.is_valid()) {
    return Error{ErrorCode::kInvalidArgument, "bad mustache template: " + tmpl.error_message(),
                 path};
  }
  return content.str();
}

namespace {

struct Addresses {
  mime::Address from;
  std::vector<mime::Address> to;
};

Result<Addresses> ParseAddresses(const DigestInput& input) {
  Result<mime::Address> from = mime::ParseAddress(input.from);
  if (!from) {
    return Error{from.error().code, from.error().message, "digest " + input.name + ": from"};
  }
  Addresses addresses{*from, {}};
  for (const std::string& recipient : input.to) {
    Result<mime::Address> address = mime::ParseAddress(recipient);
    if (!address) {
      return Error{address.error().code, address.error().message + ": " + recipient,
                   "digest " + input.name + ": to"};
    }
    addresses.to.push_back(*address);
  }
  if (addresses.to.empty()) {
    return Error{ErrorCode::kInvalidArgument, "no recipients", "digest " + input.name};
  }
  return addresses;
}

// The subject template with {{date}}, {{count}} and {{name}}, made safe as
// a header value.
Result<std::string> RenderSubject(const DigestInput& input, const LocalTime& local) {
  std::size_t total_items = 0;
  for (const auto& folder : input.folders) {
    for (const auto& feed : folder.feeds) total_items += feed.items.size();
  }
  data values;
  values.set("date", local.Format("%Y-%m-%d", input.now));
  values.set("count", std::to_string(total_items));
  values.set("name", input.name);
  Result<std::string> raw =
      RenderTemplate(input.subject_template, values, false, "digest " + input.name + ": subject");
  if (!raw) return raw.error();
  return mime::SanitizeHeaderValue(*raw);
}

// Mustache leaves the lines of false sections empty; keep at most one
// blank line in a row so the text reads as paragraphs.
std::string SqueezeBlankLines(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' && out.ends_with("\n\n")) continue;
    out += c;
  }
  return out;
}

// The headers and the multipart/alternative body around the two parts.
void Assemble(const DigestInput& input, const LocalTime& local, const Addresses& addresses,
              const std::string& text, const std::string& html, DigestMessage& message) {
  const std::string domain =
      addresses.from.addr_spec.substr(addresses.from.addr_spec.rfind('@') + 1);
  message.message_id = DigestMessageId(input.name, input.run_key, domain);
  // The boundary is derived from the Message-ID so a resend is byte-identical;
  // "=_" cannot occur in quoted-printable text.
  const std::string boundary =
      "=_tributary_" + Hex(Fnv1a64(message.message_id, kFnv1a64LegacyBasis));

  std::string& out = message.bytes;
  out += mime::AddressHeader("From", {addresses.from});
  out += mime::AddressHeader("To", addresses.to);
  out += mime::Header("Subject", message.subject);
  out += "Date: " + local.Format("%a, %d %b %Y %H:%M:%S %z", input.now) + "\r\n";
  out += "Message-ID: " + message.message_id + "\r\n";
  out += mime::Header("List-Id", "<" + Hex(Fnv1a64(input.name, kFnv1a64LegacyBasis)).substr(0, 12) +
                                     ".digest." + domain + ">");
  out += "Auto-Submitted: auto-generated\r\n";
  out += "Precedence: bulk\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n";
  out += "\r\n";
  out += mime::MultipartAlternativeBody(boundary, {{"plain", text}, {"html", html}});
}

Result<DigestMessage> RenderOnce(const DigestInput& input) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(input.timezone);
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInvalidArgument, "unknown time zone \"" + input.timezone + "\"",
                 "digest " + input.name};
  }
  const LocalTime local{zone};
  Result<Addresses> addresses = ParseAddresses(input);
  if (!addresses) return addresses.error();
  Result<std::string> subject = RenderSubject(input, local);
  if (!subject) return subject.error();

  Views views = BuildViews(input, local, *subject);
  Result<std::string> html = RenderTemplate(
      input.html_template.empty() ? DefaultDigestHtmlTemplate() : input.html_template, views.html,
      true, "digest " + input.name + ": HTML template");
  if (!html) return html.error();
  Result<std::string> text = RenderTemplate(
      input.text_template.empty() ? DefaultDigestTextTemplate() : input.text_template, views.text,
      false, "digest " + input.name + ": text template");
  if (!text) return text.error();

  DigestMessage message;
  message.subject = *subject;
  message.item_count = views.shown;
  Assemble(input, local, *addresses, SqueezeBlankLines(*text), *html, message);
  return message;
}

}  // namespace

Result<DigestMessage> RenderDigest(const DigestInput& input) {
  Result<DigestMessage> message = RenderOnce(input);
  if (!message || message->bytes.size() <= input.max_bytes) return message;
  // Too big (hostile-inputs H1): drop the summaries, keep every title.
  DigestInput smaller = input;
  smaller.summary_chars = 0;
  message = RenderOnce(smaller);
  if (!message || message->bytes.size() <= input.max_bytes) return message;
  return Error{ErrorCode::kInvalidArgument,
               "message is " + std::to_string(message->bytes.size()) + " bytes even without " +
                   "summaries, over the limit of " + std::to_string(input.max_bytes),
               "digest " + input.name};
}

}  // namespace tributary::output
