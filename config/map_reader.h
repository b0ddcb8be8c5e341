// MapReader and Problems: how config_loader.cc reads YAML. Every key is
// read through a MapReader, which records the keys it was asked for; that
// record rejects unknown keys (with a suggestion) and is what
// KnownConfigKeys() returns. Problems collects every problem with its
// file:line:column, so one bad line is reported with the others and nothing
// half-applies. Internal to config/: only config_loader.cc includes it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/text.h"
#include "config/config.h"
#include "config/values.h"

namespace tributary::config {

inline std::string Quote(const std::string& text) { return "\"" + text + "\""; }

inline constexpr std::size_t kMaxReportedProblems = 20;

inline std::string KindOf(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "the value " + Quote(node.Scalar());
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

// Problems found so far, in document order of discovery.
class Problems {
 public:
  explicit Problems(std::string file_name) : file_name_(std::move(file_name)) {}

  SourceMark MarkOf(const YAML::Node& node) const {
    SourceMark mark{file_name_, 0, 0};
    if (node.IsDefined() && !node.Mark().is_null()) {
      mark.line = node.Mark().line + 1;
      mark.column = node.Mark().column + 1;
    }
    return mark;
  }
  void Add(SourceMark mark, std::string text) {
    list_.push_back({std::move(mark), std::move(text)});
  }
  void Add(const YAML::Node& node, const std::string& path, const std::string& text) {
    Add(MarkOf(node), path.empty() ? text : path + ": " + text);
  }
  bool empty() const { return list_.empty(); }
  const std::string& file_name() const { return file_name_; }

  // One Error: the first problem in context/message, the others on
  // following lines in full.
  Error ToError() const {
    Error error{ErrorCode::kConfig, list_.front().text, list_.front().mark.ToString()};
    for (std::size_t i = 1; i < list_.size() && i < kMaxReportedProblems; ++i) {
      error.message += "\n" + list_[i].mark.ToString() + ": " + list_[i].text;
    }
    if (list_.size() > kMaxReportedProblems) {
      error.message +=
          "\n(" + std::to_string(list_.size() - kMaxReportedProblems) + " more problems)";
    }
    return error;
  }

 private:
  struct Problem {
    SourceMark mark;
    std::string text;
  };
  std::string file_name_;
  std::vector<Problem> list_;
};

// Reads the keys of one YAML map. Ask for every key the section knows (even
// when absent) and call Finish() last: keys never asked for are unknown.
class MapReader {
 public:
  // `path` names the map in messages ("feeds[3]"), `pattern` in the key
  // list ("feeds[]"); both empty for the top level.
  MapReader(Problems& problems, std::vector<std::string>* known_keys, const YAML::Node& node,
            std::string path, std::string pattern)
      : problems_(problems),
        known_keys_(known_keys),
        node_(node),
        path_(std::move(path)),
        pattern_(std::move(pattern)) {
    if (node_.IsMap()) {
      std::set<std::string> seen;
      for (auto it = node_.begin(); it != node_.end(); ++it) {
        const std::string key = it->first.Scalar();
        if (!seen.insert(key).second) {
          problems_.Add(it->first, Join(key), "the key appears twice");
        }
      }
    } else if (!node_.IsNull()) {
      problems_.Add(node_, path_, "expected a map of keys, got " + KindOf(node_));
    }
  }

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  Problems& problems() { return problems_; }
  std::vector<std::string>* known_keys() { return known_keys_; }
  std::string Join(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  std::string JoinPattern(const std::string& key) const {
    return pattern_.empty() ? key : pattern_ + "." + key;
  }

  // The value of `key`; an undefined node when absent or null.
  YAML::Node Take(const std::string& key) {
    if (std::find(asked_.begin(), asked_.end(), key) == asked_.end()) asked_.push_back(key);
    if (known_keys_ != nullptr) {
      std::string full = JoinPattern(key);
      if (std::find(known_keys_->begin(), known_keys_->end(), full) == known_keys_->end()) {
        known_keys_->push_back(full);
      }
    }
    if (!node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      if (it->first.Scalar() == key) {
        if (it->second.IsNull()) return YAML::Node(YAML::NodeType::Undefined);
        return it->second;
      }
    }
    return YAML::Node(YAML::NodeType::Undefined);
  }
  // Reports a missing key; true when present.
  bool Require(const std::string& key, const std::string& hint = "") {
    Take(key);
    if (Has(key)) return true;
    problems_.Add(node_, path_, "missing required key " + Quote(key) + hint);
    return false;
  }
  bool Has(const std::string& key) const {
    if (!node_.IsMap()) return false;
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      if (it->first.Scalar() == key) return !it->second.IsNull();
    }
    return false;
  }

  void Finish() {
    if (!node_.IsMap()) return;
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (std::find(asked_.begin(), asked_.end(), key) != asked_.end()) continue;
      problems_.Add(it->first, Join(key), "unknown key" + Suggestion(key));
    }
  }

  // Typed readers: leave `out` unchanged when the key is absent; report
  // and leave it unchanged when the value is malformed. They return true
  // when a value was stored.
  bool String(const std::string& key, std::string* out) {
    YAML::Node value = Take(key);
    if (!value.IsDefined()) return false;
    if (!value.IsScalar()) {
      problems_.Add(value, Join(key), "expected a text value, got " + KindOf(value));
      return false;
    }
    if (value.Scalar().find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
      problems_.Add(value, Join(key), "must be on one line");
      return false;
    }
    *out = value.Scalar();
    return true;
  }

  bool Bool(const std::string& key, bool* out) {
    YAML::Node value = Take(key);
    if (!value.IsDefined()) return false;
    const std::string text = value.IsScalar() ? ToLowerAscii(value.Scalar()) : "";
    if (text == "true" || text == "yes" || text == "on") {
      *out = true;
    } else if (text == "false" || text == "no" || text == "off") {
      *out = false;
    } else {
      problems_.Add(value, Join(key), "expected true or false, got " + KindOf(value));
      return false;
    }
    return true;
  }

  template <typename Integer>
  bool Number(const std::string& key, Integer* out, long long min, long long max) {
    YAML::Node value = Take(key);
    if (!value.IsDefined()) return false;
    long long number = 0;
    if (!ParseInteger(value, &number)) {
      problems_.Add(value, Join(key), "expected a whole number, got " + KindOf(value));
      return false;
    }
    if (number < min || number > max) {
      problems_.Add(value, Join(key),
                    std::to_string(number) + " is out of range (" + std::to_string(min) + " to " +
                        std::to_string(max) + ")");
      return false;
    }
    *out = static_cast<Integer>(number);
    return true;
  }

  bool Duration(const std::string& key, std::chrono::milliseconds* out,
                std::chrono::milliseconds min) {
    YAML::Node value = Take(key);
    if (!value.IsDefined()) return false;
    std::optional<std::chrono::milliseconds> parsed;
    if (value.IsScalar()) parsed = ParseDuration(value.Scalar());
    if (!parsed) {
      const std::string shown = value.IsScalar() ? Quote(value.Scalar()) : KindOf(value);
      problems_.Add(value, Join(key), shown + " is not a duration (use 30m, 1h, 45s)");
      return false;
    }
    if (*parsed < min) {
      problems_.Add(value, Join(key),
                    Quote(value.Scalar()) + " is too short (at least " + FormatDuration(min) + ")");
      return false;
    }
    *out = *parsed;
    return true;
  }

  // A duration in whole seconds.
  bool WholeSeconds(const std::string& key, tributary::Seconds* out, tributary::Seconds min) {
    std::chrono::milliseconds parsed{0};
    if (!Duration(key, &parsed, min)) return false;
    if (parsed.count() % 1000 != 0) {
      problems_.Add(Take(key), Join(key), "must be a whole number of seconds");
      return false;
    }
    *out = std::chrono::duration_cast<tributary::Seconds>(parsed);
    return true;
  }
  bool OptionalSeconds(const std::string& key, std::optional<tributary::Seconds>* out,
                       tributary::Seconds min) {
    tributary::Seconds parsed{0};
    if (!WholeSeconds(key, &parsed, min)) return false;
    *out = parsed;
    return true;
  }

  bool ByteSize(const std::string& key, std::int64_t* out, std::int64_t min) {
    YAML::Node value = Take(key);
    if (!value.IsDefined()) return false;
    std::optional<std::int64_t> parsed;
    if (value.IsScalar()) parsed = ParseByteSize(value.Scalar());
    if (!parsed) {
      const std::string shown = value.IsScalar() ? Quote(value.Scalar()) : KindOf(value);
      problems_.Add(value, Join(key), shown + " is not a size (use 16MiB, 512KiB or bytes)");
      return false;
    }
    if (*parsed < min) {
      problems_.Add(value, Join(key), Quote(value.Scalar()) + " is too small");
      return false;
    }
    *out = *parsed;
    return true;
  }

  // A list of one-line, non-empty texts. `marks` (optional) receives the
  // node of each element.
  bool StringList(const std::string& key, std::vector<std::string>* out,
                  std::vector<YAML::Node>* nodes = nullptr) {
    YAML::Node value = Take(key);
    if (!value.IsDefined()) return false;
    if (!value.IsSequence()) {
      problems_.Add(value, Join(key), "expected a list such as [a, b], got " + KindOf(value));
      return false;
    }
    std::vector<std::string> items;
    bool good = true;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const YAML::Node item = value[i];
      const std::string item_path = Join(key) + "[" + std::to_string(i) + "]";
      if (!item.IsScalar() || item.Scalar().empty()) {
        problems_.Add(item, item_path, "expected a text value, got " + KindOf(item));
        good = false;
      } else if (item.Scalar().find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
        problems_.Add(item, item_path, "must be on one line");
        good = false;
      } else {
        items.push_back(item.Scalar());
        if (nodes != nullptr) nodes->push_back(item);
      }
    }
    if (!good) return false;
    *out = std::move(items);
    return true;
  }

