// DueQueue: feeds by due time, grouped by host, so that the poller's walk
// steps over a held-back host once, however many feeds wait on it.
#include "daemon/polling/due_queue.h"

#include <gtest/gtest.h>

#include <vector>

namespace tributary::daemon {
namespace {

const Timestamp kT0 = FromUnix(1'780'000'000);

std::vector<std::string> WalkHosts(const DueQueue& queue, Timestamp now) {
  std::vector<std::string> hosts;
  std::optional<DueQueue::Head> cursor;
  while (auto head = queue.NextHead(now, cursor)) {
    hosts.push_back(head->host);
    cursor = head;
  }
  return hosts;
}

TEST(DueQueueTest, HostsComeInTheOrderOfTheirEarliestFeed) {
  DueQueue queue;
  queue.Schedule(1, "http://a", kT0 + Seconds{30});
  queue.Schedule(2, "http://b", kT0 + Seconds{10});
  queue.Schedule(3, "http://a", kT0 + Seconds{5});
  queue.Schedule(4, "", kT0 + Seconds{20});  // file: feeds have no host
  queue.Schedule(5, "http://c", kT0 + Seconds{90});
  EXPECT_EQ(queue.size(), 5u);
  EXPECT_EQ(queue.Earliest(), kT0 + Seconds{5});
  EXPECT_EQ(WalkHosts(queue, kT0 + Seconds{60}),
            (std::vector<std::string>{"http://a", "http://b", ""}));
  EXPECT_TRUE(WalkHosts(queue, kT0).empty());

  EXPECT_EQ(queue.PopFront("http://a"), 3);
  EXPECT_EQ(WalkHosts(queue, kT0 + Seconds{60}),
            (std::vector<std::string>{"http://b", "", "http://a"}));
  EXPECT_FALSE(queue.Contains(3));
  EXPECT_EQ(queue.Earliest(), kT0 + Seconds{10});
}

TEST(DueQueueTest, RescheduleAndRemoveKeepEachHostsHeadRight) {
  DueQueue queue;
  queue.Schedule(1, "h", kT0 + Seconds{10});
  queue.Schedule(2, "h", kT0 + Seconds{20});
  queue.Schedule(1, "h", kT0 + Seconds{30});  // moves later: 2 is the head now
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue.Earliest(), kT0 + Seconds{20});
  queue.Schedule(2, "other", kT0 + Seconds{40});  // moves to another host
  EXPECT_EQ(WalkHosts(queue, kT0 + Seconds{100}), (std::vector<std::string>{"h", "other"}));
  queue.Remove(1);
  queue.Remove(1);  // twice is harmless
  EXPECT_EQ(WalkHosts(queue, kT0 + Seconds{100}), (std::vector<std::string>{"other"}));
  queue.RemoveIf([](storage::FeedId id) { return id == 2; });
  EXPECT_TRUE(queue.empty());
  EXPECT_FALSE(queue.Earliest());
}

// 100,000 feeds on one host are one step of the walk, not 100,000.
TEST(DueQueueTest, ManyFeedsOnOneHostAreOneHead) {
  DueQueue queue;
  for (storage::FeedId id = 1; id <= 100'000; ++id) queue.Schedule(id, "http://rsshub", kT0);
  queue.Schedule(100'001, "http://other", kT0 + Seconds{1});
  EXPECT_EQ(WalkHosts(queue, kT0 + Seconds{1}),
            (std::vector<std::string>{"http://rsshub", "http://other"}));
  // Same due time: a host's feeds come out in id order.
  EXPECT_EQ(queue.PopFront("http://rsshub"), 1);
  EXPECT_EQ(queue.PopFront("http://rsshub"), 2);
  EXPECT_EQ(queue.size(), 99'999u);
}

}  // namespace
}  // namespace tributary::daemon
