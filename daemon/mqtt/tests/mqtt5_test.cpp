// MQTT 5 on the incident publisher (broker.protocol, docs/mqtt.md "MQTT 5"):
// the retained door and zone states carry a message expiry, so a dead
// gateway's states do not look live forever; status, checkpoint and digest
// never expire; under 3.1.1 nothing changes; "auto" falls back to 3.1.1 on a
// broker that refuses 5. The independent peer is mosquitto_sub -V 5, whose
// %E prints the expiry the broker still holds.
#include <fstream>
#include <map>
#include <sstream>

#include "broker_fixture.hpp"
#include "vigil/testing/child_process.hpp"
#include "vigil/testing/tcp_relay.hpp"

namespace vigil::mqtt {
namespace {

using namespace testing;

constexpr const char* kMosquittoSub = "/usr/bin/mosquitto_sub";

class Mqtt5Test : public BrokerTest {
 protected:
  // What mosquitto_sub -V 5 sees as retained on `filter` within one second:
  // topic -> %E (the remaining expiry, empty when the message has none).
  std::map<std::string, std::string> retained_expiries(const std::string& filter) {
    const auto log = dir_.file("sub-" + std::to_string(++subs_) + ".log");
    vigil::testing::ChildProcess sub(
        {kMosquittoSub, "-V", "5", "-h", broker_.host(), "-p", std::to_string(broker_.port()), "-t",
         filter, "--retained-only", "-W", "1", "-F", "%t|%E"},
        log);
    sub.wait_exit(5s);
    std::map<std::string, std::string> out;
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);) {
      const auto bar = line.find('|');
      if (bar != std::string::npos) out[line.substr(0, bar)] = line.substr(bar + 1);
    }
    return out;
  }

  PublisherConfig config_with(const std::string& protocol, std::chrono::seconds expiry) const {
    PublisherConfig c = config();
    c.protocol = protocol;
    c.state_expiry = expiry;
    return c;
  }

  // Publishes a door and a zone state, a checkpoint and a digest under
  // `protocol` with a 600 s state expiry, waits until they and the status
  // reached the broker, and returns what mosquitto_sub sees retained.
  std::map<std::string, std::string> every_retained_kind_under(const std::string& protocol,
                                                               int& version) {
    Outbox outbox(db_);
    Publisher publisher(config_with(protocol, 600s), outbox);
    MqttTestSubscriber console(broker_.uri(), prefix_ + "#");
    publisher.publish_door_state(core::DoorId("d1"), R"({"v":1,"door":"d1"})");
    publisher.publish_zone_state(core::ZoneId("z1"), R"({"v":1,"zone":"z1"})");
    publisher.publish_checkpoint(R"({"v":1,"seq":1})");
    publisher.publish_digest(R"({"v":1,"digest":true})");
    publisher.start();
    EXPECT_TRUE(console.wait_for(5, kWait)) << broker_.log();
    version = publisher.mqtt_version();
    return retained_expiries(prefix_ + "#");
  }

  int subs_ = 0;
  const std::string prefix_ = "vigil/v1/hq/gw1/";
};

TEST_F(Mqtt5Test, DoorAndZoneStatesExpireButStatusCheckpointAndDigestDoNot) {
  if (!std::filesystem::exists(kMosquittoSub)) GTEST_SKIP() << "no mosquitto_sub";
  int version = 0;
  const auto seen = every_retained_kind_under("5", version);
  EXPECT_EQ(version, 5);
  ASSERT_EQ(seen.size(), 5u) << broker_.log();
  for (const std::string state : {"state/door/d1", "state/zone/z1"}) {
    ASSERT_TRUE(seen.contains(prefix_ + state)) << state;
    const int left = std::stoi(seen.at(prefix_ + state));
    EXPECT_GT(left, 590) << state;  // the broker counts down from 600
    EXPECT_LE(left, 600) << state;
  }
  for (const std::string lasting : {"status", "checkpoint", "digest"}) {
    ASSERT_TRUE(seen.contains(prefix_ + lasting)) << lasting;
    EXPECT_EQ(seen.at(prefix_ + lasting), "") << lasting << " must not expire";
  }
}

TEST_F(Mqtt5Test, Under311TheSameRetainedStatesGoOutWithoutExpiry) {
  if (!std::filesystem::exists(kMosquittoSub)) GTEST_SKIP() << "no mosquitto_sub";
  int version = 0;
  const auto seen = every_retained_kind_under("3.1.1", version);
  EXPECT_EQ(version, 4);
  ASSERT_EQ(seen.size(), 5u) << broker_.log();
  for (const auto& [topic, expiry] : seen) EXPECT_EQ(expiry, "") << topic;
}

TEST_F(Mqtt5Test, ALiveGatewayRefreshesItsStatesAndADeadOnesExpire) {
  if (!std::filesystem::exists(kMosquittoSub)) GTEST_SKIP() << "no mosquitto_sub";
  Outbox outbox(db_);
  MqttTestSubscriber console(broker_.uri(), prefix_ + "state/door/d1");
  {
    Publisher publisher(config_with("5", 1s), outbox);
    publisher.publish_door_state(core::DoorId("d1"), R"({"v":1,"door":"d1"})");
    publisher.start();
    // Unchanged, yet published again every half expiry: the broker never
    // lets a live gateway's state lapse.
    ASSERT_TRUE(console.wait_for(3, kWait)) << broker_.log();
    for (const auto& m : console.messages()) EXPECT_EQ(m.payload, R"({"v":1,"door":"d1"})");
  }  // the gateway goes away (cleanly here; a killed one stops refreshing too)
  EXPECT_TRUE(
      eventually([&] { return retained_expiries(prefix_ + "state/door/d1").empty(); }, kWait))
      << "a dead gateway's door state must expire at the broker";
  // Its status stays: the console sees "offline", not nothing.
  EXPECT_EQ(retained_expiries(prefix_ + "status").size(), 1u);
}

TEST_F(Mqtt5Test, AutoFallsBackTo311OnABrokerThatRefuses5) {
  if (!std::filesystem::exists(kMosquittoSub)) GTEST_SKIP() << "no mosquitto_sub";
  vigil::testing::TcpRelay old_broker(broker_.port(), /*mqtt311_only=*/true);
  Outbox outbox(db_);
  PublisherConfig c = config_with("auto", 600s);
  c.port = old_broker.port();
  Publisher publisher(c, outbox);
  MqttTestSubscriber console(broker_.uri(), prefix_ + "state/door/d1");
  publisher.publish_door_state(core::DoorId("d1"), R"({"v":1,"door":"d1"})");
  publisher.start();

  ASSERT_TRUE(console.wait_for(1, kWait))
      << old_broker.log() << publisher.stats().last_connect_error;
  EXPECT_EQ(publisher.mqtt_version(), 4);
  EXPECT_NE(old_broker.log().find("refused MQTT 5"), std::string::npos) << old_broker.log();
  EXPECT_EQ(retained_expiries(prefix_ + "state/door/d1").at(prefix_ + "state/door/d1"), "");
}

}  // namespace
}  // namespace vigil::mqtt
