#include "feeds/html_scan.h"

#include <algorithm>
#include <array>

#include "common/text.h"

namespace tributary::feeds {
namespace {

constexpr std::size_t kEnd = std::string_view::npos;

// Character classes of the tag states, one bit each, looked up per byte.
enum : unsigned char {
  kSpace = 1,         // whitespace, CR included (preprocessing makes it LF)
  kEndsTagName = 2,   // whitespace, '/', '>'
  kEndsAttrName = 4,  // whitespace, '/', '>', '='
  kEndsUnquoted = 8,  // whitespace, '>'
  kUpper = 16,        // 'A' to 'Z'
};

constexpr std::array<unsigned char, 256> MakeClasses() {
  std::array<unsigned char, 256> classes{};
  for (unsigned char c : {' ', '\t', '\n', '\r', '\f'}) {
    classes[c] = kSpace | kEndsTagName | kEndsAttrName | kEndsUnquoted;
  }
  classes['/'] = kEndsTagName | kEndsAttrName;
  classes['>'] = kEndsTagName | kEndsAttrName | kEndsUnquoted;
  classes['='] = kEndsAttrName;
  for (unsigned char c = 'A'; c <= 'Z'; ++c) classes[c] = kUpper;
  return classes;
}
constexpr std::array<unsigned char, 256> kClasses = MakeClasses();

bool Is(char c, unsigned char cls) { return (kClasses[static_cast<unsigned char>(c)] & cls) != 0; }

// Whether the '<' at `pos` opens markup (tag open state): "<!", "<?", "<"
// and a letter, or "</" with something after it. Otherwise it is text.
// (Forced inline: it runs for every '<', and GCC 12 kept it out of line.)
[[gnu::always_inline]] inline bool StartsMarkup(std::string_view html, std::size_t pos) {
  if (pos + 1 >= html.size()) return false;
  const char c = html[pos + 1];
  return c == '!' || c == '?' || IsAsciiAlpha(c) || (c == '/' && pos + 2 < html.size());
}

}  // namespace

bool HtmlAttribute::NameIs(std::string_view lower_name) const {
  return EqualsIgnoreCase(name, lower_name);
}

bool HtmlScanner::Next(HtmlToken* token) {
  const std::size_t n = html_.size();
  if (pos_ >= n) return false;
  const std::size_t start = pos_;
  token->name = {};
  token->attributes.clear();
  token->duplicate_attribute = false;
  std::size_t end;
  if (!at_markup_ && (html_[pos_] != '<' || !StartsMarkup(html_, pos_))) {
    token->kind = HtmlTokenKind::kText;
    end = pos_ + 1;
    while ((end = html_.find('<', end)) != kEnd && !StartsMarkup(html_, end)) ++end;
    if (end == kEnd) end = n;
    at_markup_ = end < n;
    token->text = Slice(start, end);
    pos_ = end;
    return true;
  }
  at_markup_ = false;
  if (html_[pos_ + 1] == '!') {  // markup declaration open
    if (html_.substr(pos_ + 2, 2) == "--") {
      token->kind = HtmlTokenKind::kComment;
      end = SkipComment(pos_ + 4);
    } else {
      token->kind = EqualsIgnoreCase(html_.substr(pos_ + 2, 7), "doctype")
                        ? HtmlTokenKind::kDoctype
                        : HtmlTokenKind::kBogusComment;
      end = html_.find('>', pos_ + 2);
      if (end != kEnd) ++end;
    }
  } else if (html_[pos_ + 1] == '?') {
    token->kind = HtmlTokenKind::kBogusComment;
    end = html_.find('>', pos_ + 2);
    if (end != kEnd) ++end;
  } else if (html_[pos_ + 1] != '/') {
    token->kind = HtmlTokenKind::kStartTag;
    end = ScanTag(pos_ + 1, token);
  } else if (html_[pos_ + 2] == '>') {  // "</>": missing end tag name
    token->kind = HtmlTokenKind::kEndTag;
    end = pos_ + 3;
  } else if (IsAsciiAlpha(html_[pos_ + 2])) {
    token->kind = HtmlTokenKind::kEndTag;
    end = ScanTag(pos_ + 2, token);
  } else {
    token->kind = HtmlTokenKind::kBogusComment;
    end = html_.find('>', pos_ + 2);
    if (end != kEnd) ++end;
  }
  if (end == kEnd) {
    token->kind = HtmlTokenKind::kCutOff;
    end = n;
  }
  token->text = Slice(start, end);
  pos_ = end;
  return true;
}

// The tag name from `pos` (lowered if it has capitals); returns the offset
// past it.
std::size_t HtmlScanner::ScanTagName(std::size_t pos, HtmlToken* token) const {
  const std::size_t n = html_.size();
  const std::size_t name_start = pos;
  unsigned char seen = 0;  // the classes of the name's characters
  for (; pos < n; ++pos) {
    const unsigned char cls = kClasses[static_cast<unsigned char>(html_[pos])];
    if ((cls & kEndsTagName) != 0) break;
    seen |= cls;
  }
  token->name = Slice(name_start, pos);
  if ((seen & kUpper) != 0) {
    token->lowered_name.assign(token->name);
    for (char& c : token->lowered_name) c = AsciiLower(c);
    token->name = token->lowered_name;
  }
  return pos;
}

// A quoted or unquoted attribute value from its first character (not '>'):
// the value, its source form, and the offset past it, or kEnd when the
// input ends inside it.
std::size_t HtmlScanner::ScanAttributeValue(std::size_t pos, std::string_view* value,
                                            std::string_view* original) const {
  if (html_[pos] == '"' || html_[pos] == '\'') {
    const std::size_t close = html_.find(html_[pos], pos + 1);
    if (close == kEnd) return kEnd;
    *value = Slice(pos + 1, close);
    *original = Slice(pos, close + 1);
    return close + 1;
  }
  const std::size_t n = html_.size();
  const std::size_t start = pos;
  while (pos < n && !Is(html_[pos], kEndsUnquoted)) ++pos;
  if (pos >= n) return kEnd;
  *value = *original = Slice(start, pos);
  return pos;
}

// Reads one tag the way the tokenizer's tag name, attribute and
// self-closing states do, from its name at `pos`. Returns the offset past
// its '>', or kEnd when the input ends inside the tag (the tokenizer then
// drops it).
std::size_t HtmlScanner::ScanTag(std::size_t pos, HtmlToken* token) const {
  const std::size_t n = html_.size();
  pos = ScanTagName(pos, token);
  while (true) {
    // Before attribute name (also where a quoted value or a stray '/' leads).
    while (pos < n && Is(html_[pos], kSpace)) ++pos;
    if (pos >= n) return kEnd;
    if (html_[pos] == '>') return pos + 1;
    if (html_[pos] == '/') {
      if (++pos >= n) return kEnd;
      if (html_[pos] == '>') return pos + 1;
      continue;
    }
    // Attribute name: its first character is taken whatever it is ('=' too).
    const std::size_t attr_start = pos++;
    while (pos < n && !Is(html_[pos], kEndsAttrName)) ++pos;
    const std::string_view name = Slice(attr_start, pos);
    bool duplicate = !attributes_;
    if (attributes_) {
      duplicate =
          std::any_of(token->attributes.begin(), token->attributes.end(),
                      [name](const HtmlAttribute& a) { return EqualsIgnoreCase(a.name, name); });
      if (duplicate) token->duplicate_attribute = true;
      if (!duplicate) token->attributes.push_back({name, {}, {}});
    }
    // After attribute name.
    while (pos < n && Is(html_[pos], kSpace)) ++pos;
    if (pos >= n) return kEnd;
    if (html_[pos] != '=') continue;  // no value; '/', '>' or the next name
    // Before attribute value.
    ++pos;
    while (pos < n && Is(html_[pos], kSpace)) ++pos;
    if (pos >= n) return kEnd;
    if (html_[pos] == '>') return pos + 1;  // missing value: empty
    std::string_view value;
    std::string_view original;
    pos = ScanAttributeValue(pos, &value, &original);
    if (pos == kEnd) return kEnd;
    if (!duplicate) {
      token->attributes.back().value = value;
      token->attributes.back().original = original;
    }
  }
}

// Past the end of a comment whose "<!--" ends just before `pos`, or kEnd.
std::size_t HtmlScanner::SkipComment(std::size_t pos) const {
  const std::size_t n = html_.size();
  if (pos < n && html_[pos] == '>') return pos + 1;  // "<!-->"
  if (html_.substr(pos, 2) == "->") return pos + 2;  // "<!--->"
  while ((pos = html_.find("--", pos)) != kEnd) {
    pos += 2;
    while (pos < n && html_[pos] == '-') ++pos;
    if (pos < n && html_[pos] == '>') return pos + 1;
    if (html_.substr(pos, 2) == "!>") return pos + 2;
  }
  return kEnd;
}

std::string_view HtmlScanner::SkipRawText(std::string_view lower_name) {
  const std::size_t n = html_.size();
  const std::size_t start = pos_;
  std::size_t pos = pos_;
  while ((pos = html_.find("</", pos)) != kEnd) {
    const std::size_t after = pos + 2 + lower_name.size();
    if (after < n && EqualsIgnoreCase(html_.substr(pos + 2, lower_name.size()), lower_name) &&
        Is(html_[after], kEndsTagName)) {
      break;
    }
    pos += 2;
  }
  pos_ = pos == kEnd ? n : pos;
  at_markup_ = pos_ < n;  // an end tag
  return Slice(start, pos_);
}

}  // namespace tributary::feeds
