// EntrySelector: which stored items an output or a digest shows, as the
// plain entries output/ renders. One selection serves the merged feeds,
// Markdown posts, the river page and the digests: the feeds an output's
// categories/feeds name, its keyword filters, cross-feed collapsing, and the
// mapping of a stored item to an entry with its sources. It reads the store
// and decides nothing. Not thread-safe: use it on the thread that owns the
// store.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "config/config.h"
#include "daemon/polling/feed_specs.h"
#include "output/entry.h"
#include "storage/store.h"

namespace tributary::daemon {

class EntrySelector {
 public:
  EntrySelector(storage::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // The configured feeds (ids, names, folders, authors) entries come from.
  void Configure(std::vector<FeedSpec> feeds) { feeds_ = std::move(feeds); }
  const std::vector<FeedSpec>& feeds() const { return feeds_; }

  // Re-reads the feeds' stored titles and links (once per regeneration).
  void Refresh();

  // The entries `output` selects, newest first: at most max_items, no older
  // than max_age, duplicates collapsed when the output asks.
  Result<std::vector<output::OutputEntry>> Select(const config::OutputConfig& output);

  // Digests: the items with ids in (after_id, up_to_id] (up_to_id 0: no
  // bound) of the feeds `categories`/`feeds` select that pass the keyword
  // filters, ascending by id, each with its store id. No collapsing: every
  // item is accounted for by the digest's exactly-once ledger.
  struct IdentifiedEntry {
    storage::ItemId id = 0;
    output::OutputEntry entry;
  };
  struct NewEntriesQuery {
    std::vector<std::string> categories;
    std::vector<std::string> feeds;
    std::vector<std::string> include;
    std::vector<std::string> exclude;
    storage::ItemId after_id = 0;
    storage::ItemId up_to_id = 0;
  };
  Result<std::vector<IdentifiedEntry>> SelectNew(const NewEntriesQuery& query);

  // The store ids of the feeds `categories` and `names` (name or URL)
  // select; both empty: every feed.
  std::vector<storage::FeedId> FeedsFor(const std::vector<std::string>& categories,
                                        const std::vector<std::string>& names) const;
  // The configured author of the feed an entry came from ("" if none).
  std::string DefaultAuthorFor(const output::OutputEntry& entry) const;

 private:
  output::SourceRef SourceFor(storage::FeedId id) const;
  output::OutputEntry ToEntry(const storage::ItemRecord& item) const;
  std::vector<output::OutputEntry> Collapse(std::vector<storage::ItemRecord> items) const;

  storage::Store& store_;
  const Clock& clock_;
  std::vector<FeedSpec> feeds_;
  std::map<storage::FeedId, storage::FeedRow> rows_;
};

// True if `entry`'s title, summary or content contains none of `exclude`
// and, when `include` is not empty, one of `include` (ASCII case-insensitive).
bool MatchesKeywords(const output::OutputEntry& entry, const std::vector<std::string>& include,
                     const std::vector<std::string>& exclude);

}  // namespace tributary::daemon
