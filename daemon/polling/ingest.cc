#include "daemon/polling/ingest.h"

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "common/log.h"
#include "common/text.h"
#include "daemon/polling/simhash.h"
#include "daemon/polling/url_canon.h"

namespace tributary::daemon {
namespace {

using storage::ItemRecord;
using storage::StoredItemKey;

// Tombstones of items the feed has not served for this long are dropped.
constexpr Seconds kTombstoneGrace{90LL * 24 * 3600};
constexpr Seconds kFutureTolerance{48LL * 3600};
constexpr std::size_t kMaxCategories = 64;
constexpr std::size_t kMaxEnclosures = 32;
// GUID churn circuit breaker (hostile-inputs D3): this many "new" items,
// and at least half the document, re-keyed at once.
constexpr std::size_t kChurnMinItems = 10;

// Runs of whitespace become one space; ends trimmed.
std::string CollapseSpace(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : Trim(s)) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = true;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// 128-bit XXH3, in hex: specified to be stable across builds and platforms
// (stored keys depend on it), and an order of magnitude cheaper than
// SHA-256 on every item of every fetch. Not a security boundary.
std::string HashHex(std::string_view data) {
  const XXH128_hash_t hash = XXH3_128bits(data.data(), data.size());
  char out[33];
  std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(hash.high64),
                static_cast<unsigned long long>(hash.low64));
  return out;
}

std::string ContentHash(const ItemRecord& r) {
  return HashHex(r.title + '\x1f' + r.summary + '\x1f' + r.content);
}

// Identity across GUID churn: the link without its scheme (http→https moves
// are the commonest churn) plus the title. Empty when both are empty.
std::string LinkTitleKey(const ItemRecord& r) {
  std::string link = CanonicalUrl(r.link, {});
  for (std::string_view scheme : {"https://", "http://"}) {
    if (link.rfind(scheme, 0) == 0) link.erase(0, scheme.size());
  }
  const std::string title = CollapseSpace(r.title);
  if (link.empty() && title.empty()) return {};
  return link + '\n' + title;
}

bool CapField(std::string& field, std::size_t max, std::string_view name, const ItemRecord& r,
              std::vector<std::string>& warnings) {
  if (!TruncateUtf8(field, max)) return false;
  warnings.push_back("item " + r.item_key.substr(0, 200) + ": " + std::string(name) +
                     " truncated to " + std::to_string(max) + " bytes");
  return true;
}

ItemRecord MakeRecord(const feeds::ParsedItem& item, const feeds::ParsedFeed& doc,
                      const IngestPolicy& policy, Timestamp now,
                      std::vector<std::string>& warnings) {
  ItemRecord r;
  r.item_key = ItemKey(item);
  r.guid = std::string(Trim(item.id));
  r.title = item.title;
  r.link = std::string(Trim(item.link));
  r.author = !item.author.empty()             ? item.author
             : !policy.default_author.empty() ? policy.default_author
                                              : doc.feed.author;
  r.summary = item.summary;
  r.content = item.content;
  for (const std::string& c : item.categories) {
    if (r.categories.size() == kMaxCategories) break;
    r.categories.push_back(c);
    TruncateUtf8(r.categories.back(), kMaxShortFieldBytes);
  }
  for (const feeds::Enclosure& e : item.enclosures) {
    if (r.enclosures.size() == kMaxEnclosures) break;
    r.enclosures.push_back({e.url, e.type, e.length});
    TruncateUtf8(r.enclosures.back().url, kMaxShortFieldBytes);
    TruncateUtf8(r.enclosures.back().type, kMaxShortFieldBytes);
  }
  CapField(r.title, kMaxTitleBytes, "title", r, warnings);
  CapField(r.summary, kMaxSummaryBytes, "summary", r, warnings);
  CapField(r.content, kMaxContentBytes, "content", r, warnings);
  CapField(r.guid, kMaxShortFieldBytes, "guid", r, warnings);
  CapField(r.link, kMaxShortFieldBytes, "link", r, warnings);
  CapField(r.author, kMaxShortFieldBytes, "author", r, warnings);
  r.published = item.published;
  r.updated = item.updated;
  r.first_seen = now;
  r.sort_time = SortTime(item.published, now, now);
  r.canonical_url = CanonicalUrl(r.link, policy.extra_tracking_parameters);
  r.content_hash = ContentHash(r);
  return r;
}

// The near-duplicate fingerprint, computed only for records that will be
// written (most items of a fetch are unchanged). The body alone: outlets
// retitle wire copy. Short bodies lean on the title.
void Fingerprint(ItemRecord& r) {
  const std::string body = HtmlToText(r.content.empty() ? r.summary : r.content);
  r.simhash = SimHash(body);
  if (r.simhash == 0) r.simhash = SimHash(r.title + "\n" + body);
}

// Duplicate keys inside one document (hostile-inputs D2). Identical
// copies (same link, title and content) are dropped. Distinct items that
// share a key all move to a composite key "dup:" + hash(key, link, title),
// so none is lost and the mapping does not depend on document order; a
// stored item under the plain key is re-keyed to its composite by the
// link+title rule.
void ResolveDuplicateKeys(std::vector<ItemRecord>& records, IngestReport& report) {
  std::map<std::string, std::vector<std::size_t>> by_key;
  for (std::size_t i = 0; i < records.size(); ++i) by_key[records[i].item_key].push_back(i);
  std::vector<bool> drop(records.size(), false);
  for (auto& [key, indexes] : by_key) {
    if (indexes.size() < 2) continue;
    std::unordered_set<std::string> seen;
    bool distinct = false;
    for (std::size_t i : indexes) {
      const ItemRecord& r = records[i];
      if (!seen.insert(r.link + '\x1f' + r.title + '\x1f' + r.content_hash).second) {
        drop[i] = true;
        ++report.skipped;
      } else if (seen.size() > 1) {
        distinct = true;
      }
    }
    report.warnings.push_back(
        "duplicate_guid: " + std::to_string(indexes.size()) + " items share the key " +
        key.substr(0, 200) +
        (distinct ? "; distinct ones keyed by guid+link+title" : "; kept one"));
    if (!distinct) continue;
    for (std::size_t i : indexes) {
      ItemRecord& r = records[i];
      if (!drop[i]) r.item_key = "dup:" + HashHex(key + '\x1f' + r.link + '\x1f' + r.title);
    }
  }
  // Composite keys can still collide (same guid, link and title, other
  // content): keep the first.
  std::unordered_set<std::string> keys;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!drop[i] && !keys.insert(records[i].item_key).second) {
      drop[i] = true;
      ++report.skipped;
    }
  }
  std::vector<ItemRecord> kept;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(records[i]));
  }
  records = std::move(kept);
}

