#include "daemon/polling/collapse.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "daemon/polling/simhash.h"

namespace tributary::daemon {
namespace {

bool HasFeed(const EntryGroup& group, storage::FeedId feed) {
  return std::any_of(group.members.begin(), group.members.end(),
                     [feed](const storage::ItemRecord& r) { return r.feed_id == feed; });
}

// The group whose primary is a near duplicate of `item`, or -1. A linear
// scan: merged outputs hold hundreds of entries, not millions.
int FindNearDuplicate(const std::vector<EntryGroup>& groups, const storage::ItemRecord& item,
                      int max_hamming_distance) {
  if (item.simhash == 0 || max_hamming_distance < 0) return -1;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const storage::ItemRecord& primary = groups[g].members.front();
    if (primary.simhash == 0 || HasFeed(groups[g], item.feed_id)) continue;
    if (HammingDistance(primary.simhash, item.simhash) <= max_hamming_distance) {
      return static_cast<int>(g);
    }
  }
  return -1;
}

}  // namespace

std::vector<EntryGroup> CollapseDuplicates(std::vector<storage::ItemRecord> items,
                                           int max_hamming_distance) {
  std::vector<EntryGroup> groups;
  std::unordered_map<std::string, std::size_t> by_url;
  for (storage::ItemRecord& item : items) {
    int target = -1;
    if (!item.canonical_url.empty()) {
      if (auto it = by_url.find(item.canonical_url); it != by_url.end()) {
        target = static_cast<int>(it->second);
      }
    }
    if (target < 0) target = FindNearDuplicate(groups, item, max_hamming_distance);
    if (target < 0) {
      target = static_cast<int>(groups.size());
      groups.emplace_back();
    }
    const auto index = static_cast<std::size_t>(target);
    if (!item.canonical_url.empty()) by_url.emplace(item.canonical_url, index);
    groups[index].members.push_back(std::move(item));
  }
  return groups;
}

}  // namespace tributary::daemon
