#include "tests/storage/test_databases.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <unistd.h>

#include <filesystem>
#include <pqxx/pqxx>
#include <stdexcept>
#include <system_error>

#include "storage/open.h"
#include "tests/fakes/pg_server.h"

namespace tributary::storage {
namespace {

std::string FreshDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  auto dir = std::filesystem::path(::testing::TempDir()) /
             ("storage_" + name + "_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace

ItemRecord MakeItem(std::string key, long long sort_time) {
  ItemRecord r;
  r.item_key = key;
  r.guid = key;
  r.title = "Title " + key;
  r.link = "https://example.org/" + key;
  r.canonical_url = r.link;
  r.author = "Ann";
  r.summary = "<p>summary</p>";
  r.content = "<p>content of " + key + "</p>";
  r.categories = {"News", "Tech"};
  r.enclosures = {EnclosureRecord{"https://example.org/a.mp3", "audio/mpeg", 1234},
                  EnclosureRecord{"https://example.org/b.png", "image/png", std::nullopt}};
  r.published = FromUnix(sort_time);
  r.first_seen = FromUnix(sort_time + 10);
  r.sort_time = FromUnix(sort_time);
  r.content_hash = "hash-" + key;
  r.simhash = 0xF0000000000000A5ULL;
  return r;
}

void PrintTo(Backend backend, std::ostream* os) {
  *os << (backend == Backend::kSqlite ? "sqlite" : "postgres");
}

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "sqlite" : "postgres";
}

TestDatabase::TestDatabase(Backend backend) : backend_(backend) {
  if (backend_ == Backend::kSqlite) {
    dir_ = FreshDir();
    location_ = dir_ + "/db.sqlite";
  } else {
    auto url = testing::FreshPgDatabase();
    if (!url) throw std::runtime_error(url.error().ToString());
    location_ = *url;
  }
  name_ = location_;
}

TestDatabase::~TestDatabase() {
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

std::unique_ptr<Store> TestDatabase::Open(bool in_memory) {
  const std::string where = in_memory && backend_ == Backend::kSqlite ? ":memory:" : location_;
  auto store = OpenStore(where);
  if (!store) throw std::runtime_error("cannot open the store: " + store.error().ToString());
  name_ = where;
  return std::move(*store);
}

std::int64_t TestDatabase::CountItemsElsewhere() const {
  if (backend_ == Backend::kSqlite) {
    SQLite::Database other(location_, SQLite::OPEN_READONLY);
    return other.execAndGet("SELECT COUNT(*) FROM items").getInt64();
  }
  pqxx::connection other(location_);
  pqxx::nontransaction tx(other);
  return tx.exec1("SELECT COUNT(*) FROM items")[0].as<std::int64_t>();
}

void TestDatabase::FailEtagBoom() const {
  if (backend_ == Backend::kSqlite) {
    SQLite::Database raw(location_, SQLite::OPEN_READWRITE);
    raw.exec(
        "CREATE TRIGGER fail_state BEFORE UPDATE OF etag ON feeds WHEN NEW.etag = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    return;
  }
  pqxx::connection raw(location_);
  pqxx::work tx(raw);
  tx.exec(
      "CREATE FUNCTION fail_state() RETURNS trigger LANGUAGE plpgsql AS "
      "$$ BEGIN RAISE EXCEPTION 'injected failure'; END $$");
  tx.exec(
      "CREATE TRIGGER fail_state BEFORE UPDATE OF etag ON feeds FOR EACH ROW "
      "WHEN (NEW.etag = 'boom') EXECUTE FUNCTION fail_state()");
  tx.commit();
}

std::string TestDatabase::UniqueViolation() const {
  return backend_ == Backend::kSqlite ? "UNIQUE" : "violates unique constraint";
}

}  // namespace tributary::storage