// An update that makes the stored row `id` carry `fresh`. `updated` moves
// only when the text changed.
ItemRecord UpdateFor(storage::ItemId id, ItemRecord fresh, bool changed, Timestamp now) {
  fresh.id = id;
  if (changed) {
    if (!fresh.updated) fresh.updated = now;
  } else {
    fresh.updated.reset();
  }
  return fresh;
}

// Matching state for one document against what the feed already stored.
class Classifier {
 public:
  Classifier(const std::vector<StoredItemKey>& stored, const std::vector<std::string>& tombstones,
             const std::vector<ItemRecord>& records)
      : tombstones_(tombstones.begin(), tombstones.end()) {
    std::unordered_set<std::string> document_keys;
    for (const ItemRecord& r : records) document_keys.insert(r.item_key);
    for (const StoredItemKey& s : stored) {
      by_key_.emplace(s.item_key, &s);
      // Only stored items the document no longer carries under their own
      // key can have been re-keyed.
      if (document_keys.count(s.item_key) != 0) continue;
      ItemRecord probe;
      probe.link = s.link;
      probe.title = s.title;
      if (std::string key = LinkTitleKey(probe); !key.empty()) by_link_title_.emplace(key, &s);
      if (std::string title = CollapseSpace(s.title); !title.empty())
        by_title_[title].push_back(&s);
    }
  }

  const StoredItemKey* ByKey(const std::string& key) const {
    auto it = by_key_.find(key);
    return it == by_key_.end() ? nullptr : it->second;
  }
  bool Tombstoned(const std::string& key) const { return tombstones_.count(key) != 0; }

