// incident-state/<segment>/<seq>: an incident's lifecycle as a console reads
// it, retained so a console that connects later still sees every state.
#include "vigil/mqtt/incident_state.hpp"

#include <gtest/gtest.h>

#include "broker_fixture.hpp"
#include "vigil/mqtt/outbox.hpp"
#include "vigil/mqtt/topics.hpp"

namespace vigil::mqtt {
namespace {

using namespace testing;

const std::vector<std::string> kChain{"shift_lead", "security_officer"};

core::TimePoint at(int second) {
  return core::from_unix_micros(1'790'000'000'000'000 + std::int64_t{second} * 1'000'000);
}

nlohmann::json state_of(const core::IncidentLifecycle& l) {
  return nlohmann::json::parse(incident_state_payload(l, core::ZoneId("lobby"), kChain.size(),
                                                      core::SiteId("hq"), core::GatewayId("gw1"),
                                                      "0a1b2c3d"));
}

TEST(IncidentState, TopicEndsWithTheIncidentIdsSegmentAndSeq) {
  TopicTree topics("vigil", core::SiteId("hq"), core::GatewayId("gw1"));
  EXPECT_EQ(topics.incident_state(17, "0a1b2c3d"), "vigil/v1/hq/gw1/incident-state/0a1b2c3d/17");
  EXPECT_EQ(topics.incident_state(17), "vigil/v1/hq/gw1/incident-state/17");
}

TEST(IncidentState, PayloadNamesStateLevelAndWhoChangedIt) {
  auto l = core::open_lifecycle(17, at(0), kChain);
  auto open = state_of(l);
  EXPECT_EQ(open["v"], 1);
  EXPECT_EQ(open["id"], "hq/gw1/0a1b2c3d/17");
  EXPECT_EQ(open["seq"], 17);
  EXPECT_EQ(open["state"], "open");
  EXPECT_EQ(open["level"], 1);
  EXPECT_EQ(open["level_name"], "shift_lead");
  EXPECT_EQ(open["levels"], 2);
  EXPECT_EQ(open["zone"], "lobby");
  EXPECT_FALSE(open.contains("by"));

  auto ack =
      core::lifecycle_event(core::EventKind::incident_acknowledged, l, "ana", "", at(5), kChain);
  ASSERT_FALSE(core::apply_lifecycle_event(l, ack, kChain));
  auto acked = state_of(l);
  EXPECT_EQ(acked["state"], "acknowledged");
  EXPECT_EQ(acked["by"], "ana");
  EXPECT_EQ(acked["acknowledged_by"], "ana");
  EXPECT_EQ(acked["time"], core::format_utc(at(5)));

  auto res = core::lifecycle_event(core::EventKind::incident_resolved, l, "bo", "all clear", at(9),
                                   kChain);
  ASSERT_FALSE(core::apply_lifecycle_event(l, res, kChain));
  auto resolved = state_of(l);
  EXPECT_EQ(resolved["state"], "resolved");
  EXPECT_EQ(resolved["resolved_by"], "bo");
  EXPECT_EQ(resolved["note"], "all clear");
}

using IncidentStatePublish = BrokerTest;

TEST_F(IncidentStatePublish, ARetainedOutboxRowReachesAConsoleThatSubscribesLater) {
  Outbox outbox(db_);
  {
    journal::sqlite::Database db(db_);
    Outbox::insert(db, "vigil/v1/hq/gw1/incident-state/17", R"({"state":"open"})", 1, true);
  }
  Publisher publisher(config(), outbox);
  publisher.start();
  ASSERT_TRUE(publisher.wait_drained(kWait));
  MqttTestSubscriber late(broker_.uri(), "vigil/v1/hq/gw1/incident-state/#");
  ASSERT_TRUE(late.wait_for(1, kWait)) << broker_.log();
  const auto m = late.messages().front();
  EXPECT_EQ(m.topic, "vigil/v1/hq/gw1/incident-state/17");
  EXPECT_TRUE(m.retained);
  EXPECT_EQ(m.payload, R"({"state":"open"})");
}

}  // namespace
}  // namespace vigil::mqtt

namespace vigil::mqtt {
namespace {

TEST(IncidentState, AnOutboxFromBeforeRetainedRowsKeepsItsRowsUnretained) {
  vigil::testing::TempDir dir;
  const auto path = dir.file("vigil.db");
  {
    journal::sqlite::Database db(path);
    db.exec(
        "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, "
        "payload TEXT NOT NULL, enqueued_at_us INTEGER NOT NULL, qos INTEGER NOT NULL DEFAULT 1)");
    db.exec("INSERT INTO outbox (topic, payload, enqueued_at_us) VALUES ('t/incident', '{}', 1)");
  }
  Outbox outbox(path);
  {
    journal::sqlite::Database db(path);
    Outbox::insert(db, "t/incident-state/1", "{}", 1, true);
  }
  const auto rows = outbox.peek(10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_FALSE(rows[0].retain);
  EXPECT_TRUE(rows[1].retain);
}

}  // namespace
}  // namespace vigil::mqtt
