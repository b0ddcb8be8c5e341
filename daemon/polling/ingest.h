// Ingest: the dedup and retention policy applied to one fetched document.
// The store obeys; this file decides which parsed items are new, edited,
// re-keyed (GUID churn) or already known, what their identity key and sort
// time are, and what retention purges afterwards. Stateless functions; the
// caller runs them on the strand that owns the store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "feeds/parsed_feed.h"
#include "storage/store.h"

namespace tributary::daemon {

struct IngestPolicy {
  std::size_t keep_items = 1000;                       // per feed, newest by sort_time
  Seconds keep_age{180 * 24 * 3600};                   // per feed, by first_seen
  std::vector<std::string> extra_tracking_parameters;  // for canonical URLs
  std::string default_author;                          // attribution when an item names none
};

struct IngestReport {
  int inserted = 0, updated = 0, unchanged = 0, rekeyed = 0, skipped = 0, purged = 0;
  std::vector<std::string> warnings;  // human readable, one per problem
};

// Per-field caps (hostile-inputs B7). Longer values are cut at a UTF-8
// boundary and marked with kTruncationMark.
inline constexpr std::size_t kMaxTitleBytes = 1024;
inline constexpr std::size_t kMaxSummaryBytes = 64 * 1024;
inline constexpr std::size_t kMaxContentBytes = 1024 * 1024;
inline constexpr std::size_t kMaxShortFieldBytes = 2048;   // link, guid, author, category
inline constexpr std::size_t kMaxItemsPerDocument = 1000;  // the first N in document order
inline constexpr std::string_view kTruncationMark = "\xE2\x80\xA6";  // "…"

// Applies one parsed document to `feed` in one store transaction (items,
// feed metadata and `state_after`), then retention. `now` is the fetch time.
// PrepareDocument then IngestPrepared.
Result<IngestReport> IngestDocument(storage::Store& store, storage::FeedId feed,
                                    const feeds::ParsedFeed& doc,
                                    const storage::FeedState& state_after,
                                    const IngestPolicy& policy, Timestamp now);

// A feed's content hashes, as PrepareDocument compares them: sorted XXH64
// of ItemRecord::content_hash (8 bytes an item, for 100,000 feeds too).
using ContentHashSet = std::vector<std::uint64_t>;
std::uint64_t ContentHashKey(std::string_view content_hash);

// The part of ingest that needs no store: records with keys, caps, hashes
// and sort times, duplicate keys resolved, and near-duplicate fingerprints
// (the costliest step) for every record whose content hash is not in
// `known` (the feed's previous document, may be null): those are most
// likely unchanged and never written; IngestPrepared fingerprints any that
// are written after all. Pure and thread-safe, so the poller runs it on
// the parse pool, off the loop that owns the store.
struct PreparedDocument {
  std::vector<storage::ItemRecord> records;
  std::unordered_set<std::string> unfingerprinted;  // item keys
  IngestReport report;                              // skips and warnings of this step
};
PreparedDocument PrepareDocument(const feeds::ParsedFeed& doc, const IngestPolicy& policy,
                                 Timestamp now, const ContentHashSet* known);
// The content hashes of a prepared document's records, for the next one.
ContentHashSet ContentHashesOf(const PreparedDocument& prepared);

// The rest, on the store's thread. `prepared` is read, not consumed: a
// batch that is redone stores the same prepared document again.
Result<IngestReport> IngestPrepared(storage::Store& store, storage::FeedId feed,
                                    const feeds::ParsedFeed& doc, const PreparedDocument& prepared,
                                    const storage::FeedState& state_after,
                                    const IngestPolicy& policy, Timestamp now);

// The identity of an item within its feed: trimmed guid (case kept), else
// trimmed link, else "hash:" + a hash of normalised title + content. Keys
// longer than kMaxShortFieldBytes become "hash:" + their hash.
std::string ItemKey(const feeds::ParsedItem& item);

// What outputs order by: `published` unless missing, before 1990 or more than
// 48 h after `now` (then `first_seen`), never later than `now`.
Timestamp SortTime(const std::optional<Timestamp>& published, Timestamp first_seen, Timestamp now);

// Cuts `text` to at most `max_bytes` (mark included) at a UTF-8 boundary;
// returns true if it was cut.
bool TruncateUtf8(std::string& text, std::size_t max_bytes);

}  // namespace tributary::daemon
