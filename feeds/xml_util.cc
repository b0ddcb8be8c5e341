#include "feeds/xml_util.h"

#include <algorithm>
#include <cstring>

#include "common/text.h"

namespace tributary::feeds {
namespace {

struct KnownNamespace {
  std::string_view uri;
  Ns ns;
};

constexpr KnownNamespace kNamespaces[] = {
    {"http://www.w3.org/2005/Atom", Ns::kAtom},
    {"http://purl.org/atom/ns#", Ns::kAtom03},
    {"http://purl.org/rss/1.0/", Ns::kRss10},
    {"http://my.netscape.com/rdf/simple/0.9/", Ns::kRss090},
    {"http://backend.userland.com/rss2", Ns::kRss20},
    {"http://backend.userland.com/rss", Ns::kRss20},
    {"http://blogs.law.harvard.edu/tech/rss", Ns::kRss20},
    {"http://www.w3.org/1999/02/22-rdf-syntax-ns#", Ns::kRdf},
    {"http://purl.org/rss/1.0/modules/content/", Ns::kContent},
    {"http://purl.org/dc/elements/1.1/", Ns::kDc},
    {"http://purl.org/dc/terms/", Ns::kDcTerms},
    {"http://search.yahoo.com/mrss/", Ns::kMedia},
    {"http://search.yahoo.com/mrss", Ns::kMedia},
    {"http://www.itunes.com/dtds/podcast-1.0.dtd", Ns::kItunes},
    {"http://www.itunes.com/DTDs/Podcast-1.0.dtd", Ns::kItunes},
    {"http://purl.org/rss/1.0/modules/slash/", Ns::kSlash},
    {"http://rssnamespace.org/feedburner/ext/1.0", Ns::kFeedburner},
    {"http://purl.org/rss/1.0/modules/syndication/", Ns::kSy},
    {"http://www.w3.org/1999/xhtml", Ns::kXhtml},
    {"http://www.w3.org/XML/1998/namespace", Ns::kXml},
};

struct KnownPrefix {
  std::string_view prefix;
  Ns ns;
  std::string_view vocabulary;
};

constexpr KnownPrefix kPrefixes[] = {
    {"atom", Ns::kAtom, "Atom"},
    {"atom10", Ns::kAtom, "Atom"},
    {"content", Ns::kContent, "RSS content"},
    {"dc", Ns::kDc, "Dublin Core"},
    {"dcterms", Ns::kDcTerms, "DC terms"},
    {"media", Ns::kMedia, "Media RSS"},
    {"itunes", Ns::kItunes, "iTunes"},
    {"slash", Ns::kSlash, "slash"},
    {"feedburner", Ns::kFeedburner, "FeedBurner"},
    {"sy", Ns::kSy, "syndication"},
    {"rdf", Ns::kRdf, "RDF"},
    {"xhtml", Ns::kXhtml, "XHTML"},
};

bool IsTextNode(pugi::xml_node node) {
  return node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata;
}

class StringWriter final : public pugi::xml_writer {
 public:
  explicit StringWriter(std::string* out) : out_(out) {}
  void write(const void* data, size_t size) override {
    out_->append(static_cast<const char*>(data), size);
  }

 private:
  std::string* out_;
};

}  // namespace

Ns NamespaceForUri(std::string_view uri) {
  uri = Trim(uri);
  if (uri.empty()) return Ns::kNone;  // xmlns="" undeclares the default
  for (const KnownNamespace& known : kNamespaces) {
    if (uri == known.uri) return known.ns;
  }
  // Common misspellings: https, or a missing/extra trailing slash.
  if (uri.starts_with("https://")) {
    std::string http = "http://" + std::string(uri.substr(8));
    return NamespaceForUri(http);
  }
  for (const KnownNamespace& known : kNamespaces) {
    std::string_view k = known.uri;
    if (k.back() == '/' && uri.size() + 1 == k.size() && k.starts_with(uri)) return known.ns;
  }
  return Ns::kOther;
}

bool NameIs(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (AsciiLower(name[i]) != lower[i]) return false;
  }
  return true;
}

void XmlAttributeHolders::Complete(pugi::xml_node root) {
  std::sort(elements_.begin(), elements_.end());
  complete_ = true;
  if (elements_.empty() || (elements_.size() == 1 && elements_[0] == root.internal_object())) {
    only_holder_ = root;
  }
}

bool XmlAttributeHolders::MayHold(pugi::xml_node element) const {
  return !complete_ ||
         std::binary_search(elements_.begin(), elements_.end(), element.internal_object());
}

QName NameResolver::Resolve(pugi::xml_node element) {
  std::string_view name = element.name();
  std::size_t colon = name.find(':');
  std::string_view prefix = colon == std::string_view::npos ? "" : name.substr(0, colon);
  QName q;
  q.local = colon == std::string_view::npos ? name : name.substr(colon + 1);
  if (prefix == "xml") {
    q.ns = Ns::kXml;
    return q;
  }
  q.ns = LookupPrefix(element, prefix);
  return q;
}

