// A tokenizer-level reading of HTML: text runs, tags with their attributes,
// comments and doctypes, found the way the WHATWG HTML tokenizer's data,
// tag, attribute and comment states find them, without building a tree.
// For fast paths that must agree with gumbo on ordinary markup (relative
// URL rewriting, fingerprint text). Pure; string_views point into the input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::feeds {

struct HtmlAttribute {
  std::string_view name;      // as written: compare with NameIs()
  std::string_view value;     // as written: no quotes, no character reference decoded
  std::string_view original;  // the value with its quotes, if any; empty without a value

  // Whether the name, ASCII lower-cased as the tokenizer stores it, is
  // `lower_name`.
  bool NameIs(std::string_view lower_name) const;
};

enum class HtmlTokenKind {
  kText,          // character data, including any '<' that starts no markup
  kStartTag,      // "<name attributes>", also "<name/>"
  kEndTag,        // also "</>", which the tokenizer drops (name empty)
  kComment,       // "<!--" up to "-->", "--!>" or an abrupt "<!-->" / "<!--->"
  kBogusComment,  // "<?...>", "</ ...>", "<!x...>", "<![CDATA[...>": up to the first '>'
  kDoctype,       // "<!DOCTYPE...>" (any case): up to the first '>'
  kCutOff,        // markup the end of the input interrupts, up to that end
};

struct HtmlToken {
  HtmlToken() = default;
  // `name` may point into the token itself.
  HtmlToken(const HtmlToken&) = delete;
  HtmlToken& operator=(const HtmlToken&) = delete;

  HtmlTokenKind kind = HtmlTokenKind::kText;
  std::string_view text;  // the whole token as written
  std::string_view name;  // tags: the name, ASCII lower-cased
  // Tags: the attributes in order; of a name written twice, only the first
  // (the tokenizer drops the others, and sets duplicate_attribute).
  std::vector<HtmlAttribute> attributes;
  bool duplicate_attribute = false;
  // Holds `name` when the input's is not in lower case already.
  std::string lowered_name;
};

// Whether HtmlScanner records the attributes of tags (and duplicate_attribute)
// or only reads past them: skipping them makes a text-only walk ~5% faster.
enum class HtmlAttributes { kRecord, kSkip };

// Walks `html` token by token:
//   HtmlScanner scanner(html);
//   HtmlToken token;  // reused, so names and attributes keep their buffers
//   while (scanner.Next(&token)) ...
// Does no preprocessing: callers that care about CR or NUL (which the
// tokenizer normalises) check for them first. Tags are read to their '>'
// even where the tree builder would switch the tokenizer to raw text; see
// SkipRawText().
class HtmlScanner {
 public:
  explicit HtmlScanner(std::string_view html, HtmlAttributes attributes = HtmlAttributes::kRecord)
      : html_(html), attributes_(attributes == HtmlAttributes::kRecord) {}

  // Reads the next token; false at the end of the input. After a kCutOff
  // token, there is none.
  bool Next(HtmlToken* token);

  // After the start tag of a raw-text element (script, style), skips its
  // contents up to its end tag: "</" and `lower_name` in any case, then
  // whitespace, '/' or '>'. The next token is then that end tag. Without
  // one, skips to the end of the input. Returns the contents skipped.
  // Script's escaped states ("<!--<script>" hiding "</script>") are not
  // modelled: such script ends at its first end tag.
  std::string_view SkipRawText(std::string_view lower_name);

  // Offset into the input of `part` (a view the scanner returned).
  std::size_t OffsetOf(std::string_view part) const {
    return static_cast<std::size_t>(part.data() - html_.data());
  }

 private:
  std::size_t ScanTag(std::size_t pos, HtmlToken* token) const;
  std::size_t ScanTagName(std::size_t pos, HtmlToken* token) const;
  std::size_t ScanAttributeValue(std::size_t pos, std::string_view* value,
                                 std::string_view* original) const;
  std::size_t SkipComment(std::size_t pos) const;
  // html_[from, to), unchecked: the scan keeps its offsets in range.
  std::string_view Slice(std::size_t from, std::size_t to) const {
    return {html_.data() + from, to - from};
  }

  std::string_view html_;
  std::size_t pos_ = 0;
  bool attributes_ = true;  // HtmlAttributes::kRecord
  bool at_markup_ = false;  // pos_ is at a '<' that starts markup
};

}  // namespace tributary::feeds
