// Renders one digest e-mail: a complete RFC 5322 message (CRLF line
// endings, multipart/alternative with text/plain and text/html, UTF-8,
// quoted-printable) from plain structs the daemon fills from storage. Pure:
// no clock, no network, no database; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace tributary::output {

struct DigestItem {
  std::int64_t id = 0;       // the store's item id (for callers; not rendered)
  std::string title;         // plain text
  std::string link;          // absolute URL
  std::string source;        // the feed's display name
  Timestamp time{};          // published, else first seen
  std::string summary_html;  // already sanitised HTML
  std::string summary_text;  // plain text; empty: derived from summary_html
};

struct DigestFeedGroup {
  std::string name;               // the feed's display name
  std::string link;               // the feed's site, may be empty
  std::vector<DigestItem> items;  // in display order
};

struct DigestFolderGroup {
  std::string name;  // the folder (category); empty: feeds without a folder
  std::vector<DigestFeedGroup> feeds;
};

struct DigestInput {
  std::string name;              // the digest's configured name
  std::string from;              // "addr" or "Name <addr>"
  std::vector<std::string> to;   // same forms
  std::string subject_template;  // mustache: {{date}}, {{count}}, {{name}}
  std::string timezone = "UTC";  // IANA name, for Date, {{date}} and item times
  Timestamp now{};               // the message's Date
  // Identifies this run, e.g. "s1764572400-i101-180" (slot and item id
  // range). The Message-ID is derived from name + run_key only, so a
  // resend of the same run carries the same Message-ID.
  std::string run_key;
  std::vector<DigestFolderGroup> folders;
  // Caps on what is shown; items over them are counted ("and 3 more").
  std::size_t max_items = 200;
  std::size_t max_items_per_feed = 20;
  std::size_t summary_chars = 280;  // summaries are shortened to this; 0: none
  // A message over this size is rendered again without summaries; if still
  // too big, RenderDigest fails.
  std::size_t max_bytes = 1024 * 1024;
  // Mustache templates; empty: the shipped defaults
  // (output/templates/digest.{html,txt}.mustache, compiled in).
  std::string html_template;
  std::string text_template;
};

struct DigestMessage {
  std::string bytes;           // the whole message, CRLF line endings
  std::string message_id;      // "<...@...>"
  std::string subject;         // the rendered subject (UTF-8, before encoding)
  std::size_t item_count = 0;  // items shown
};

// Fails on an unknown time zone, an invalid From/To address, or a template
// that does not parse (kInvalidArgument, naming what is wrong).
Result<DigestMessage> RenderDigest(const DigestInput& input);

// The Message-ID for a digest run: "<digest.NAMEHASH.RUNKEY@DOMAIN>", with
// DOMAIN taken from the From address. Deterministic.
std::string DigestMessageId(std::string_view digest_name, std::string_view run_key,
                            std::string_view from_domain);

// The shipped default templates.
std::string_view DefaultDigestHtmlTemplate();
std::string_view DefaultDigestTextTemplate();

// Reads a user template from `path` and checks that it parses; an empty
// path gives "".
Result<std::string> LoadDigestTemplate(const std::string& path);

}  // namespace tributary::output
