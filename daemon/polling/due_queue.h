// DueQueue: the poller's feeds waiting for their due time, grouped by host
// (the unit of politeness). The poller walks hosts in the order of their
// earliest due feed, so a host at its cap costs one step of a pass, not
// one step per waiting feed: with hundreds of thousands of feeds on a few
// hosts, each completion's pass stays short. Not thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/time.h"
#include "storage/store.h"

namespace tributary::daemon {

class DueQueue {
 public:
  // (Re)schedules `id` on `host` ("" for feeds without one) at `due`.
  void Schedule(storage::FeedId id, const std::string& host, Timestamp due);
  void Remove(storage::FeedId id);
  bool Contains(storage::FeedId id) const { return where_.count(id) != 0; }
  std::size_t size() const { return where_.size(); }
  bool empty() const { return where_.empty(); }
  // The earliest due time of any feed.
  std::optional<Timestamp> Earliest() const;

  // A host with feeds waiting, as the walk sees it.
  struct Head {
    Timestamp due{};  // its earliest feed's
    std::string host;
    bool operator<(const Head& other) const {
      return std::tie(due, host) < std::tie(other.due, other.host);
    }
  };
  // The first host whose earliest feed is due at or before `now` and that
  // comes after `after` in walk order (nullopt: from the start).
  std::optional<Head> NextHead(Timestamp now, const std::optional<Head>& after) const;
  // Takes `host`'s earliest feed off the queue.
  storage::FeedId PopFront(const std::string& host);

  // Removes every feed `drop` returns true for.
  template <typename Predicate>
  void RemoveIf(Predicate drop) {
    for (auto it = where_.begin(); it != where_.end();) {
      auto next = std::next(it);
      if (drop(it->first)) Remove(it->first);
      it = next;
    }
  }

 private:
  void Unlink(storage::FeedId id, const std::string& host, Timestamp due);

  std::unordered_map<storage::FeedId, std::pair<Timestamp, std::string>> where_;
  std::map<std::string, std::set<std::pair<Timestamp, storage::FeedId>>> by_host_;
  std::set<Head> heads_;  // one per host with feeds waiting
};

}  // namespace tributary::daemon
