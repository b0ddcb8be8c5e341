// Rows of feeds and items to and from libpqxx, for PgStore: the column
// orders here and in its SQL are one contract.
#pragma once

#include <string>
#include <vector>

#include "storage/pg_connection.h"
#include "storage/store.h"

namespace tributary::storage::pg {

// A row of "id, feed_id, item_key, ... simhash" (PgStore's kItemColumns).
ItemRecord ReadItem(const pqxx::row& row);
// A row starting "id, key, url, title, site_link, feed_uid".
FeedRow ReadFeedRow(const pqxx::row& row);
// The FeedState columns (kFeedStateColumns) from column `first` on.
FeedState ReadFeedState(const pqxx::row& row, int first);
// Adds every FeedState field as $1..$12 (to an empty Params), in
// kFeedStateColumns order.
void AddFeedState(Params& p, const FeedState& st);
// Adds the mutable content of an item as $1..$12 (shared by insert and
// update): guid, title, link, canonical_url, author, summary, content,
// categories, enclosures, updated, content_hash, simhash.
void AddItemContent(Params& p, const ItemRecord& r);
// PostgreSQL array literals: {"a","b\"c"} and {1,2,3}.
std::string TextArray(const std::vector<std::string>& values);
std::string IdArray(const std::vector<FeedId>& ids);

}  // namespace tributary::storage::pg
