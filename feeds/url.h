// URL resolution for feed documents with libcurl's URL API: relative links
// made absolute against xml:base, the feed's URL or the site link, and the
// href/src attributes inside HTML content rewritten the same way.
#pragma once

#include <string>
#include <string_view>

namespace tributary::feeds {

// True when `url` starts with a scheme ("https:", "mailto:", "data:").
bool HasScheme(std::string_view url);

// Resolves references against one base URL. The base is parsed once;
// Resolve() is then cheap for absolute references (returned as they are).
// Owns a libcurl URL handle; not thread-safe; movable, not copyable.
class UrlResolver {
 public:
  UrlResolver() = default;
  explicit UrlResolver(std::string_view base);
  ~UrlResolver();
  UrlResolver(UrlResolver&& other) noexcept;
  UrlResolver& operator=(UrlResolver&& other) noexcept;
  UrlResolver(const UrlResolver&) = delete;
  UrlResolver& operator=(const UrlResolver&) = delete;

  // True when the base parsed as an absolute URL.
  bool valid() const { return handle_ != nullptr; }
  const std::string& base() const { return base_; }

  // `ref` (trimmed) made absolute; `ref` unchanged when there is no valid
  // base or it cannot be resolved.
  std::string Resolve(std::string_view ref) const;

 private:
  std::string base_;
  void* handle_ = nullptr;  // CURLU*, kept opaque so callers need no curl.h
  // The last relative reference resolved and its result: an item's summary
  // and content mostly hold the same links, and curl takes a microsecond.
  mutable std::string last_ref_;
  mutable std::string last_result_;
  // "scheme://authority" as libcurl writes it for this base, to which a
  // plain absolute path is appended; empty until needed, "-" when the
  // base has none.
  mutable std::string origin_;

  std::string ResolveWithCurl(std::string_view ref) const;
};

// `html` with relative href/src/poster attribute values made absolute
// against `base`; every other byte is kept as it was. Uses gumbo to find
// the attributes, and only when some attribute looks relative.
std::string AbsolutizeHtmlUrls(std::string html, const UrlResolver& base);

}  // namespace tributary::feeds