namespace {

// The xmlns attribute of `node` that binds `prefix` ("" for the default
// namespace), or an empty attribute.
pugi::xml_attribute Declaration(pugi::xml_node node, std::string_view prefix) {
  for (pugi::xml_attribute attr = node.first_attribute(); attr; attr = attr.next_attribute()) {
    std::string_view name = attr.name();
    if (!name.starts_with("xmlns")) continue;
    if ((prefix.empty() && name.size() == 5) ||
        (name.size() == 6 + prefix.size() && name[5] == ':' && name.substr(6) == prefix)) {
      return attr;
    }
  }
  return {};
}

}  // namespace

Ns NameResolver::LookupPrefix(pugi::xml_node element, std::string_view prefix) {
  // Declarations on the element itself come first.
  if (MayDeclare(element)) {
    if (pugi::xml_attribute own = Declaration(element, prefix)) return NamespaceForUri(own.value());
  }
  return InScope(element.parent(), prefix);
}

Ns NameResolver::InScope(pugi::xml_node node, std::string_view prefix) {
  // One scope for the whole document: the cache then answers every lookup
  // but the first of each prefix.
  if (holders_ != nullptr && holders_->OnlyHolder()) node = holders_->OnlyHolder();
  // Newest first: the scope of the siblings before this element.
  for (std::size_t k = 1; k <= scopes_used_; ++k) {
    const ScopeEntry& entry = scopes_[(scopes_next_ + kScopeEntries - k) % kScopeEntries];
    if (entry.scope == node && entry.prefix == prefix) return entry.ns;
  }
  Ns found = Ns::kNone;
  pugi::xml_node n = node;
  for (; n; n = n.parent()) {
    if (!MayDeclare(n)) continue;
    if (pugi::xml_attribute decl = Declaration(n, prefix)) {
      found = NamespaceForUri(decl.value());
      break;
    }
  }
  if (!n) found = Undeclared(prefix);
  scopes_[scopes_next_] = {node, prefix, found};
  scopes_next_ = (scopes_next_ + 1) % kScopeEntries;
  scopes_used_ = std::max(scopes_used_, scopes_next_ == 0 ? kScopeEntries : scopes_next_);
  return found;
}

Ns NameResolver::Undeclared(std::string_view prefix) {
  if (prefix.empty()) return Ns::kNone;
  for (const KnownPrefix& known : kPrefixes) {
    if (known.prefix != prefix) continue;
    if (std::find(warned_prefixes_.begin(), warned_prefixes_.end(), prefix) ==
        warned_prefixes_.end()) {
      warned_prefixes_.emplace_back(prefix);
      warnings_->push_back("undeclared namespace prefix \"" + std::string(prefix) + ":\" read as " +
                           std::string(known.vocabulary));
    }
    return known.ns;
  }
  return Ns::kOther;
}

std::string_view SimpleText(pugi::xml_node node) {
  pugi::xml_node child = node.first_child();
  if (child && !child.next_sibling() && IsTextNode(child)) return child.value();
  return {};
}

bool HasElementChildren(pugi::xml_node node) {
  for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element) return true;
  }
  return false;
}

std::string NodeText(pugi::xml_node node) {
  std::string out;
  std::string_view text = NodeTextView(node, &out);
  if (text.data() != out.data()) out.assign(text);
  return out;
}

std::string_view NodeTextView(pugi::xml_node node, std::string* storage) {
  pugi::xml_node first = node.first_child();
  if (!first) return {};
  if (!first.next_sibling() && IsTextNode(first)) return first.value();
  std::string& out = *storage;
  out.clear();
  // Iterative pre-order walk of the subtree: document order, any depth.
  pugi::xml_node current = first;
  while (current) {
    if (IsTextNode(current)) out.append(current.value());
    if (current.type() == pugi::node_element && current.first_child()) {
      current = current.first_child();
      continue;
    }
    while (current && current != node && !current.next_sibling()) current = current.parent();
    if (!current || current == node) break;
    current = current.next_sibling();
  }
  return out;
}

std::string InnerXml(pugi::xml_node node) {
  std::string out;
  StringWriter writer(&out);
  for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
    child.print(writer, "", pugi::format_raw | pugi::format_skip_control_chars);
  }
  return out;
}

std::string_view Attribute(pugi::xml_node node, std::string_view name) {
  // One pass: an exact match wins, else the first case-insensitive one.
  pugi::xml_attribute folded;
  for (pugi::xml_attribute attr = node.first_attribute(); attr; attr = attr.next_attribute()) {
    const std::string_view attr_name = attr.name();
    if (attr_name == name) return attr.value();
    if (!folded && NameIs(attr_name, name)) folded = attr;
  }
  return folded ? std::string_view(folded.value()) : std::string_view();
}

}  // namespace tributary::feeds
