#include "vigil/mqtt/publisher.hpp"

#include "broker_fixture.hpp"
#include "incident_fixture.hpp"

namespace vigil::mqtt {
namespace {

using namespace testing;

TEST(PublisherConfig, RejectsWhatCannotWork) {
  vigil::testing::TempDir dir;
  Outbox outbox(dir.file("vigil.db"));
  PublisherConfig good;
  good.site = core::SiteId("hq");
  good.gateway = core::GatewayId("gw1");
  EXPECT_NO_THROW(Publisher p(good, outbox));

  auto rejects = [&](auto change) {
    PublisherConfig c = good;
    change(c);
    try {
      Publisher p(c, outbox);
    } catch (const std::invalid_argument&) {
      return true;
    }
    return false;
  };
  EXPECT_TRUE(rejects([](PublisherConfig& c) { c.site = core::SiteId(""); }));
  EXPECT_TRUE(rejects([](PublisherConfig& c) { c.gateway = core::GatewayId("gw/1"); }));
  EXPECT_TRUE(rejects([](PublisherConfig& c) { c.topic_root = "vigil/#"; }));
  EXPECT_TRUE(rejects([](PublisherConfig& c) { c.port = 0; }));
  EXPECT_TRUE(rejects([](PublisherConfig& c) { c.host = ""; }));
  EXPECT_TRUE(rejects([](PublisherConfig& c) { c.reconnect_min = 2s, c.reconnect_max = 1s; }));
  EXPECT_TRUE(rejects([](PublisherConfig& c) { c.protocol = "3.1"; }));
  EXPECT_TRUE(rejects([](PublisherConfig& c) { c.state_expiry = -1s; }));
  EXPECT_TRUE(
      rejects([](PublisherConfig& c) { c.state_expiry = std::chrono::seconds(1LL << 32); }));
}

using PublisherTest = BrokerTest;

TEST_F(PublisherTest, IncidentReachesASubscriberWithItsTopicAndJson) {
  MqttTestSubscriber console(broker_.uri(), incidents_filter());
  Outbox outbox(db_);
  Publisher publisher(config(), outbox);
  publisher.start();

  ASSERT_TRUE(publisher.publish_incident(door_forced(17)));
  ASSERT_TRUE(console.wait_for(1, kWait)) << broker_.log();

  const ReceivedMessage m = console.messages().front();
  EXPECT_EQ(m.topic, "vigil/v1/hq/gw1/incident/major/lobby");
  EXPECT_EQ(m.qos, 1);
  EXPECT_FALSE(m.retained);
  const auto j = json_of(m);
  EXPECT_EQ(j["v"], 1);
  EXPECT_EQ(j["id"], "hq/gw1/17");
  EXPECT_EQ(j["kind"], "door_forced");
  EXPECT_EQ(j["severity"], "major");
  EXPECT_EQ(j["door"], "lobby-main");
  EXPECT_EQ(j["summary"], "Door lobby-main forced open");

  ASSERT_TRUE(publisher.wait_drained(kWait));
  const auto stats = publisher.stats();
  EXPECT_EQ(stats.published, 1u);
  EXPECT_EQ(stats.pending, 0u);
  EXPECT_TRUE(stats.connected);
  EXPECT_EQ(stats.connects, 1u);
  EXPECT_EQ(stats.enqueue_failures, 0u);
}

TEST_F(PublisherTest, StatusIsRetainedOnlineWhileConnected) {
  Outbox outbox(db_);
  Publisher publisher(config(), outbox);
  publisher.start();
  ASSERT_TRUE(eventually([&] { return publisher.connected(); }, kWait)) << broker_.log();

  // A console that subscribes later still learns the gateway is up.
  MqttTestSubscriber console(broker_.uri(), status_topic());
  ASSERT_TRUE(console.wait_for(1, kWait));
  const ReceivedMessage m = console.messages().front();
  EXPECT_TRUE(m.retained);
  EXPECT_EQ(m.qos, 1);
  EXPECT_EQ(json_of(m),
            nlohmann::json::parse(R"({"v":1,"state":"online","site":"hq","gateway":"gw1"})"));
}

TEST_F(PublisherTest, CleanStopLeavesStatusRetainedOffline) {
  Outbox outbox(db_);
  Publisher publisher(config(), outbox);
  publisher.start();
  ASSERT_TRUE(eventually([&] { return publisher.connected(); }, kWait));
  publisher.stop();
  EXPECT_FALSE(publisher.connected());

  MqttTestSubscriber console(broker_.uri(), status_topic());
  ASSERT_TRUE(console.wait_for(1, kWait));
  EXPECT_TRUE(console.messages().front().retained);
  EXPECT_EQ(json_of(console.messages().front())["state"], "offline");
}

TEST_F(PublisherTest, OnlyTheNewestCheckpointIsRetainedIncludingOneSetBeforeConnecting) {
  Outbox outbox(db_);
  Publisher publisher(config(), outbox);
  publisher.publish_checkpoint(R"({"seq":1})");  // before start: sent on connect
  publisher.start();
  ASSERT_TRUE(eventually([&] { return publisher.checkpoints_published() >= 1; }, kWait));
  publisher.publish_checkpoint(R"({"seq":2})");
  ASSERT_TRUE(eventually([&] { return publisher.checkpoints_published() >= 2; }, kWait));
  publisher.stop();

  MqttTestSubscriber late(broker_.uri(), publisher.topics().checkpoint());
  ASSERT_TRUE(late.wait_for(1, kWait));
  EXPECT_TRUE(late.messages().front().retained);
  EXPECT_EQ(late.messages().front().payload, R"({"seq":2})");
  EXPECT_EQ(outbox.size(), 0u);  // not an outbox row
}

TEST_F(PublisherTest, RowsStoredBeforeStartAreSentInOrderOnStart) {
  MqttTestSubscriber console(broker_.uri(), incidents_filter());
  Outbox outbox(db_);
  Publisher publisher(config(), outbox);
  for (std::uint64_t seq = 1; seq <= 3; ++seq)
    ASSERT_TRUE(publisher.publish_incident(door_forced(seq)));
  EXPECT_EQ(publisher.stats().pending, 3u);

  publisher.start();
  ASSERT_TRUE(console.wait_for(3, kWait));
  EXPECT_EQ(seqs(console.messages()), (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST_F(PublisherTest, IncidentFromMemoryGoesBeforeStoredRowsAndStatusSaysDegraded) {
  MqttTestSubscriber console(broker_.uri(), incidents_filter());
  Outbox outbox(db_);
  Publisher publisher(config(), outbox);
  ASSERT_TRUE(publisher.publish_incident(door_forced(1)));
  core::Incident failing;
  failing.kind = core::IncidentKind::journal_failing;
  failing.severity = core::Severity::critical;
  failing.event.kind = core::EventKind::journal_failing;
  failing.event.time = core::from_unix_micros(1'700'000'000'000'001);
  publisher.publish_from_memory(failing);  // not journalled: no seq
  publisher.set_status(GatewayState::degraded, "journal_failing");
  EXPECT_EQ(publisher.stats().pending, 1u) << "the memory incident is not stored";

  publisher.start();
  ASSERT_TRUE(console.wait_for(2, kWait));
  const auto first = json_of(console.messages()[0]);
  EXPECT_EQ(first["kind"], "journal_failing");
  EXPECT_EQ(first["id"], "hq/gw1/t1700000000000001");
  EXPECT_FALSE(first.contains("seq"));
  EXPECT_EQ(json_of(console.messages()[1])["seq"], 1);

  MqttTestSubscriber status(broker_.uri(), status_topic());
  ASSERT_TRUE(status.wait_for(1, kWait));
  EXPECT_EQ(
      json_of(status.messages().front()),
      nlohmann::json::parse(
          R"({"v":1,"state":"degraded","site":"hq","gateway":"gw1","reason":"journal_failing"})"));
  publisher.set_status(GatewayState::online);
  ASSERT_TRUE(status.wait_for(2, kWait));
  EXPECT_EQ(json_of(status.messages().back())["state"], "online");
}

TEST_F(PublisherTest, RowsCommittedByAnotherConnectionAreSentWhenTold) {
  MqttTestSubscriber console(broker_.uri(), incidents_filter());
  Outbox outbox(db_);
  Publisher publisher(config(), outbox);
  publisher.start();
  ASSERT_TRUE(eventually([&] { return publisher.connected(); }, kWait));
  {
    journal::sqlite::Database writer(db_);  // as the journal writer's transaction
    Outbox::insert(writer, publisher.topics().incident(door_forced(7)), R"({"v":1,"seq":7})");
  }
  publisher.outbox_changed();
  ASSERT_TRUE(console.wait_for(1, kWait));
  EXPECT_EQ(json_of(console.messages()[0])["seq"], 7);
  EXPECT_TRUE(publisher.wait_drained(kWait));
}

TEST_F(PublisherTest, ABurstArrivesCompleteAndInOrder) {
  MqttTestSubscriber console(broker_.uri(), incidents_filter());
  Outbox outbox(db_);
  Publisher publisher(config(), outbox);
  publisher.start();
  std::vector<std::uint64_t> sent;
  for (std::uint64_t seq = 1; seq <= 50; ++seq) {
    ASSERT_TRUE(publisher.publish_incident(door_forced(seq)));
    sent.push_back(seq);
  }
  ASSERT_TRUE(console.wait_for(50, kWait));
  ASSERT_TRUE(publisher.wait_drained(kWait));
  EXPECT_EQ(seqs(console.messages()), sent);
  EXPECT_EQ(publisher.stats().published, 50u);
}

TEST_F(PublisherTest, StopAndStartAgainResumes) {
  MqttTestSubscriber console(broker_.uri(), incidents_filter());
  Outbox outbox(db_);
  Publisher publisher(config(), outbox);
  publisher.start();
  ASSERT_TRUE(eventually([&] { return publisher.connected(); }, kWait));
  publisher.stop();
  ASSERT_TRUE(publisher.publish_incident(door_forced(1)));  // stored while stopped
  publisher.start();
  ASSERT_TRUE(console.wait_for(1, kWait));
  EXPECT_EQ(seqs(console.messages()), (std::vector<std::uint64_t>{1}));
}

}  // namespace
}  // namespace vigil::mqtt
