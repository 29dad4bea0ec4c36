// A bounded hand-over of planned batches from the thread that reads and
// plans an import to the thread that writes it (Roster::import_stream,
// s23-import). Two threads on two cores: the CSV parse and the planning run
// beside SQLite instead of before it. The queue is bounded so memory holds
// a few batches, not the file; either side can stop the other.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace vigil::journal {

template <typename Item>
class HandOver {
 public:
  explicit HandOver(std::size_t capacity) : capacity_(capacity) {}

  // Thrown by push() once the taker has given up (its own error ends the
  // import; the producer's read stops at its next batch).
  struct Abandoned {};

  void push(Item item) {
    std::unique_lock lock{mutex_};
    room_.wait(lock, [&] { return items_.size() < capacity_ || abandoned_; });
    if (abandoned_) throw Abandoned{};
    items_.push_back(std::move(item));
    ready_.notify_one();
  }
  // The producer's last word: done (with its result) or failed.
  void finish(std::string result) {
    std::lock_guard lock{mutex_};
    result_ = std::move(result);
    finished_ = true;
    ready_.notify_one();
  }
  void fail(std::exception_ptr error) {
    std::lock_guard lock{mutex_};
    error_ = std::move(error);
    finished_ = true;
    ready_.notify_one();
  }
  // The next item, or nullopt once the producer finished and every item was
  // taken; rethrows the producer's failure (items before it are dropped:
  // the import is refused whole).
  std::optional<Item> pop() {
    std::unique_lock lock{mutex_};
    ready_.wait(lock, [&] { return !items_.empty() || finished_; });
    if (error_) std::rethrow_exception(error_);
    if (items_.empty()) return std::nullopt;
    Item item = std::move(items_.front());
    items_.pop_front();
    room_.notify_one();
    return item;
  }
  void abandon() {
    std::lock_guard lock{mutex_};
    abandoned_ = true;
    items_.clear();
    room_.notify_all();
  }
  const std::string& result() const { return result_; }

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<Item> items_;
  bool finished_ = false, abandoned_ = false;
  std::exception_ptr error_;
  std::string result_;
};

}  // namespace vigil::journal
