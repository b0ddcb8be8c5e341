#include "storage/pg_rows.h"

#include <bit>

#include "storage/item_json.h"

namespace tributary::storage::pg {

ItemRecord ReadItem(const pqxx::row& row) {
  ItemRecord r;
  r.id = Int(row[0]);
  r.feed_id = Int(row[1]);
  r.item_key = Text(row[2]);
  r.guid = Text(row[3]);
  r.title = Text(row[4]);
  r.link = Text(row[5]);
  r.canonical_url = Text(row[6]);
  r.author = Text(row[7]);
  r.summary = Text(row[8]);
  r.content = Text(row[9]);
  r.categories = ParseCategories(Text(row[10]));
  r.enclosures = ParseEnclosures(Text(row[11]));
  r.published = OptionalTime(row[12]);
  r.updated = OptionalTime(row[13]);
  r.first_seen = Time(row[14]);
  r.sort_time = Time(row[15]);
  r.content_hash = Text(row[16]);
  r.simhash = std::bit_cast<std::uint64_t>(Int(row[17]));
  return r;
}

FeedRow ReadFeedRow(const pqxx::row& row) {
  return FeedRow{Int(row[0]), Text(row[1]), Text(row[2]), Text(row[3]), Text(row[4]), Text(row[5])};
}

FeedState ReadFeedState(const pqxx::row& row, int first) {
  FeedState st;
  st.etag = Text(row[first + 0]);
  st.last_modified = Text(row[first + 1]);
  st.last_attempt = OptionalTime(row[first + 2]);
  st.last_success = OptionalTime(row[first + 3]);
  st.next_poll = OptionalTime(row[first + 4]);
  st.last_error = Text(row[first + 5]);
  st.error_class = Text(row[first + 6]);
  st.error_count = static_cast<int>(Int(row[first + 7]));
  st.http_status = static_cast<long>(Int(row[first + 8]));
  st.redirect_candidate = Text(row[first + 9]);
  st.redirect_seen = static_cast<int>(Int(row[first + 10]));
  st.disabled = Int(row[first + 11]) != 0;
  return st;
}

void AddFeedState(Params& p, const FeedState& st) {
  p.Add(st.etag);
  p.Add(st.last_modified);
  p.Add(st.last_attempt);
  p.Add(st.last_success);
  p.Add(st.next_poll);
  p.Add(st.last_error);
  p.Add(st.error_class);
  p.Add(std::int64_t{st.error_count});
  p.Add(static_cast<std::int64_t>(st.http_status));
  p.Add(st.redirect_candidate);
  p.Add(std::int64_t{st.redirect_seen});
  p.Add(std::int64_t{st.disabled ? 1 : 0});
}

void AddItemContent(Params& p, const ItemRecord& r) {
  p.Add(r.guid);
  p.Add(r.title);
  p.Add(r.link);
  p.Add(r.canonical_url);
  p.Add(r.author);
  p.Add(r.summary);
  p.Add(r.content);
  p.Add(CategoriesJson(r.categories));
  p.Add(EnclosuresJson(r.enclosures));
  p.Add(r.updated);
  p.Add(r.content_hash);
  p.Add(std::bit_cast<std::int64_t>(r.simhash));
}

std::string TextArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const std::string& v : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string IdArray(const std::vector<FeedId>& ids) {
  std::string out = "{";
  for (FeedId id : ids) out += (out.size() > 1 ? "," : "") + std::to_string(id);
  return out + "}";
}

}  // namespace tributary::storage::pg
