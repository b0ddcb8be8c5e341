#include "storage/migrations.h"

#include <array>

namespace tributary::storage {
namespace {

// Version 1: the foundation schema (issue 2): feeds with their polling
// state, items unique per (feed, key), indexes for "newest N".
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE feeds (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  site_link TEXT NOT NULL DEFAULT '',
  feed_uid TEXT NOT NULL DEFAULT '',
  etag TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  last_attempt INTEGER,
  last_success INTEGER,
  next_poll INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  error_class TEXT NOT NULL DEFAULT '',
  error_count INTEGER NOT NULL DEFAULT 0,
  http_status INTEGER NOT NULL DEFAULT 0,
  redirect_candidate TEXT NOT NULL DEFAULT '',
  redirect_seen INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
  item_key TEXT NOT NULL,
  guid TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  link TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  content TEXT NOT NULL DEFAULT '',
  categories TEXT NOT NULL DEFAULT '[]',
  enclosures TEXT NOT NULL DEFAULT '[]',
  published INTEGER,
  updated INTEGER,
  first_seen INTEGER NOT NULL,
  sort_time INTEGER NOT NULL,
  content_hash TEXT NOT NULL DEFAULT '',
  UNIQUE (feed_id, item_key)
);
CREATE INDEX items_by_time ON items (sort_time, id);
CREATE INDEX items_by_feed_time ON items (feed_id, sort_time, id);
)sql";

// Version 2: deduplication and lifecycle (issue 5): the canonical URL and
// SimHash used to collapse cross-feed duplicates, and tombstones of purged
// items the feed may still serve.
constexpr std::string_view kVersion2 = R"sql(
ALTER TABLE items ADD COLUMN canonical_url TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN simhash INTEGER NOT NULL DEFAULT 0;
CREATE TABLE tombstones (
  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
  item_key TEXT NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (feed_id, item_key)
) WITHOUT ROWID;
)sql";

// Version 3: digest e-mails (issue 7): per digest a cursor (the last item
// id handed to a run, the last planned slot) and its runs with their
// exactly-once state (planned, sending, sent, failed). Items are not
// referenced: a run owns the id range (first_item_id - 1, last_item_id].
constexpr std::string_view kVersion3 = R"sql(
CREATE TABLE digest_cursors (
  digest TEXT PRIMARY KEY,
  last_item_id INTEGER NOT NULL,
  last_slot INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE digest_runs (
  id INTEGER PRIMARY KEY,
  digest TEXT NOT NULL,
  slot INTEGER NOT NULL,
  first_item_id INTEGER NOT NULL,
  last_item_id INTEGER NOT NULL,
  message_id TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL CHECK (state IN ('planned', 'sending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX digest_runs_by_digest ON digest_runs (digest, state, id);
)sql";

// Version 4: per-feed reads that never touch item bodies. Ingest loads every
// stored key of a feed (identity, link, title, hash) and retention looks for
// items first seen before a date; both read whole rows, several KB each,
// without these covering indexes (the update phase of the poll bench spent
// most of its time copying pages of content it did not need).
constexpr std::string_view kVersion4 = R"sql(
CREATE INDEX items_identity ON items (feed_id, item_key, guid, link, title, content_hash);
CREATE INDEX items_by_feed_seen ON items (feed_id, first_seen);
)sql";

// Version 5: feed leases (issue 17), kept equal to PostgreSQL's schema. One
// daemon owns a SQLite file, so SqliteStore grants every claim and never
// writes them.
constexpr std::string_view kVersion5 = R"sql(
ALTER TABLE feeds ADD COLUMN lease_node TEXT;
ALTER TABLE feeds ADD COLUMN lease_until INTEGER;
)sql";

constexpr std::array kMigrations = {
    Migration{1, kVersion1}, Migration{2, kVersion2}, Migration{3, kVersion3},
    Migration{4, kVersion4}, Migration{5, kVersion5},
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations.back().version; }

}  // namespace tributary::storage
