// The last will: when a gateway dies without a clean disconnect (power cut,
// OOM kill, crash), the broker itself marks it offline. A Paho client inside
// this process cannot die uncleanly, so a real Publisher runs in a child
// process (vigil_mqtt_will_probe) and the test SIGKILLs it.
#include <nlohmann/json.hpp>

#include "broker_fixture.hpp"
#include "vigil/testing/child_process.hpp"

namespace vigil::mqtt {
namespace {

using namespace testing;

using WillTest = BrokerTest;

TEST_F(WillTest, BrokerMarksAGatewayThatDiesUncleanlyOfflineAndRetainsIt) {
  const std::string topic = "vigil/v1/hq/gw-probe/status";
  MqttTestSubscriber console(broker_.uri(), topic);
  vigil::testing::ChildProcess probe(
      {VIGIL_MQTT_WILL_PROBE, std::to_string(broker_.port()), db_.string(), "hq", "gw-probe"},
      dir_.file("probe.log"));

  ASSERT_TRUE(console.wait_for(1, kWait)) << broker_.log();
  EXPECT_EQ(json_of(console.messages()[0])["state"], "online");

  probe.kill();
  ASSERT_TRUE(console.wait_for(2, kWait)) << broker_.log();
  EXPECT_EQ(json_of(console.messages()[1])["state"], "offline");
  EXPECT_EQ(json_of(console.messages()[1])["gateway"], "gw-probe");

  // The will is retained: a console that connects later sees it too.
  MqttTestSubscriber later(broker_.uri(), topic);
  ASSERT_TRUE(later.wait_for(1, kWait));
  EXPECT_TRUE(later.messages()[0].retained);
  EXPECT_EQ(json_of(later.messages()[0])["state"], "offline");
}

}  // namespace
}  // namespace vigil::mqtt
