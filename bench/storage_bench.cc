// Storage benchmark (issue 5, "Speed"):
//  (a) ingest N generated items (a few KB each) through SqliteStore's
//      CommitDocument vs raw batched INSERTs of the same rows into a bare
//      table, in the same run, with the same pragmas and batch size; prints
//      the throughput ratio (goal >= 0.5);
//  (b) newest 500 across all feeds and for one folder's feeds from that
//      database: median milliseconds (goal < 5 ms), and bytes per item.
// Usage: storage_bench [items=1000000] [feeds=200] [dir=/tmp]
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "storage/sqlite_store.h"

namespace {

using tributary::FromUnix;
using tributary::storage::DocumentChanges;
using tributary::storage::FeedId;
using tributary::storage::ItemQuery;
using tributary::storage::ItemRecord;
using tributary::storage::SqliteStore;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kBatch = 1000;  // items per transaction, both sides

constexpr std::array<const char*, 24> kWords = {
    "market", "council", "river",     "season", "report", "growth", "energy", "policy",
    "school", "health",  "transport", "storm",  "shares", "profit", "city",   "research",
    "data",   "project", "officials", "said",   "would",  "new",    "year",   "people"};

std::string Words(std::mt19937_64& rng, std::size_t bytes) {
  std::string out;
  while (out.size() < bytes) {
    out += kWords[rng() % kWords.size()];
    out += (rng() % 12 == 0) ? ". " : " ";
  }
  return out;
}

// Item `index` of the run, the same on both sides.
ItemRecord Generate(std::size_t index, std::size_t feeds) {
  std::mt19937_64 rng(index);
  ItemRecord r;
  r.feed_id = static_cast<FeedId>(index % feeds) + 1;
  r.guid = "https://site" + std::to_string(r.feed_id) + ".example/posts/" + std::to_string(index);
  r.item_key = r.guid;
  r.link = r.guid + "?from=rss";
  r.canonical_url = r.guid;
  r.title = Words(rng, 60);
  r.author = "Author " + std::to_string(rng() % 50);
  r.summary = "<p>" + Words(rng, 300) + "</p>";
  r.content = "<p>" + Words(rng, 1200 + rng() % 2400) + "</p>";
  r.categories = {"news", "topic" + std::to_string(rng() % 20)};
  const auto t = FromUnix(1600000000 + static_cast<long long>(index) * 30);
  r.published = t;
  r.first_seen = t;
  r.sort_time = t;
  r.content_hash = std::to_string(rng());
  r.simhash = rng();
  return r;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

template <typename T>
T Check(tributary::Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "%s: %s\n", what, r.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

double IngestThroughStore(const std::string& path, std::size_t items, std::size_t feeds) {
  auto store = Check(SqliteStore::Open(path), "open");
  for (std::size_t f = 1; f <= feeds; ++f) {
    const std::string key = "https://site" + std::to_string(f) + ".example/feed";
    Check(store->EnsureFeed(key, key), "ensure feed");
  }
  Clock::duration spent{};
  for (std::size_t start = 0; start < items; start += kBatch * feeds) {
    // One document per feed, kBatch items each (the last round smaller).
    std::vector<DocumentChanges> docs(feeds);
    const std::size_t end = std::min(items, start + kBatch * feeds);
    for (std::size_t i = start; i < end; ++i) {
      ItemRecord r = Generate(i, feeds);
      docs[static_cast<std::size_t>(r.feed_id - 1)].inserts.push_back(std::move(r));
    }
    const auto begin = Clock::now();
    for (std::size_t f = 0; f < feeds; ++f) {
      if (docs[f].inserts.empty()) continue;
      auto ok = store->CommitDocument(static_cast<FeedId>(f + 1), docs[f]);
      if (!ok) {
        std::fprintf(stderr, "commit: %s\n", ok.error().ToString().c_str());
        std::exit(1);
      }
    }
    spent += Clock::now() - begin;
  }
  return Seconds(spent);
}

double IngestRaw(const std::string& path, std::size_t items, std::size_t feeds) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=FULL");
  db.exec(
      "CREATE TABLE items (id INTEGER PRIMARY KEY, feed_id INTEGER, item_key TEXT, guid TEXT, "
      "title TEXT, link TEXT, canonical_url TEXT, author TEXT, summary TEXT, content TEXT, "
      "categories TEXT, enclosures TEXT, published INTEGER, updated INTEGER, first_seen "
      "INTEGER, sort_time INTEGER, content_hash TEXT, simhash INTEGER)");
  SQLite::Statement insert(db,
                           "INSERT INTO items (feed_id, item_key, guid, title, link, "
                           "canonical_url, author, summary, content, categories, enclosures, "
                           "published, updated, first_seen, sort_time, content_hash, simhash) "
                           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  Clock::duration spent{};
  std::vector<ItemRecord> batch;
  for (std::size_t start = 0; start < items; start += kBatch) {
    batch.clear();
    for (std::size_t i = start; i < std::min(items, start + kBatch); ++i) {
      batch.push_back(Generate(i, feeds));
    }
    const auto begin = Clock::now();
    SQLite::Transaction tx(db);
    for (const ItemRecord& r : batch) {
      insert.reset();
      insert.bind(1, r.feed_id);
      insert.bind(2, r.item_key);
      insert.bind(3, r.guid);
      insert.bind(4, r.title);
      insert.bind(5, r.link);
      insert.bind(6, r.canonical_url);
      insert.bind(7, r.author);
      insert.bind(8, r.summary);
      insert.bind(9, r.content);
      insert.bind(10, "[\"news\",\"topic\"]");
      insert.bind(11, "[]");
      insert.bind(12, static_cast<std::int64_t>(tributary::ToUnix(*r.published)));
      insert.bind(13);
      insert.bind(14, static_cast<std::int64_t>(tributary::ToUnix(r.first_seen)));
      insert.bind(15, static_cast<std::int64_t>(tributary::ToUnix(r.sort_time)));
      insert.bind(16, r.content_hash);
      insert.bind(17, static_cast<std::int64_t>(r.simhash));
      insert.exec();
    }
    tx.commit();
    spent += Clock::now() - begin;
  }
  return Seconds(spent);
}

double CpuMs() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// Median wall and CPU time of 21 runs of `query`, in milliseconds (CPU time
// shows the cost when other processes load the machine).
std::pair<double, double> MedianQueryMs(SqliteStore& store, const ItemQuery& query,
                                        std::size_t* returned) {
  std::vector<double> wall;
  std::vector<double> cpu;
  for (int run = 0; run < 21; ++run) {
    const auto begin = Clock::now();
    const double cpu_begin = CpuMs();
    auto items = Check(store.QueryItems(query), "query");
    cpu.push_back(CpuMs() - cpu_begin);
    wall.push_back(Seconds(Clock::now() - begin) * 1000.0);
    *returned = items.size();
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t items = argc > 1 ? std::stoul(argv[1]) : 1000000;
  const std::size_t feeds = argc > 2 ? std::stoul(argv[2]) : 200;
  const std::filesystem::path dir = argc > 3 ? argv[3] : "/tmp";
  const std::string store_path = (dir / "storage_bench_store.db").string();
  const std::string raw_path = (dir / "storage_bench_raw.db").string();
  for (const auto& p : {store_path, raw_path}) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p + suffix);
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf("storage_bench: %zu items, %zu feeds, batches of %zu, in %s\n", items, feeds, kBatch,
              dir.c_str());

  const double raw = IngestRaw(raw_path, items, feeds);
  const double real = IngestThroughStore(store_path, items, feeds);
  std::printf("ingest raw INSERT : %8.2f s  %10.0f items/s\n", raw,
              static_cast<double>(items) / raw);
  std::printf("ingest SqliteStore: %8.2f s  %10.0f items/s\n", real,
              static_cast<double>(items) / real);
  std::printf("ingest ratio (store/raw throughput): %.2f (goal >= 0.5)\n", raw / real);

  auto store = Check(SqliteStore::Open(store_path), "reopen");
  if (auto ok = store->Checkpoint(/*force=*/true); !ok) {
    std::fprintf(stderr, "checkpoint: %s\n", ok.error().ToString().c_str());
  }
  std::size_t returned = 0;
  ItemQuery all;
  all.limit = 500;
  const auto [all_ms, all_cpu] = MedianQueryMs(*store, all, &returned);
  std::printf("newest 500, all feeds : %6.2f ms, cpu %5.2f ms (%zu items, goal < 5 ms)\n", all_ms,
              all_cpu, returned);
  ItemQuery folder;
  folder.limit = 500;
  for (FeedId f = 1; f <= static_cast<FeedId>(std::min<std::size_t>(feeds, 10)); ++f) {
    folder.feeds.push_back(f);
  }
  const auto [folder_ms, folder_cpu] = MedianQueryMs(*store, folder, &returned);
  std::printf("newest 500, folder of %zu feeds: %6.2f ms, cpu %5.2f ms (%zu items, goal < 5 ms)\n",
              folder.feeds.size(), folder_ms, folder_cpu, returned);
  const auto stats = Check(store->Stats(), "stats");
  std::printf(
      "database: %lld bytes, %.0f bytes per item (raw table: %.0f)\n",
      static_cast<long long>(stats.database_bytes),
      static_cast<double>(stats.database_bytes) / static_cast<double>(stats.items),
      static_cast<double>(std::filesystem::file_size(raw_path)) / static_cast<double>(items));
  return 0;
}
