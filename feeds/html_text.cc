#include "feeds/html_text.h"

#include <gumbo.h>

#include <vector>

#include "feeds/entities.h"

namespace tributary::feeds {

std::string HtmlToText(std::string_view html) {
  // Without markup only the character references need decoding.
  if (html.find('<') == std::string_view::npos) return DecodeHtmlEntities(html);
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  std::string text;
  // Iterative walk in document order: children pushed in reverse.
  std::vector<const GumboNode*> stack{output->root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
        node->type == GUMBO_NODE_WHITESPACE) {
      text.append(node->v.text.text);
      continue;
    }
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) continue;
    GumboTag tag = node->v.element.tag;
    if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE) continue;
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i > 0; --i) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i - 1]));
    }
  }
  gumbo_destroy_output(&options, output);
  return text;
}

}  // namespace tributary::feeds
