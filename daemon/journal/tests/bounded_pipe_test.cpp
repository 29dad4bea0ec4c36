// The bounded queue both two-thread readers use (the import's plans, the
// people load's batches): items arrive in order, the producer is never
// more than its capacity ahead, and either side's failure stops the other
// without leaving a thread waiting forever.
#include "bounded_pipe.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace vigil::journal {
namespace {

TEST(BoundedPipe, ItemsArriveInOrderThenTheProducersResult) {
  BoundedPipe<std::unique_ptr<int>, std::string> pipe(2);
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) pipe.push(std::make_unique<int>(i));
    pipe.finish("digest");
  });
  std::vector<int> got;
  while (auto item = pipe.pop()) got.push_back(**item);
  producer.join();
  ASSERT_EQ(got.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], i);
  EXPECT_EQ(pipe.result(), "digest");
  EXPECT_FALSE(pipe.pop().has_value());  // closed stays closed
}

TEST(BoundedPipe, TheProducerIsNeverMoreThanItsCapacityAhead) {
  constexpr std::size_t kCapacity = 3;
  BoundedPipe<int> pipe(kCapacity);
  std::atomic<int> pushed{0};
  std::thread producer([&] {
    for (int i = 0; i < 2000; ++i) {
      pipe.push(i);
      pushed.fetch_add(1);
    }
    pipe.finish();
  });
  // Once it has pushed its capacity, the pipe is full: nothing was taken.
  while (pushed.load() < static_cast<int>(kCapacity)) std::this_thread::yield();
  EXPECT_EQ(pipe.size(), kCapacity);
  std::size_t most = 0;
  int next = 0;
  for (;;) {
    most = std::max(most, pipe.size());
    auto item = pipe.pop();
    if (!item) break;
    EXPECT_EQ(*item, next++);
  }
  producer.join();
  EXPECT_EQ(next, 2000);
  EXPECT_LE(most, kCapacity);
}

TEST(BoundedPipe, TheProducersFailureReachesTheTakerWhoDropsWhatWasLeft) {
  BoundedPipe<int> pipe(4);
  std::thread producer([&] {
    pipe.push(1);
    pipe.push(2);
    try {
      throw std::runtime_error("row 3 does not parse");
    } catch (...) {
      pipe.fail(std::current_exception());
    }
  });
  producer.join();
  try {
    (void)pipe.pop();
    FAIL() << "the failure was not passed on";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "row 3 does not parse");
  }
}

TEST(BoundedPipe, TheTakerGivingUpStopsAProducerWaitingForRoom) {
  BoundedPipe<int> pipe(1);
  std::atomic<int> pushed{0};
  bool stopped = false;
  std::thread producer([&] {
    try {
      for (int i = 0; i < 1000; ++i) {
        pipe.push(i);
        pushed.fetch_add(1);
      }
    } catch (const BoundedPipe<int>::Abandoned&) {
      stopped = true;
    }
  });
  EXPECT_EQ(pipe.pop(), 0);  // the taker takes one, then fails on its own
  pipe.abandon();
  producer.join();  // returns: the waiting push threw
  EXPECT_TRUE(stopped);
  EXPECT_LT(pushed.load(), 1000);
  EXPECT_EQ(pipe.size(), 0u);  // what waited was dropped
}

TEST(BoundedPipe, ATakerWaitingOnAnEmptyPipeWakesWhenTheProducerFinishes) {
  BoundedPipe<int> pipe(2);
  std::thread producer([&] { pipe.finish(); });
  EXPECT_FALSE(pipe.pop().has_value());
  producer.join();
}

}  // namespace
}  // namespace vigil::journal
