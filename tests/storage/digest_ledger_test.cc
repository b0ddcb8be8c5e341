// The DigestLedger contract, run against every backend (SQLite and
// PostgreSQL), each on a fresh database opened by the store first, as the
// daemon does. The digest service on top of it is tested in
// tests/daemon/digests_test.cc.
#include "storage/digest_ledger.h"

#include <gtest/gtest.h>

#include <memory>

#include "storage/open.h"
#include "tests/storage/test_databases.h"

namespace tributary::storage {
namespace {

class DigestLedgerTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>(GetParam());
    store_ = db_->Open();  // creates the schema
    ledger_ = OpenLedger();
  }

  std::unique_ptr<DigestLedger> OpenLedger() {
    auto ledger = OpenDigestLedger(db_->location());
    if (!ledger) throw std::runtime_error(ledger.error().ToString());
    return std::move(*ledger);
  }

  static DigestRun Run(std::string digest, long long slot, std::int64_t first, std::int64_t last) {
    DigestRun run;
    run.digest = std::move(digest);
    run.slot = FromUnix(slot);
    run.first_item_id = first;
    run.last_item_id = last;
    run.next_attempt = FromUnix(slot);
    return run;
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<DigestLedger> ledger_;
};

INSTANTIATE_TEST_SUITE_P(Backends, DigestLedgerTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

TEST_P(DigestLedgerTest, PlansRunAndCursorTogetherAndPersists) {
  auto none = ledger_->LoadCursor("d");
  ASSERT_TRUE(none) << none.error().ToString();
  EXPECT_FALSE(none->has_value());
  auto planned = ledger_->PlanRun(Run("d", 100, 5, 9));
  ASSERT_TRUE(planned) << planned.error().ToString();
  EXPECT_GT(planned->id, 0);
  EXPECT_EQ(planned->state, DigestRunState::kPlanned);
  planned->state = DigestRunState::kSending;
  planned->message_id = "<m@x>";
  planned->attempts = 1;
  planned->last_error = "try again";
  ASSERT_TRUE(ledger_->UpdateRun(*planned));
  ledger_.reset();  // reopen: the state is stored

  auto again = OpenLedger();
  auto cursor = again->LoadCursor("d");
  ASSERT_TRUE(cursor && cursor->has_value());
  EXPECT_EQ((*cursor)->last_item_id, 9);
  EXPECT_EQ((*cursor)->last_slot, FromUnix(100));
  auto open = again->LoadOpenRun("d");
  ASSERT_TRUE(open && open->has_value());
  EXPECT_EQ((*open)->id, planned->id);
  EXPECT_EQ((*open)->digest, "d");
  EXPECT_EQ((*open)->slot, FromUnix(100));
  EXPECT_EQ((*open)->state, DigestRunState::kSending);
  EXPECT_EQ((*open)->message_id, "<m@x>");
  EXPECT_EQ((*open)->first_item_id, 5);
  EXPECT_EQ((*open)->last_item_id, 9);
  EXPECT_EQ((*open)->attempts, 1);
  EXPECT_EQ((*open)->next_attempt, FromUnix(100));
  EXPECT_EQ((*open)->last_error, "try again");
  (*open)->state = DigestRunState::kSent;
  ASSERT_TRUE(again->UpdateRun(**open));
  auto closed = again->LoadOpenRun("d");
  ASSERT_TRUE(closed);
  EXPECT_FALSE(closed->has_value());
  auto runs = again->ListRuns("d");
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ(runs->front().state, DigestRunState::kSent);
  EXPECT_EQ(runs->front().attempts, 1);
}

TEST_P(DigestLedgerTest, SaveCursorCreatesThenOverwrites) {
  ASSERT_TRUE(ledger_->SaveCursor("d", DigestCursor{3, FromUnix(50)}));
  ASSERT_TRUE(ledger_->SaveCursor("d", DigestCursor{7, FromUnix(60)}));
  ASSERT_TRUE(ledger_->SaveCursor("other", DigestCursor{1, FromUnix(1)}));
  auto cursor = ledger_->LoadCursor("d");
  ASSERT_TRUE(cursor && cursor->has_value());
  EXPECT_EQ((*cursor)->last_item_id, 7);
  EXPECT_EQ((*cursor)->last_slot, FromUnix(60));
  EXPECT_TRUE(ledger_->ListRuns("d")->empty());  // a cursor alone plans nothing
}

TEST_P(DigestLedgerTest, OpenRunIsTheOldestPlannedOrSendingOfItsDigest) {
  auto first = ledger_->PlanRun(Run("d", 100, 1, 3));
  auto second = ledger_->PlanRun(Run("d", 200, 4, 6));
  auto elsewhere = ledger_->PlanRun(Run("e", 100, 1, 2));
  ASSERT_TRUE(first && second && elsewhere);
  EXPECT_LT(first->id, second->id);
  EXPECT_EQ((*ledger_->LoadOpenRun("d"))->id, first->id);
  first->state = DigestRunState::kFailed;
  ASSERT_TRUE(ledger_->UpdateRun(*first));
  EXPECT_EQ((*ledger_->LoadOpenRun("d"))->id, second->id);
  auto cursor = ledger_->LoadCursor("d");
  EXPECT_EQ((*cursor)->last_item_id, 6);
  EXPECT_EQ((*cursor)->last_slot, FromUnix(200));
  auto runs = ledger_->ListRuns("d");
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].id, first->id);
  EXPECT_EQ((*runs)[0].state, DigestRunState::kFailed);
  EXPECT_EQ((*runs)[1].id, second->id);
  EXPECT_EQ(ledger_->ListRuns("e")->size(), 1u);
}

TEST_P(DigestLedgerTest, UpdatingAMissingRunIsNotFound) {
  DigestRun missing = Run("d", 1, 1, 1);
  missing.id = 999;
  auto updated = ledger_->UpdateRun(missing);
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace tributary::storage
