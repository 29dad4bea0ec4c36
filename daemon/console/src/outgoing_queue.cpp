#include "vigil/console/outgoing_queue.hpp"

#include <algorithm>

namespace vigil::console {

OutgoingQueue::Push OutgoingQueue::push(std::string text, std::string key) {
  const std::size_t counted = key == kSnapshotKey ? 0 : text.size();
  auto old = items_.end();
  if (!key.empty()) {
    // The one in flight is the socket's buffer now: never touched.
    const auto first = items_.begin() + (in_flight_ ? 1 : 0);
    old = std::find_if(first, items_.end(), [&](const Item& i) { return i.key == key; });
  }
  const bool replaces = old != items_.end();
  // Checked before dropping the old one: an overflow leaves the queue as it was.
  const std::size_t count_after = items_.size() + (replaces ? 0 : 1);
  const std::size_t bytes_after = bytes_ - (replaces ? old->counted : 0) + counted;
  if (count_after > limits_.max_messages || bytes_after > limits_.max_bytes) {
    return Push::overflow;
  }
  if (replaces) {
    items_.erase(old);
    ++superseded_;
  }
  bytes_ = bytes_after;
  items_.push_back(Item{std::move(text), std::move(key), counted});
  return replaces ? Push::superseded : Push::queued;
}

const std::string& OutgoingQueue::start_front() {
  in_flight_ = true;
  return items_.front().text;
}

void OutgoingQueue::pop_front() {
  if (items_.empty()) return;
  bytes_ -= items_.front().counted;
  items_.pop_front();
  in_flight_ = false;
}

void OutgoingQueue::drop_queued() {
  const std::size_t keep = in_flight_ && !items_.empty() ? 1 : 0;
  while (items_.size() > keep) {
    bytes_ -= items_.back().counted;
    items_.pop_back();
  }
}

}  // namespace vigil::console
