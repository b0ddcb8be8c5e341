// Helpers for reading feed XML with pugixml: namespaces resolved by URI
// (pugixml itself knows nothing of namespaces), element text, inner markup,
// and the text clean-up every output string goes through.
#pragma once

#include <cstdint>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/text.h"

namespace tributary::feeds {

// The vocabularies feeds use, identified by namespace URI.
enum class Ns : std::uint8_t {
  kNone,    // no namespace (RSS 0.9x/2.0 elements)
  kOther,   // a namespace we do not read
  kAtom,    // http://www.w3.org/2005/Atom
  kAtom03,  // http://purl.org/atom/ns#
  kRss10,   // http://purl.org/rss/1.0/
  kRss090,  // http://my.netscape.com/rdf/simple/0.9/
  kRss20,   // Userland's http://backend.userland.com/rss2 (and /rss)
  kRdf,
  kContent,
  kDc,
  kDcTerms,
  kMedia,
  kItunes,
  kSlash,
  kFeedburner,
  kSy,
  kXhtml,
  kXml,
};

Ns NamespaceForUri(std::string_view uri);

struct QName {
  Ns ns = Ns::kNone;
  std::string_view local;  // points into the document
};

// ASCII case-insensitive equality against a lowercase literal: feeds in
// the wild write <TITLE> and <pubdate>.
bool NameIs(std::string_view name, std::string_view lower);

// The elements that carry attributes named xml... (namespace
// declarations, xml:base, xml:lang), once a walk over the document has
// listed them: lookups that go up the tree then read no other element's
// attributes. Until Complete(), every element may carry them.
class XmlAttributeHolders {
 public:
  // In any order; each element once.
  void Add(pugi::xml_node element) { elements_.push_back(element.internal_object()); }
  // Some element has an xml:base attribute.
  void NoteXmlBase() { xml_base_ = true; }
  // Whether any element may have an xml:base attribute.
  bool MayHaveXmlBase() const { return !complete_ || xml_base_; }
  // All are listed; `root` is the document element.
  void Complete(pugi::xml_node root);
  bool MayHold(pugi::xml_node element) const;
  // When no element but the root holds such attributes (most feeds), what
  // is in scope anywhere is what is in scope at the root; else null.
  pugi::xml_node OnlyHolder() const { return only_holder_; }

 private:
  std::vector<pugi::xml_node_struct*> elements_;
  pugi::xml_node only_holder_;
  bool xml_base_ = false;
  bool complete_ = false;
};

// Resolves element names to (namespace, local name) by walking the
// xmlns declarations in scope. A prefix that is not declared but is a
// well-known one (dc, content, media...) is read as that vocabulary, with
// one warning per prefix. Not thread-safe; one per parse.
class NameResolver {
 public:
  explicit NameResolver(std::vector<std::string>* warnings) : warnings_(warnings) {}
  QName Resolve(pugi::xml_node element);
  // Which elements can declare namespaces (not owned; null: any).
  void set_holders(const XmlAttributeHolders* holders) { holders_ = holders; }

 private:
  Ns LookupPrefix(pugi::xml_node element, std::string_view prefix);
  // The namespace `prefix` has in scope at `node` (declarations on `node`
  // and its ancestors); the undeclared-prefix fallback above the root.
  Ns InScope(pugi::xml_node node, std::string_view prefix);
  Ns Undeclared(std::string_view prefix);

  bool MayDeclare(pugi::xml_node element) const {
    return holders_ == nullptr || holders_->MayHold(element);
  }

  std::vector<std::string>* warnings_;
  const XmlAttributeHolders* holders_ = nullptr;
  std::vector<std::string> warned_prefixes_;
  // What InScope found, by scope and prefix. Items share their channel's
  // scope and their children use a handful of prefixes, so a few entries
  // answer nearly every lookup; older entries are overwritten in turn.
  struct ScopeEntry {
    pugi::xml_node scope;
    std::string_view prefix;
    Ns ns = Ns::kNone;
  };
  static constexpr std::size_t kScopeEntries = 16;
  ScopeEntry scopes_[kScopeEntries];
  std::size_t scopes_used_ = 0;
  std::size_t scopes_next_ = 0;
};

// The character data of `node`: its text and CDATA children joined; when
// it has child elements, the text of all descendants.
std::string NodeText(pugi::xml_node node);
// NodeText without a copy when the text is a single text or CDATA child
// (the common case); otherwise it is joined into *storage.
std::string_view NodeTextView(pugi::xml_node node, std::string* storage);
// The direct character data, without copying when there is a single text
// or CDATA child (the common case).
std::string_view SimpleText(pugi::xml_node node);

// The markup inside `node`, serialized (for HTML given as child elements
// and for Atom xhtml content).
std::string InnerXml(pugi::xml_node node);

// Whether `node` has element children.
bool HasElementChildren(pugi::xml_node node);

// Value of attribute `name` (exact, then case-insensitive), or "".
std::string_view Attribute(pugi::xml_node node, std::string_view name);

}  // namespace tributary::feeds
