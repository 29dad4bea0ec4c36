// A bounded queue from one producing thread to one taking thread: the
// import's planned batches to its writer (roster_import.cpp, s23-import)
// and the people load's decoded rows to the thread filling the directory
// (people_load.cpp, s23-start; its emptied batches go back through a
// second pipe). Bounded, so memory holds a few items whatever the input's
// size; either side can stop the other: the producer by failing (the taker
// rethrows), the taker by abandoning (the producer's next push throws).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <utility>

namespace vigil::journal {

struct NoResult {};

// `Result`: what the producer reports when it is done (the import's file
// digest), read by the taker once pop() returned nullopt.
template <typename Item, typename Result = NoResult>
class BoundedPipe {
 public:
  explicit BoundedPipe(std::size_t capacity) : capacity_(capacity) {}

  // Thrown by push() once the taker has given up (its own error ends the
  // work; the producer stops at its next item).
  struct Abandoned {};

  // Waits for room (at most `capacity` items wait in the pipe).
  void push(Item item) {
    std::unique_lock lock{mutex_};
    room_.wait(lock, [&] { return items_.size() < capacity_ || abandoned_; });
    if (abandoned_) throw Abandoned{};
    items_.push_back(std::move(item));
    ready_.notify_one();
  }
  // The producer's last word: done (with its result) or failed.
  void finish(Result result = {}) {
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
  // the work is refused whole).
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
  // The taker gives up: waiting items are dropped and every push from now
  // throws Abandoned.
  void abandon() {
    std::lock_guard lock{mutex_};
    abandoned_ = true;
    items_.clear();
    room_.notify_all();
  }
  // Items waiting to be taken.
  std::size_t size() {
    std::lock_guard lock{mutex_};
    return items_.size();
  }
  // After pop() returned nullopt.
  const Result& result() const { return result_; }

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<Item> items_;
  bool finished_ = false, abandoned_ = false;
  std::exception_ptr error_;
  Result result_{};
};

}  // namespace vigil::journal
