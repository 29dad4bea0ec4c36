// Broker outages: nothing a guard must see is lost, reordered or (in a clean
// restart with one message in flight) duplicated.
//
// The console in these tests is a persistent session (clean_session=false,
// QoS 1) subscribed before the outage, on a broker with persistence on: that
// is how a real console keeps what it missed, and it removes any race between
// the console and the gateway reconnecting after the restart. Exactly-once is
// checked with a marker: after the outage messages, one more incident is
// sent; with order kept, any duplicate would have to arrive before it.
#include "broker_fixture.hpp"
#include "incident_fixture.hpp"

namespace vigil::mqtt {
namespace {

using namespace testing;

class OutageTest : public BrokerTest {
 protected:
  OutageTest() : BrokerTest(MosquittoOptions{.persistence = true}) {}

  std::unique_ptr<MqttTestSubscriber> persistent_console() {
    return std::make_unique<MqttTestSubscriber>(
        broker_.uri(), incidents_filter(),
        vigil::testing::SubscriberOptions{
            .client_id = "console-1", .clean_session = false, .auto_reconnect = true});
  }
};

TEST_F(OutageTest, IncidentsDuringAnOutageArriveOnceAndInOrderAfterTheBrokerReturns) {
  auto console = persistent_console();
  Outbox outbox(db_);
  Publisher publisher(config(), outbox);
  publisher.start();
  ASSERT_TRUE(eventually([&] { return publisher.connected(); }, kWait));

  broker_.stop();
  ASSERT_TRUE(eventually([&] { return !publisher.connected(); }, kWait));
  for (std::uint64_t seq = 1; seq <= 3; ++seq)
    ASSERT_TRUE(publisher.publish_incident(door_forced(seq)));
  EXPECT_EQ(publisher.stats().pending, 3u) << "nothing leaves the outbox without a PUBACK";

  broker_.start();
  ASSERT_TRUE(console->wait_for(3, kWait)) << broker_.log();
  ASSERT_TRUE(publisher.wait_drained(kWait));
  EXPECT_GE(publisher.stats().connects, 2u);

  ASSERT_TRUE(publisher.publish_incident(door_forced(4)));  // the marker
  ASSERT_TRUE(console->wait_for(4, kWait));
  EXPECT_EQ(seqs(console->messages()), (std::vector<std::uint64_t>{1, 2, 3, 4}));
}

TEST_F(OutageTest, RowsLeftByAPublisherDestroyedDuringAnOutageAreSentByTheNextOne) {
  auto console = persistent_console();
  {
    Outbox outbox(db_);
    Publisher publisher(config(), outbox);
    publisher.start();
    ASSERT_TRUE(eventually([&] { return publisher.connected(); }, kWait));
    broker_.stop();
    ASSERT_TRUE(eventually([&] { return !publisher.connected(); }, kWait));
    for (std::uint64_t seq = 1; seq <= 3; ++seq)
      ASSERT_TRUE(publisher.publish_incident(door_forced(seq)));
  }  // the gateway restarts while the broker is still down

  broker_.start();
  Outbox outbox(db_);
  EXPECT_EQ(outbox.size(), 3u);
  Publisher next(config(), outbox);
  next.start();
  ASSERT_TRUE(console->wait_for(3, kWait)) << broker_.log();
  ASSERT_TRUE(next.wait_drained(kWait));

  ASSERT_TRUE(next.publish_incident(door_forced(4)));
  ASSERT_TRUE(console->wait_for(4, kWait));
  EXPECT_EQ(seqs(console->messages()), (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_TRUE(next.wait_drained(kWait));  // the marker's PUBACK may follow its delivery
  EXPECT_EQ(outbox.size(), 0u);
}

TEST_F(OutageTest, APublisherStartedWhileTheBrokerIsDownConnectsWhenItComesUp) {
  auto console = persistent_console();
  broker_.stop();
  Outbox outbox(db_);
  Publisher publisher(config(), outbox);
  publisher.start();
  ASSERT_TRUE(publisher.publish_incident(door_forced(1)));
  EXPECT_FALSE(publisher.connected());

  broker_.start();
  ASSERT_TRUE(console->wait_for(1, kWait)) << broker_.log();
  EXPECT_EQ(seqs(console->messages()), (std::vector<std::uint64_t>{1}));
  EXPECT_TRUE(publisher.connected());
}

// Every seq from 1 to n arrived, and in order of first arrival: duplicates
// (a resend after a lost PUBACK) are allowed, gaps and reordering are not.
::testing::AssertionResult complete_in_order(const std::vector<std::uint64_t>& got,
                                             std::uint64_t n) {
  std::uint64_t newest = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i] > newest + 1) {
      return ::testing::AssertionFailure()
             << "seq " << got[i] << " at position " << i << " before seq " << newest + 1;
    }
    newest = std::max(newest, got[i]);
  }
  if (newest != n) return ::testing::AssertionFailure() << "only up to seq " << newest;
  return ::testing::AssertionSuccess();
}

// Found a reorder once (seq N+1 before N, 1 run in 3 on a loaded machine):
// Paho kept publishes it had accepted but not written when the link dropped
// and wrote them first on the next connection. The sender now starts every
// connection with a fresh client (docs/design.md, "MQTT contract").
TEST_F(OutageTest, ABrokerRestartDuringTheReplayOfABacklogLosesAndReordersNothing) {
  constexpr std::uint64_t kBacklog = 1500;
  auto console = persistent_console();
  broker_.stop();
  Outbox outbox(db_);
  auto c = config();
  c.max_rate = 1000;  // a replay of 1.5 s, so the restart lands inside it
  Publisher publisher(c, outbox);
  publisher.start();
  for (std::uint64_t seq = 1; seq <= kBacklog; ++seq) {
    ASSERT_TRUE(publisher.publish_incident(door_forced(seq)));
  }
  broker_.start();
  ASSERT_TRUE(eventually([&] { return publisher.stats().published >= kBacklog / 4; }, kWait));
  broker_.stop();  // mid-replay, with a window of messages in flight
  ASSERT_GT(publisher.stats().pending, 0u) << "the replay ended before the restart";
  broker_.start();
  ASSERT_TRUE(publisher.wait_drained(kWait * 3)) << publisher.stats().pending << " left";
  ASSERT_TRUE(publisher.publish_incident(door_forced(kBacklog + 1)));  // the marker
  ASSERT_TRUE(eventually(
      [&] {
        const auto got = seqs(console->messages());
        return !got.empty() && got.back() == kBacklog + 1;
      },
      kWait))
      << console->count() << " messages, last "
      << (console->count() ? seqs(console->messages()).back() : 0) << "; "
      << complete_in_order(seqs(console->messages()), kBacklog + 1).message();
  EXPECT_TRUE(complete_in_order(seqs(console->messages()), kBacklog + 1));
  EXPECT_EQ(publisher.stats().connects, 2u);  // after the first start and the restart
  RecordProperty("stale_discarded", std::to_string(publisher.stats().stale_discarded));
}

TEST_F(OutageTest, TheReplayIsHeldToTheRateLimit) {
  auto console = persistent_console();
  broker_.stop();
  Outbox outbox(db_);
  auto c = config();
  c.max_rate = 100;  // a message every 10 ms on average
  // The limit keeps 100 ms of unused rate (or a window's worth, whichever is
  // more), spent at once: with a window of 4 that is the first 10 messages.
  c.inflight_window = 4;
  Publisher publisher(c, outbox);
  publisher.start();
  for (std::uint64_t seq = 1; seq <= 50; ++seq) {
    ASSERT_TRUE(publisher.publish_incident(door_forced(seq)));
  }
  const auto began = std::chrono::steady_clock::now();
  broker_.start();
  ASSERT_TRUE(console->wait_for(50, kWait));
  // A lower bound only (a slow machine can only take longer): after the first
  // 10, the other 40 messages at 100 a second cannot arrive in under 390 ms.
  EXPECT_GE(std::chrono::steady_clock::now() - began, 390ms);
  EXPECT_TRUE(complete_in_order(seqs(console->messages()), 50));
}

}  // namespace
}  // namespace vigil::mqtt
