// One browser's outgoing messages: bounded in count and bytes, the newest
// state of a thing replacing an older one still waiting, and the message
// being written never touched.
#include "vigil/console/outgoing_queue.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace vigil::console::outgoing_queue_test {

std::vector<std::string> drain(OutgoingQueue& q) {
  std::vector<std::string> out;
  while (!q.empty()) {
    out.push_back(q.start_front());
    q.pop_front();
  }
  return out;
}

TEST(OutgoingQueue, ANewerStateReplacesTheQueuedOneAndGoesToTheBack) {
  OutgoingQueue q({.max_messages = 10, .max_bytes = 1000});
  EXPECT_EQ(q.push("gw1 v1", "gateway:hq/gw1"), OutgoingQueue::Push::queued);
  EXPECT_EQ(q.push("answer r1"), OutgoingQueue::Push::queued);
  EXPECT_EQ(q.push("gw2 v1", "gateway:hq/gw2"), OutgoingQueue::Push::queued);
  EXPECT_EQ(q.push("gw1 v2", "gateway:hq/gw1"), OutgoingQueue::Push::superseded);
  EXPECT_EQ(q.messages(), 3U);
  EXPECT_EQ(q.bytes(), std::string("answer r1gw2 v1gw1 v2").size());
  EXPECT_EQ(q.superseded(), 1U);
  EXPECT_EQ(drain(q), (std::vector<std::string>{"answer r1", "gw2 v1", "gw1 v2"}));
  EXPECT_EQ(q.bytes(), 0U);
}

TEST(OutgoingQueue, MessagesWithoutAKeyAreNeverReplaced) {
  OutgoingQueue q({.max_messages = 10, .max_bytes = 1000});
  q.push("reply a");
  q.push("reply b");
  EXPECT_EQ(drain(q), (std::vector<std::string>{"reply a", "reply b"}));
}

TEST(OutgoingQueue, TheMessageBeingWrittenIsNotReplaced) {
  OutgoingQueue q({.max_messages = 10, .max_bytes = 1000});
  q.push("queue v1", "queue");
  EXPECT_EQ(q.start_front(), "queue v1");  // on the socket now
  EXPECT_EQ(q.push("queue v2", "queue"), OutgoingQueue::Push::queued);
  EXPECT_EQ(q.push("queue v3", "queue"), OutgoingQueue::Push::superseded);
  q.pop_front();
  EXPECT_EQ(drain(q), (std::vector<std::string>{"queue v3"}));
}

TEST(OutgoingQueue, PastEitherBoundAMessageIsRefusedAndTheQueueKeptAsItWas) {
  struct Case {
    OutgoingLimits limits;
    std::vector<std::string> fit;
    std::string refused;
  };
  const std::vector<Case> cases{
      {{.max_messages = 2, .max_bytes = 1000}, {"a", "b"}, "c"},             // count
      {{.max_messages = 10, .max_bytes = 6}, {"aaa", "bbb"}, "c"},           // bytes
      {{.max_messages = 10, .max_bytes = 5}, {"aaa"}, std::string(3, 'x')},  // one big one
  };
  for (const auto& c : cases) {
    OutgoingQueue q(c.limits);
    for (const auto& m : c.fit) ASSERT_EQ(q.push(m), OutgoingQueue::Push::queued) << m;
    const auto bytes = q.bytes();
    EXPECT_EQ(q.push(c.refused), OutgoingQueue::Push::overflow) << c.refused;
    EXPECT_EQ(q.bytes(), bytes);
    EXPECT_EQ(drain(q), c.fit);
  }
}

TEST(OutgoingQueue, ASupersedingStateThatWouldPassTheByteBoundOverflows) {
  OutgoingQueue q({.max_messages = 10, .max_bytes = 8});
  q.push("gw 1", "gateway:hq/gw1");
  EXPECT_EQ(q.push("gw 1 grown", "gateway:hq/gw1"), OutgoingQueue::Push::overflow);
  EXPECT_EQ(drain(q), (std::vector<std::string>{"gw 1"}));
}

TEST(OutgoingQueue, ASnapshotOfAnySizeIsQueuedAndANewerOneReplacesIt) {
  OutgoingQueue q({.max_messages = 10, .max_bytes = 8});
  q.push("hello");
  EXPECT_EQ(q.push(std::string(100, 's'), kSnapshotKey), OutgoingQueue::Push::queued);
  EXPECT_EQ(q.bytes(), 5U);  // the snapshot counts as a message, not as bytes
  EXPECT_EQ(q.push("up"), OutgoingQueue::Push::queued);
  EXPECT_EQ(q.push("newer", kSnapshotKey), OutgoingQueue::Push::superseded);
  EXPECT_EQ(drain(q), (std::vector<std::string>{"hello", "up", "newer"}));
  EXPECT_EQ(q.bytes(), 0U);
}

TEST(OutgoingQueue, DroppingKeepsOnlyTheMessageInFlight) {
  OutgoingQueue q({.max_messages = 10, .max_bytes = 1000});
  q.push("one");
  q.push("two");
  q.push("three", "k");
  q.start_front();
  q.drop_queued();
  EXPECT_EQ(q.messages(), 1U);
  EXPECT_EQ(q.bytes(), 3U);
  q.pop_front();
  EXPECT_TRUE(q.empty());
  q.push("four");
  q.drop_queued();  // nothing in flight: all of it goes
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0U);
}

}  // namespace vigil::console::outgoing_queue_test
