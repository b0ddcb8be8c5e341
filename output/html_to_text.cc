#include "output/html_to_text.h"

#include <gumbo.h>

#include <algorithm>
#include <string>

namespace tributary::output {
namespace {

// Accumulates text with collapsed white space and explicit block breaks:
// a break request is held until the next visible text, so empty elements
// never produce runs of blank lines.
class TextWriter {
 public:
  explicit TextWriter(std::vector<std::string>* links) : links_(links) {}

  void Text(std::string_view text, bool preformatted) {
    for (char c : text) {
      const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
      if (preformatted && c == '\n') {
        LineBreak();
      } else if (space && !preformatted) {
        pending_space_ = true;
      } else {
        Emit(c);
      }
    }
  }
  void LineBreak() { pending_newlines_ = std::max(pending_newlines_, 1); }
  void Paragraph() { pending_newlines_ = 2; }
  // A line break that is kept even when no text follows on the line (<br><br>).
  void HardBreak() {
    out_ += '\n';
    pending_space_ = false;
  }
  void Prefix(std::string prefix) { prefix_ = std::move(prefix); }

  void LinkEnd(std::string_view href, std::size_t text_start) {
    if (links_ == nullptr || href.empty()) return;
    const bool web = href.rfind("http://", 0) == 0 || href.rfind("https://", 0) == 0 ||
                     href.rfind("mailto:", 0) == 0;
    if (!web) return;
    // A bare URL as its own text needs no reference.
    std::string_view text = std::string_view(out_).substr(std::min(text_start, out_.size()));
    const std::size_t first = text.find_first_not_of(" \n");
    if (first != std::string_view::npos && text.substr(first) == href) return;
    auto it = std::find(links_->begin(), links_->end(), href);
    std::size_t number = static_cast<std::size_t>(it - links_->begin()) + 1;
    if (it == links_->end()) links_->emplace_back(href);
    out_ += " [" + std::to_string(number) + "]";
  }

  std::size_t size() const { return out_.size(); }
  std::string Finish() {
    while (!out_.empty() && (out_.back() == '\n' || out_.back() == ' ')) out_.pop_back();
    return std::move(out_);
  }

 private:
  void Emit(char c) {
    if (!out_.empty() && pending_newlines_ > 0) {
      while (!out_.empty() && out_.back() == ' ') out_.pop_back();
      int existing = 0;
      for (auto it = out_.rbegin(); it != out_.rend() && *it == '\n'; ++it) ++existing;
      for (int i = existing; i < pending_newlines_; ++i) out_ += '\n';
    } else if (pending_space_ && !out_.empty() && out_.back() != '\n' && out_.back() != ' ') {
      out_ += ' ';
    }
    if ((out_.empty() || out_.back() == '\n') && !prefix_.empty()) {
      out_ += prefix_;
      prefix_.clear();
    }
    pending_newlines_ = 0;
    pending_space_ = false;
    out_ += c;
  }

  std::vector<std::string>* links_;
  std::string out_;
  std::string prefix_;
  int pending_newlines_ = 0;
  bool pending_space_ = false;
};

bool IsBlock(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
      return true;
    default:
      return false;
  }
}

struct WalkState {
  bool preformatted = false;
  // Per open list: 0 for <ul>, else the next number of an <ol>.
  std::vector<int> lists;
};

void Walk(const GumboNode* node, TextWriter& writer, WalkState& state);

void WalkChildren(const GumboNode* node, TextWriter& writer, WalkState& state) {
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    Walk(static_cast<const GumboNode*>(children.data[i]), writer, state);
  }
}

// An image is its alt text in brackets, or nothing.
void WriteImage(const GumboNode* node, TextWriter& writer) {
  const GumboAttribute* alt = gumbo_get_attribute(&node->v.element.attributes, "alt");
  if (alt != nullptr && alt->value[0] != '\0') {
    writer.Text("[", false);
    writer.Text(alt->value, false);
    writer.Text("]", false);
  }
}

// "- " or "3. ", indented by the depth of nested lists.
void WriteListItem(const GumboNode* node, TextWriter& writer, WalkState& state) {
  writer.LineBreak();
  std::string prefix = "- ";
  if (!state.lists.empty() && state.lists.back() > 0) {
    prefix = std::to_string(state.lists.back()++) + ". ";
  }
  writer.Prefix(std::string(2 * (state.lists.empty() ? 0 : state.lists.size() - 1), ' ') + prefix);
  WalkChildren(node, writer, state);
  writer.LineBreak();
}

void WalkElement(const GumboNode* node, TextWriter& writer, WalkState& state) {
  const GumboTag tag = node->v.element.tag;
  switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TEMPLATE:
      return;
    case GUMBO_TAG_BR:
      writer.HardBreak();
      return;
    case GUMBO_TAG_IMG:
      WriteImage(node, writer);
      return;
    case GUMBO_TAG_A: {
      const GumboAttribute* href = gumbo_get_attribute(&node->v.element.attributes, "href");
      const std::size_t start = writer.size();
      WalkChildren(node, writer, state);
      // Measure from the first character the link wrote (skip a separator).
      writer.LinkEnd(href != nullptr ? href->value : "", start);
      return;
    }
    case GUMBO_TAG_LI:
      WriteListItem(node, writer, state);
      return;
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
      state.lists.push_back(tag == GUMBO_TAG_OL ? 1 : 0);
      if (state.lists.size() == 1) writer.Paragraph();
      WalkChildren(node, writer, state);
      state.lists.pop_back();
      if (state.lists.empty()) writer.Paragraph();
      return;
    case GUMBO_TAG_TR:
      writer.LineBreak();
      WalkChildren(node, writer, state);
      return;
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      writer.Text(" ", false);
      WalkChildren(node, writer, state);
      return;
    default:
      break;
  }
  const bool block = IsBlock(tag);
  if (block) writer.Paragraph();
  const bool was_pre = state.preformatted;
  if (tag == GUMBO_TAG_PRE) state.preformatted = true;
  WalkChildren(node, writer, state);
  state.preformatted = was_pre;
  if (block) writer.Paragraph();
}

void Walk(const GumboNode* node, TextWriter& writer, WalkState& state) {
  switch (node->type) {
    case GUMBO_NODE_DOCUMENT:
      WalkChildren(node, writer, state);
      break;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE:
      WalkElement(node, writer, state);
      break;
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_CDATA:
    case GUMBO_NODE_WHITESPACE:
      writer.Text(node->v.text.text, state.preformatted);
      break;
    case GUMBO_NODE_COMMENT:
      break;
  }
}

}  // namespace

std::string HtmlToText(std::string_view html, std::vector<std::string>* links) {
  GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  TextWriter writer(links);
  WalkState state;
  Walk(output->root, writer, state);
  gumbo_destroy_output(&kGumboDefaultOptions, output);
  return writer.Finish();
}

std::string ShortenText(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  std::size_t i = 0;
  while (i < text.size() && chars < max_chars) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0u) == 0x80u) ++i;
    ++chars;
  }
  if (i >= text.size()) return std::string(text);
  // Prefer the last space within the final fifth of the allowance.
  std::size_t cut = i;
  const std::size_t space = text.substr(0, i).find_last_of(" \n");
  if (space != std::string_view::npos && space > 0 && (i - space) * 5 < i) cut = space;
  while (cut > 0 && (text[cut - 1] == ' ' || text[cut - 1] == '\n' || text[cut - 1] == ',')) --cut;
  return std::string(text.substr(0, cut)) + "\xE2\x80\xA6";
}

}  // namespace tributary::output
