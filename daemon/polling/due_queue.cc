#include "daemon/polling/due_queue.h"

namespace tributary::daemon {

void DueQueue::Schedule(storage::FeedId id, const std::string& host, Timestamp due) {
  Remove(id);
  auto& feeds = by_host_[host];
  if (!feeds.empty() && due < feeds.begin()->first) heads_.erase({feeds.begin()->first, host});
  if (feeds.empty() || due < feeds.begin()->first) heads_.insert({due, host});
  feeds.insert({due, id});
  where_.emplace(id, std::make_pair(due, host));
}

void DueQueue::Remove(storage::FeedId id) {
  auto it = where_.find(id);
  if (it == where_.end()) return;
  auto [due, host] = std::move(it->second);
  where_.erase(it);
  Unlink(id, host, due);
}

void DueQueue::Unlink(storage::FeedId id, const std::string& host, Timestamp due) {
  auto feeds = by_host_.find(host);
  if (feeds == by_host_.end()) return;
  const bool was_head = !feeds->second.empty() && feeds->second.begin()->second == id;
  if (was_head) heads_.erase({feeds->second.begin()->first, host});
  feeds->second.erase({due, id});
  if (feeds->second.empty()) {
    by_host_.erase(feeds);
  } else if (was_head) {
    heads_.insert({feeds->second.begin()->first, host});
  }
}

std::optional<Timestamp> DueQueue::Earliest() const {
  if (heads_.empty()) return std::nullopt;
  return heads_.begin()->due;
}

std::optional<DueQueue::Head> DueQueue::NextHead(Timestamp now,
                                                 const std::optional<Head>& after) const {
  auto it = after ? heads_.upper_bound(*after) : heads_.begin();
  if (it == heads_.end() || it->due > now) return std::nullopt;
  return *it;
}

storage::FeedId DueQueue::PopFront(const std::string& host) {
  auto feeds = by_host_.find(host);
  storage::FeedId id = feeds->second.begin()->second;
  Remove(id);
  return id;
}

}  // namespace tributary::daemon
