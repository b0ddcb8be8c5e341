#include "feeds/discover.h"

#include <gumbo.h>

#include <algorithm>

#include "common/text.h"
#include "feeds/charset.h"
#include "feeds/url.h"

namespace tributary::feeds {
namespace {

// rel is a space-separated token list ("alternate home").
bool HasRelToken(std::string_view rel, std::string_view token) {
  std::string lowered = ToLowerAscii(Trim(rel, kHttpWhitespace));
  std::string_view rest = lowered;
  while (!rest.empty()) {
    std::size_t space = rest.find_first_of(" \t\n\r\f");
    if (rest.substr(0, space) == token) return true;
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  return false;
}

bool IsFeedType(std::string_view type) {
  return type == "application/rss+xml" || type == "application/atom+xml" ||
         type == "application/feed+json" || type == "application/rdf+xml";
}

const char* AttributeValue(const GumboElement& element, const char* name) {
  const GumboAttribute* attr = gumbo_get_attribute(&element.attributes, name);
  return attr == nullptr ? nullptr : attr->value;
}

}  // namespace

std::vector<DiscoveredFeed> DiscoverFeeds(std::string_view html, std::string_view page_url) {
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  struct Candidate {
    std::string href, type, title;
  };
  std::vector<Candidate> candidates;
  std::string base_href;
  // Pre-order walk without recursion (children pushed in reverse).
  std::vector<const GumboNode*> stack{output->root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) continue;
    const GumboElement& element = node->v.element;
    if (element.tag == GUMBO_TAG_BASE && base_href.empty()) {
      if (const char* href = AttributeValue(element, "href")) base_href = href;
    } else if (element.tag == GUMBO_TAG_LINK || element.tag == GUMBO_TAG_A) {
      const char* rel = AttributeValue(element, "rel");
      const char* type = AttributeValue(element, "type");
      const char* href = AttributeValue(element, "href");
      if (rel != nullptr && type != nullptr && href != nullptr && HasRelToken(rel, "alternate")) {
        std::string lowered_type = ToLowerAscii(Trim(type, kHttpWhitespace));
        lowered_type = lowered_type.substr(0, lowered_type.find(';'));
        if (IsFeedType(lowered_type)) {
          const char* title = AttributeValue(element, "title");
          candidates.push_back({href, lowered_type, title == nullptr ? "" : title});
        }
      }
    }
    for (unsigned i = element.children.length; i > 0; --i) {
      stack.push_back(static_cast<const GumboNode*>(element.children.data[i - 1]));
    }
  }
  gumbo_destroy_output(&options, output);

  UrlResolver page(page_url);
  UrlResolver base =
      base_href.empty() ? UrlResolver(page_url) : UrlResolver(page.Resolve(base_href));
  std::vector<DiscoveredFeed> feeds;
  for (Candidate& c : candidates) {
    DiscoveredFeed feed{CleanUtf8(base.Resolve(c.href)), std::move(c.type), CleanUtf8(c.title)};
    if (feed.url.empty()) continue;
    if (std::none_of(feeds.begin(), feeds.end(),
                     [&](const DiscoveredFeed& f) { return f.url == feed.url; })) {
      feeds.push_back(std::move(feed));
    }
  }
  return feeds;
}

}  // namespace tributary::feeds