  // A stored, not yet claimed item with the same link and title.
  const StoredItemKey* ClaimByLinkTitle(const ItemRecord& r) {
    const std::string key = LinkTitleKey(r);
    if (key.empty()) return nullptr;
    auto [begin, end] = by_link_title_.equal_range(key);
    for (auto it = begin; it != end; ++it) {
      if (claimed_.insert(it->second->id).second) return it->second;
    }
    return nullptr;
  }
  // A stored, not yet claimed item with the same title, when exactly one
  // such item exists (only used once churn is established).
  const StoredItemKey* ClaimByTitle(const ItemRecord& r) {
    auto it = by_title_.find(CollapseSpace(r.title));
    if (it == by_title_.end() || it->second.size() != 1) return nullptr;
    if (!claimed_.insert(it->second.front()->id).second) return nullptr;
    return it->second.front();
  }

 private:
  std::unordered_map<std::string, const StoredItemKey*> by_key_;
  std::unordered_multimap<std::string, const StoredItemKey*> by_link_title_;
  std::unordered_map<std::string, std::vector<const StoredItemKey*>> by_title_;
  std::unordered_set<std::string> tombstones_;
  std::unordered_set<storage::ItemId> claimed_;
};

void AddRekey(storage::DocumentChanges& changes, IngestReport& report, const StoredItemKey& old,
              ItemRecord record, Timestamp now) {
  const bool changed = old.content_hash != record.content_hash;
  changes.rekeys.emplace_back(old.id, record.item_key);
  changes.updates.push_back(UpdateFor(old.id, std::move(record), changed, now));
  ++report.rekeyed;
  if (changed) ++report.updated;
}

}  // namespace

bool TruncateUtf8(std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return false;
  std::size_t cut = max_bytes > kTruncationMark.size() ? max_bytes - kTruncationMark.size() : 0;
  // Back up to the start of a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0u) == 0x80u) --cut;
  text.resize(cut);
  if (max_bytes >= kTruncationMark.size()) text += kTruncationMark;
  return true;
}

std::string ItemKey(const feeds::ParsedItem& item) {
  std::string key(Trim(item.id));
  if (key.empty()) key = std::string(Trim(item.link));
  if (key.empty()) {
    return "hash:" + HashHex(CollapseSpace(item.title) + '\x1f' +
                             CollapseSpace(item.content.empty() ? item.summary : item.content));
  }
  if (key.size() > kMaxShortFieldBytes) return "hash:" + HashHex(key);
  return key;
}

Timestamp SortTime(const std::optional<Timestamp>& published, Timestamp first_seen, Timestamp now) {
  // 1990-01-01T00:00:00Z: older dates are placeholders or parse accidents.
  constexpr Timestamp kEarliest{Seconds{631152000}};
  Timestamp t = first_seen;
  if (published && *published >= kEarliest && *published <= now + kFutureTolerance) {
    t = *published;
  }
  return std::min(t, now);
}

std::uint64_t ContentHashKey(std::string_view content_hash) {
  return XXH64(content_hash.data(), content_hash.size(), 0);
}

ContentHashSet ContentHashesOf(const PreparedDocument& prepared) {
  ContentHashSet hashes;
  hashes.reserve(prepared.records.size());
  for (const ItemRecord& r : prepared.records) hashes.push_back(ContentHashKey(r.content_hash));
  std::sort(hashes.begin(), hashes.end());
  return hashes;
}

PreparedDocument PrepareDocument(const feeds::ParsedFeed& doc, const IngestPolicy& policy,
                                 Timestamp now, const ContentHashSet* known) {
  PreparedDocument prepared;
  IngestReport& report = prepared.report;
  const std::size_t count = std::min(doc.items.size(), kMaxItemsPerDocument);
  if (doc.items.size() > count) {
    report.warnings.push_back("document has " + std::to_string(doc.items.size()) +
                              " items; only the first " + std::to_string(count) + " ingested");
  }
  prepared.records.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    prepared.records.push_back(MakeRecord(doc.items[i], doc, policy, now, report.warnings));
  }
  ResolveDuplicateKeys(prepared.records, report);
  for (ItemRecord& r : prepared.records) {
    if (known != nullptr &&
        std::binary_search(known->begin(), known->end(), ContentHashKey(r.content_hash))) {
      prepared.unfingerprinted.insert(r.item_key);  // most likely unchanged: not written
    } else {
      Fingerprint(r);
    }
  }
  return prepared;
}

