#include "daemon/publishing/entry_selector.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <limits>

#include "common/text.h"
#include "daemon/polling/collapse.h"
#include "daemon/polling/simhash.h"

namespace tributary::daemon {
namespace {

bool LooksLikeUri(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    char c = text[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return text.find_first_of(" \t\r\n<>\"") == std::string::npos;
}

}  // namespace

bool MatchesKeywords(const output::OutputEntry& entry, const std::vector<std::string>& include,
                     const std::vector<std::string>& exclude) {
  if (include.empty() && exclude.empty()) return true;
  std::string haystack = ToLowerAscii(entry.title + "\n" + entry.summary + "\n" + entry.content);
  for (const auto& word : exclude) {
    if (haystack.find(ToLowerAscii(word)) != std::string::npos) return false;
  }
  if (include.empty()) return true;
  for (const auto& word : include) {
    if (haystack.find(ToLowerAscii(word)) != std::string::npos) return true;
  }
  return false;
}

void EntrySelector::Refresh() {
  rows_.clear();
  if (auto rows = store_.ListFeeds(); rows) {
    for (auto& row : *rows) rows_.emplace(row.id, std::move(row));
  }
}

std::vector<storage::FeedId> EntrySelector::FeedsFor(const std::vector<std::string>& categories,
                                                     const std::vector<std::string>& names) const {
  std::vector<storage::FeedId> ids;
  for (const auto& spec : feeds_) {
    bool selected = categories.empty() && names.empty();
    for (const auto& category : categories) {
      const auto& own = spec.config.categories;
      if (std::find(own.begin(), own.end(), category) != own.end()) selected = true;
    }
    for (const auto& name : names) {
      if (name == spec.name || name == spec.config.url) selected = true;
    }
    if (selected) ids.push_back(spec.id);
  }
  return ids;
}

std::string EntrySelector::DefaultAuthorFor(const output::OutputEntry& entry) const {
  std::string author;
  for (const auto& spec : feeds_) {
    if (!entry.sources.empty() && spec.config.url == entry.sources.front().url) {
      author = spec.config.author;
    }
  }
  return author;
}

output::SourceRef EntrySelector::SourceFor(storage::FeedId id) const {
  output::SourceRef source;
  for (const auto& spec : feeds_) {
    if (spec.id != id) continue;
    source.categories = spec.config.categories;
    source.url = spec.config.url;
    source.title = spec.config.name;
  }
  auto row = rows_.find(id);
  if (row != rows_.end()) {
    if (source.title.empty()) source.title = row->second.title;
    source.feed_title = row->second.title;
    source.link = row->second.site_link;
    source.id = row->second.feed_uid;
    if (!row->second.url.empty()) source.url = row->second.url;
  }
  if (source.title.empty()) source.title = source.url;
  if (source.id.empty()) source.id = source.url;
  return source;
}

output::OutputEntry EntrySelector::ToEntry(const storage::ItemRecord& item) const {
  output::OutputEntry entry;
  auto row = rows_.find(item.feed_id);
  std::string feed_key = row != rows_.end() ? row->second.key : std::to_string(item.feed_id);
  entry.id = LooksLikeUri(item.guid)
                 ? item.guid
                 : "tag:tributary.invalid,2026:" +
                       Hex(Fnv1a64(feed_key + "\n" + item.item_key, kFnv1a64LegacyBasis));
  entry.title = item.title;
  entry.link = item.link;
  entry.author = item.author;
  entry.published = item.published;
  entry.updated = item.updated.value_or(item.published.value_or(item.first_seen));
  entry.sort_time = item.sort_time;
  entry.summary = item.summary;
  entry.content = item.content;
  entry.categories = item.categories;
  for (const auto& enclosure : item.enclosures) {
    entry.enclosures.push_back({enclosure.url, enclosure.type, enclosure.length});
  }
  entry.sources.push_back(SourceFor(item.feed_id));
  return entry;
}

// One entry per group of near-duplicates, crediting every feed it came from.
std::vector<output::OutputEntry> EntrySelector::Collapse(
    std::vector<storage::ItemRecord> items) const {
  std::vector<output::OutputEntry> entries;
  for (auto& group : CollapseDuplicates(std::move(items), kDefaultMaxHammingDistance)) {
    output::OutputEntry entry = ToEntry(group.members.front());
    for (std::size_t i = 1; i < group.members.size(); ++i) {
      auto source = SourceFor(group.members[i].feed_id);
      bool seen = false;
      for (const auto& s : entry.sources) seen = seen || s.url == source.url;
      if (!seen) entry.sources.push_back(std::move(source));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

Result<std::vector<output::OutputEntry>> EntrySelector::Select(const config::OutputConfig& output) {
  storage::ItemQuery query;
  query.feeds = FeedsFor(output.categories, output.feeds);
  if (query.feeds.empty()) return std::vector<output::OutputEntry>{};
  bool filtered = !output.include.empty() || !output.exclude.empty();
  // Ask for more than needed: collapsing and keyword filters drop some.
  query.limit = output.max_items * (filtered ? 8 : 2) + 16;
  if (output.max_age) query.since = clock_.Now() - *output.max_age;
  auto items = store_.QueryItems(query);
  if (!items) return items.error();

  std::vector<output::OutputEntry> entries;
  if (output.collapse_duplicates) {
    entries = Collapse(std::move(*items));
  } else {
    for (const auto& item : *items) entries.push_back(ToEntry(item));
  }
  std::vector<output::OutputEntry> selected;
  for (auto& entry : entries) {
    if (selected.size() >= output.max_items) break;
    if (MatchesKeywords(entry, output.include, output.exclude))
      selected.push_back(std::move(entry));
  }
  return selected;
}

Result<std::vector<EntrySelector::IdentifiedEntry>> EntrySelector::SelectNew(
    const NewEntriesQuery& wanted) {
  Refresh();
  storage::ItemQuery query;
  query.feeds = FeedsFor(wanted.categories, wanted.feeds);
  if (query.feeds.empty()) return std::vector<IdentifiedEntry>{};
  query.after_id = wanted.after_id;
  query.limit = std::numeric_limits<std::size_t>::max() / 2;
  auto items = store_.QueryItems(query);
  if (!items) return items.error();
  std::vector<IdentifiedEntry> selected;
  for (const auto& item : *items) {
    if (wanted.up_to_id > 0 && item.id > wanted.up_to_id) continue;
    output::OutputEntry entry = ToEntry(item);
    if (MatchesKeywords(entry, wanted.include, wanted.exclude)) {
      selected.push_back({item.id, std::move(entry)});
    }
  }
  std::sort(selected.begin(), selected.end(),
            [](const IdentifiedEntry& a, const IdentifiedEntry& b) { return a.id < b.id; });
  return selected;
}

}  // namespace tributary::daemon
