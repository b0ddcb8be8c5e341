#include "storage/item_json.h"

#include <nlohmann/json.hpp>
#include <utility>

namespace tributary::storage {

std::string CategoriesJson(const std::vector<std::string>& categories) {
  return nlohmann::json(categories).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string EnclosuresJson(const std::vector<EnclosureRecord>& enclosures) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : enclosures) {
    nlohmann::json j = {{"url", e.url}, {"type", e.type}};
    if (e.length) j["length"] = *e.length;
    list.push_back(std::move(j));
  }
  return list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> ParseCategories(const std::string& text) {
  std::vector<std::string> out;
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::vector<EnclosureRecord> ParseEnclosures(const std::string& text) {
  std::vector<EnclosureRecord> out;
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (!v.is_object()) continue;
    EnclosureRecord e;
    e.url = v.value("url", "");
    e.type = v.value("type", "");
    if (v.contains("length") && v["length"].is_number_integer()) {
      e.length = v["length"].get<std::int64_t>();
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace tributary::storage
