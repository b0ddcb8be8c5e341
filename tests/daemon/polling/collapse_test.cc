#include "daemon/polling/collapse.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "daemon/polling/simhash.h"
#include "daemon/polling/url_canon.h"

namespace tributary::daemon {
namespace {

storage::ItemRecord Record(storage::ItemId id, storage::FeedId feed, std::string url,
                           std::uint64_t simhash = 0) {
  storage::ItemRecord r;
  r.id = id;
  r.feed_id = feed;
  r.canonical_url = std::move(url);
  r.simhash = simhash;
  return r;
}

std::vector<storage::ItemId> Ids(const EntryGroup& group) {
  std::vector<storage::ItemId> ids;
  for (const auto& m : group.members) ids.push_back(m.id);
  return ids;
}

TEST(CollapseTest, GroupsBySameCanonicalUrlKeepingOrder) {
  auto groups = CollapseDuplicates({Record(1, 1, "https://a/x"), Record(2, 2, "https://a/y"),
                                    Record(3, 3, "https://a/x"), Record(4, 1, "")},
                                   kDefaultMaxHammingDistance);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(Ids(groups[0]), (std::vector<storage::ItemId>{1, 3}));
  EXPECT_EQ(Ids(groups[1]), (std::vector<storage::ItemId>{2}));
  EXPECT_EQ(Ids(groups[2]), (std::vector<storage::ItemId>{4}));
}

TEST(CollapseTest, GroupsNearDuplicatesOnlyAcrossFeeds) {
  const std::uint64_t a = 0xFFFF0000FFFF0000ULL;
  const std::uint64_t near = a ^ 0x7;      // 3 bits away
  const std::uint64_t far = a ^ 0xFFFFFF;  // 24 bits away
  auto groups =
      CollapseDuplicates({Record(1, 1, "https://a/1", a), Record(2, 1, "https://a/2", near),
                          Record(3, 2, "https://b/3", near), Record(4, 3, "https://c/4", far)},
                         kDefaultMaxHammingDistance);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(Ids(groups[0]), (std::vector<storage::ItemId>{1, 3}));
  EXPECT_EQ(Ids(groups[1]), (std::vector<storage::ItemId>{2}));
  EXPECT_EQ(Ids(groups[2]), (std::vector<storage::ItemId>{4}));
  // A negative threshold turns near-duplicate grouping off.
  EXPECT_EQ(CollapseDuplicates({Record(1, 1, "x", a), Record(2, 2, "y", a)}, -1).size(), 2u);
  // No fingerprint, no grouping.
  EXPECT_EQ(CollapseDuplicates({Record(1, 1, "x", 0), Record(2, 2, "y", 0)}, 64).size(), 2u);
}

struct Scores {
  int true_positive = 0, false_positive = 0, false_negative = 0;
  double Precision() const {
    const int predicted = true_positive + false_positive;
    return predicted == 0 ? 1.0 : static_cast<double>(true_positive) / predicted;
  }
  double Recall() const {
    const int actual = true_positive + false_negative;
    return actual == 0 ? 1.0 : static_cast<double>(true_positive) / actual;
  }
};

// Pairwise scores of CollapseDuplicates against the labels.
Scores Score(const nlohmann::json& labelled, int threshold) {
  std::vector<storage::ItemRecord> records;
  for (std::size_t i = 0; i < labelled.size(); ++i) {
    const auto& item = labelled[i];
    storage::ItemRecord r;
    r.id = static_cast<storage::ItemId>(i);
    r.feed_id = item["feed"].get<storage::FeedId>();
    r.canonical_url = CanonicalUrl(item["link"].get<std::string>(), {});
    r.simhash = SimHash(item["text"].get<std::string>());
    records.push_back(std::move(r));
  }
  std::vector<int> group_of(records.size());
  const auto groups = CollapseDuplicates(records, threshold);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (const auto& m : groups[g].members)
      group_of[static_cast<std::size_t>(m.id)] = static_cast<int>(g);
  }
  Scores s;
  for (std::size_t i = 0; i < records.size(); ++i) {
    for (std::size_t j = i + 1; j < records.size(); ++j) {
      const bool same = labelled[i]["cluster"] == labelled[j]["cluster"];
      const bool grouped = group_of[i] == group_of[j];
      if (same && grouped) ++s.true_positive;
      if (!same && grouped) ++s.false_positive;
      if (same && !grouped) ++s.false_negative;
    }
  }
  return s;
}

TEST(CollapseTest, PrecisionOnLabelledSet) {
  const char* env = std::getenv("TRIBUTARY_TEST_DATA");
  const std::string path =
      std::string(env != nullptr ? env : "tests/data") + "/dedup/labelled.json";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  const auto labelled = nlohmann::json::parse(in);
  ASSERT_GE(labelled.size(), 20u);
  for (int threshold : {3, 6, 8, 10, 11, 12, 14, 16, 20, 24}) {
    const Scores s = Score(labelled, threshold);
    std::printf("threshold %2d: precision %.3f recall %.3f (tp %d fp %d fn %d)\n", threshold,
                s.Precision(), s.Recall(), s.true_positive, s.false_positive, s.false_negative);
  }
  const Scores chosen = Score(labelled, kDefaultMaxHammingDistance);
  EXPECT_EQ(chosen.false_positive, 0);
  EXPECT_GE(chosen.Recall(), 0.9);
}

}  // namespace
}  // namespace tributary::daemon
