// Markdown posts for static blogs (Hexo, Hugo, Jekyll): YAML front matter
// from a kainjow mustache template, then the item's HTML as the body.
// Pure apart from reading a user template file; thread-safe.
#pragma once

#include <string>

#include "common/result.h"
#include "output/entry.h"
#include "output/file_name.h"  // PostFileName, the name of a post's file

namespace tributary::output {

struct PostSettings {
  // "hexo" (default), "hugo" or "jekyll" for a shipped template, else the
  // path of a mustache file of the user's.
  std::string template_name = "hexo";
  // The feed's configured author (config feeds[].author): the front
  // matter's author when the item names none.
  std::string default_author;
};

// The text of the named shipped template, or of the file at that path.
Result<std::string> LoadPostTemplate(const std::string& name_or_path);

// The post. Template values (all already YAML-safe; use {{{triple}}}):
//   title           item title, quotes (“ ” " ') and / \ : * ? < > | and
//                   controls replaced by '_'; for a single-quoted scalar
//   categories      list: SourceRef.categories of the primary source, then
//                   its title; each a YAML scalar. has_categories
//   tags, has_tags  the item's own categories
//   headimg, has_headimg  first <img src> of the body (http(s), resolved
//                   against the link), for a single-quoted scalar
//   author          item author, else default_author, else source title
//   date_rfc1123    "Mon, 09 May 2022 02:48:24 GMT" (published, else updated)
//   date_rfc3339, updated_rfc3339, date_jekyll ("2022-05-09 02:48:24 +0000")
//   link, has_link  the original link, for a single-quoted scalar
//   source_title, id
//   body            content (else summary) verbatim, active content removed
//                   (SanitizeMode::kActiveContentOnly), '{' and '}' written
//                   as &#123; and &#125;
Result<std::string> RenderMarkdownPost(const OutputEntry& entry, const PostSettings& settings);

}  // namespace tributary::output