Result<IngestReport> IngestDocument(storage::Store& store, storage::FeedId feed,
                                    const feeds::ParsedFeed& doc,
                                    const storage::FeedState& state_after,
                                    const IngestPolicy& policy, Timestamp now) {
  return IngestPrepared(store, feed, doc, PrepareDocument(doc, policy, now, nullptr), state_after,
                        policy, now);
}

Result<IngestReport> IngestPrepared(storage::Store& store, storage::FeedId feed,
                                    const feeds::ParsedFeed& doc, const PreparedDocument& prepared,
                                    const storage::FeedState& state_after,
                                    const IngestPolicy& policy, Timestamp now) {
  IngestReport report = prepared.report;
  auto stored = store.LoadItemKeys(feed);
  if (!stored) return stored.error();
  auto tombstones = store.LoadTombstones(feed);
  if (!tombstones) return tombstones.error();

  // 1. The records PrepareDocument made, copied: a redone batch stores the
  // same prepared document again.
  std::vector<ItemRecord> records = prepared.records;

  // 2. Known, edited, tombstoned, re-keyed or new.
  storage::DocumentChanges changes;
  Classifier classifier(*stored, *tombstones, records);
  std::vector<ItemRecord> fresh;
  for (ItemRecord& r : records) {
    if (const StoredItemKey* known = classifier.ByKey(r.item_key)) {
      if (known->content_hash == r.content_hash) {
        ++report.unchanged;
      } else {
        changes.updates.push_back(UpdateFor(known->id, std::move(r), true, now));
        ++report.updated;
      }
    } else if (classifier.Tombstoned(r.item_key)) {
      changes.seen_tombstones.push_back(r.item_key);
      ++report.skipped;
    } else if (const StoredItemKey* moved = classifier.ClaimByLinkTitle(r)) {
      AddRekey(changes, report, *moved, std::move(r), now);
    } else {
      fresh.push_back(std::move(r));
    }
  }
  // 3. Churn breaker: when most of the document looks new at once, match
  // the rest by title alone rather than flood the outputs.
  if (fresh.size() >= kChurnMinItems && fresh.size() * 2 >= records.size() && !stored->empty()) {
    std::vector<ItemRecord> still_fresh;
    for (ItemRecord& r : fresh) {
      if (const StoredItemKey* moved = classifier.ClaimByTitle(r)) {
        AddRekey(changes, report, *moved, std::move(r), now);
      } else {
        still_fresh.push_back(std::move(r));
      }
    }
    fresh = std::move(still_fresh);
  }
  if (report.rekeyed > 0) {
    report.warnings.push_back("guid_churn: " + std::to_string(report.rekeyed) +
                              " items changed their id; re-keyed, not announced again");
    log::Warn("feed {}: guid_churn, {} items re-keyed", feed, report.rekeyed);
  }
  for (ItemRecord& r : fresh) {
    changes.inserts.push_back(std::move(r));
    ++report.inserted;
  }

  // Records written after all that PrepareDocument took for unchanged.
  for (auto* written : {&changes.inserts, &changes.updates}) {
    for (ItemRecord& r : *written) {
      if (prepared.unfingerprinted.count(r.item_key) != 0) Fingerprint(r);
    }
  }

  // 4. One transaction for items, feed metadata and state.
  changes.title = doc.feed.title;
  changes.site_link = doc.feed.link;
  changes.feed_uid = doc.feed.id;
  changes.seen_at = now;
  changes.state = state_after;
  if (auto committed = store.CommitDocument(feed, changes); !committed) return committed.error();

  // 5. Retention, after the commit: the document is safe whatever happens.
  if (auto expired = store.ExpireTombstones(feed, now - kTombstoneGrace); !expired) {
    return expired.error();
  }
  // 0 means "no limit" for both (docs/configuration.md).
  const std::size_t keep_items =
      policy.keep_items == 0 ? std::numeric_limits<std::size_t>::max() : policy.keep_items;
  const std::optional<Timestamp> older_than =
      policy.keep_age.count() == 0 ? std::nullopt : std::optional<Timestamp>(now - policy.keep_age);
  auto purged = store.PurgeItems(feed, keep_items, older_than);
  if (!purged) return purged.error();
  report.purged = *purged;
  log::Debug("feed {}: {} new, {} updated, {} unchanged, {} re-keyed, {} skipped, {} purged", feed,
             report.inserted, report.updated, report.unchanged, report.rekeyed, report.skipped,
             report.purged);
  return report;
}

}  // namespace tributary::daemon
