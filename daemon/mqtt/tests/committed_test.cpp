// Rows the journal writer commits are handed to the publisher in memory
// (Publisher::outbox_committed, sender_direct.cpp) and, when the sender has
// nothing older to send, published from the committing thread at once.
// What a console sees must not change with it: every row, in order, once
// (after de-duplication by id), whatever is pending when the rows commit,
// and through a broker outage. The rows here are committed as the writer
// does: Outbox::insert on another connection, inside its transaction.
#include <set>

#include "broker_fixture.hpp"
#include "incident_fixture.hpp"
#include "vigil/journal/sqlite.hpp"
#include "vigil/mqtt/payload.hpp"

namespace vigil::mqtt {
namespace {

using namespace testing;

class SenderCommittedTest : public BrokerTest {
 protected:
  SenderCommittedTest() : BrokerTest(MosquittoOptions{.persistence = true}) {}

  // One transaction on the writer's own connection, as the journal
  // writer's batch: the rows it inserted, as committed.
  std::vector<OutboxMessage> commit(const Publisher& publisher, std::uint64_t first,
                                    std::uint64_t last) {
    std::vector<OutboxMessage> rows;
    journal::sqlite::Transaction txn(writer_);
    for (std::uint64_t seq = first; seq <= last; ++seq) {
      const auto incident = door_forced(seq);
      OutboxMessage row;
      row.topic = publisher.topics().incident(incident);
      row.payload = incident_payload(incident, publisher.config().site, publisher.config().gateway);
      row.id = Outbox::insert(writer_, row.topic, row.payload);
      rows.push_back(std::move(row));
    }
    txn.commit();
    return rows;
  }

  std::unique_ptr<MqttTestSubscriber> persistent_console() {
    return std::make_unique<MqttTestSubscriber>(
        broker_.uri(), incidents_filter(),
        vigil::testing::SubscriberOptions{
            .client_id = "console-1", .clean_session = false, .auto_reconnect = true});
  }

  // As the console shows them: the first arrival of each incident id.
  static std::vector<std::uint64_t> deduplicated(const std::vector<ReceivedMessage>& messages) {
    std::vector<std::uint64_t> out;
    std::set<std::string> seen;
    for (const auto& m : messages) {
      if (seen.insert(json_of(m)["id"].get<std::string>()).second) {
        out.push_back(json_of(m)["seq"].get<std::uint64_t>());
      }
    }
    return out;
  }

  Outbox outbox_{db_};
  journal::sqlite::Database writer_{db_};
};

TEST_F(SenderCommittedTest, ACommittedIncidentGoesOutAtOnceAndLeavesTheOutboxAfterItsPuback) {
  Publisher publisher(config(), outbox_);
  MqttTestSubscriber console(broker_.uri(), incidents_filter());
  publisher.start();
  ASSERT_TRUE(eventually([&] { return publisher.connected(); }, kWait));

  for (std::uint64_t seq = 1; seq <= 3; ++seq) {
    publisher.outbox_committed(commit(publisher, seq, seq));
    ASSERT_TRUE(console.wait_for(seq, kWait)) << broker_.log();
  }
  ASSERT_TRUE(publisher.wait_drained(kWait)) << "each row deleted once acknowledged";
  EXPECT_EQ(seqs(console.messages()), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(publisher.stats().published, 3u);
  // Whether the committing thread or the sender thread published each one
  // depends on where the sender was when it came (stats().published_directly;
  // bench_incident_latency's trace shows it): the console cannot tell.
}

TEST_F(SenderCommittedTest, RowsCommittedWhileOlderRowsWaitForTheRateFollowThemInOrder) {
  // 40 older incidents for the same topic, held back by the rate limit
  // (10 a second, one in flight, 100 ms of credit): the rows committed meanwhile must not
  // overtake them, whether handed over while the older ones are still
  // unread (a gap in the ids) or already read.
  auto c = config();
  c.max_rate = 10;
  c.inflight_window = 1;
  Publisher publisher(c, outbox_);
  MqttTestSubscriber console(broker_.uri(), incidents_filter());
  publisher.start();
  ASSERT_TRUE(eventually([&] { return publisher.connected(); }, kWait));
  for (std::uint64_t seq = 1; seq <= 20; ++seq) {
    ASSERT_TRUE(publisher.publish_incident(door_forced(seq)));
  }
  publisher.outbox_committed(commit(publisher, 21, 22));
  ASSERT_TRUE(console.wait_for(1, kWait));
  publisher.outbox_committed(commit(publisher, 23, 23));

  ASSERT_TRUE(console.wait_for(23, kWait)) << broker_.log();
  std::vector<std::uint64_t> expected;
  for (std::uint64_t seq = 1; seq <= 23; ++seq) expected.push_back(seq);
  EXPECT_EQ(seqs(console.messages()), expected);
  ASSERT_TRUE(publisher.wait_drained(kWait));
}

TEST_F(SenderCommittedTest, AnIncidentCommittedAsTheBrokerGoesDownArrivesOnceWhenItReturns) {
  auto console = persistent_console();
  Publisher publisher(config(), outbox_);
  publisher.start();
  ASSERT_TRUE(eventually([&] { return publisher.connected(); }, kWait));
  publisher.outbox_committed(commit(publisher, 1, 1));
  ASSERT_TRUE(console->wait_for(1, kWait));
  ASSERT_TRUE(publisher.wait_drained(kWait));

  // Committed right after the broker went away, before the sender may have
  // noticed: published directly into a dead link, or handed over.
  broker_.stop();
  publisher.outbox_committed(commit(publisher, 2, 2));
  ASSERT_TRUE(eventually([&] { return !publisher.connected(); }, kWait));
  EXPECT_EQ(publisher.stats().pending, 1u) << "nothing leaves the outbox without a PUBACK";
  publisher.outbox_committed(commit(publisher, 3, 3));  // while it is down

  broker_.start();
  ASSERT_TRUE(console->wait_for(3, kWait)) << broker_.log();
  ASSERT_TRUE(publisher.wait_drained(kWait));
  publisher.outbox_committed(commit(publisher, 4, 4));  // the marker
  ASSERT_TRUE(eventually([&] { return deduplicated(console->messages()).size() >= 4; }, kWait));
  EXPECT_EQ(deduplicated(console->messages()), (std::vector<std::uint64_t>{1, 2, 3, 4}));
  ASSERT_TRUE(publisher.wait_drained(kWait));
}

}  // namespace
}  // namespace vigil::mqtt