  // A map of free keys to one-line texts (HTTP headers).
  bool StringMap(const std::string& key, std::map<std::string, std::string>* out) {
    YAML::Node value = Take(key);
    if (!value.IsDefined()) return false;
    if (!value.IsMap()) {
      problems_.Add(value, Join(key), "expected a map of names to values, got " + KindOf(value));
      return false;
    }
    bool good = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string name = it->first.Scalar();
      const std::string item_path = Join(key) + "." + name;
      const bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
      });
      if (!token) {
        problems_.Add(it->first, item_path, "is not a valid name (letters, digits, - and _)");
        good = false;
      } else if (!it->second.IsScalar() ||
                 it->second.Scalar().find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
        problems_.Add(it->second, item_path, "expected a one-line text value");
        good = false;
      } else {
        (*out)[name] = it->second.Scalar();
      }
    }
    return good;
  }

  // A list of maps; `read` is called with a reader for each element.
  template <typename ReadElement>
  void List(const std::string& key, ReadElement read) {
    YAML::Node value = Take(key);
    const std::string pattern = JoinPattern(key) + "[]";
    if (known_keys_ != nullptr && !value.IsDefined()) {
      // Still walk one empty element so every key of the element is known.
      Problems ignored(problems_.file_name());
      MapReader silent(ignored, known_keys_, YAML::Node(YAML::NodeType::Null), "", pattern);
      read(silent, std::size_t{0});
      return;
    }
    if (!value.IsDefined()) return;
    if (!value.IsSequence()) {
      problems_.Add(value, Join(key), "expected a list, got " + KindOf(value));
      return;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      MapReader element(problems_, known_keys_, value[i], Join(key) + "[" + std::to_string(i) + "]",
                        pattern);
      read(element, i);
      element.Finish();
    }
  }

  // A nested map section.
  template <typename ReadSection>
  void Section(const std::string& key, ReadSection read) {
    YAML::Node value = Take(key);
    MapReader section(problems_, known_keys_,
                      value.IsDefined() ? value : YAML::Node(YAML::NodeType::Null), Join(key),
                      JoinPattern(key));
    read(section);
    section.Finish();
  }

 private:
  static bool ParseInteger(const YAML::Node& value, long long* out) {
    if (!value.IsScalar()) return false;
    const std::string& text = value.Scalar();
    if (text.empty()) return false;
    std::size_t used = 0;
    try {
      *out = std::stoll(text, &used, 10);
    } catch (const std::exception&) {
      return false;
    }
    return used == text.size() && std::isspace(static_cast<unsigned char>(text[0])) == 0;
  }

  std::string Suggestion(const std::string& key) const {
    std::string best;
    std::size_t best_distance = 3;
    for (const std::string& known : asked_) {
      std::size_t distance = EditDistance(key, known);
      if (distance < best_distance) {
        best = known;
        best_distance = distance;
      }
    }
    if (!best.empty()) return " (did you mean " + Quote(best) + "?)";
    std::string list;
    for (const std::string& known : asked_) list += (list.empty() ? "" : ", ") + known;
    return " (known keys: " + list + ")";
  }

  Problems& problems_;
  std::vector<std::string>* known_keys_;
  YAML::Node node_;
  std::string path_;
  std::string pattern_;
  std::vector<std::string> asked_;
};

}  // namespace tributary::config
