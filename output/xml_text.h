// What the Atom and RSS writers share: text elements cleaned of what XML
// 1.0 cannot carry, and the document saved into a string.
#pragma once

#include <cstddef>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "output/sanitizer.h"

namespace tributary::output::xml {

inline void AddText(pugi::xml_node parent, const char* name, std::string_view value) {
  parent.append_child(name).text().set(CleanText(value).c_str());
}

// Indented UTF-8, control characters skipped.
inline std::string Save(const pugi::xml_document& document) {
  class StringWriter final : public pugi::xml_writer {
   public:
    void write(const void* data, std::size_t size) override {
      text.append(static_cast<const char*>(data), size);
    }
    std::string text;
  };
  StringWriter writer;
  document.save(writer, "  ", pugi::format_indent | pugi::format_skip_control_chars,
                pugi::encoding_utf8);
  return std::move(writer.text);
}

}  // namespace tributary::output::xml
