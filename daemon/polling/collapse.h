// Cross-feed duplicate collapse for merged outputs and digests: the same
// story stored by several feeds becomes one entry that names every source.
#pragma once

#include <vector>

#include "storage/store.h"

namespace tributary::daemon {

// One output entry: `members[0]` is the primary (the first in the input
// order, i.e. the newest when the input is newest first); the others are
// the same story from other places, in input order.
struct EntryGroup {
  std::vector<storage::ItemRecord> members;
};

// Groups items with the same canonical URL, then items of *different* feeds
// whose SimHash differs from a group's primary by at most
// `max_hamming_distance` bits (negative: no near-duplicate grouping). Items
// of one feed are never merged by SimHash: a feed's own items are distinct
// by definition. Groups keep the order of their primaries.
std::vector<EntryGroup> CollapseDuplicates(std::vector<storage::ItemRecord> items,
                                           int max_hamming_distance);

}  // namespace tributary::daemon
