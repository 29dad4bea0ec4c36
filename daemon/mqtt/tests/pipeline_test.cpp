// Retained states and incidents published with several in flight
// (sender_window.cpp, sender_retained.cpp): what a console sees must not
// change with it. Each topic's messages arrive in the order they were set,
// the retained value left at the broker is the newest state, and no incident
// is lost or reordered among the states.
#include <algorithm>
#include <map>

#include "broker_fixture.hpp"
#include "incident_fixture.hpp"
#include "vigil/mqtt/publisher.hpp"

namespace vigil::mqtt {
namespace {

using namespace testing;
using PipelineTest = BrokerTest;

constexpr int kDoors = 4;
constexpr int kChanges = 400;  // state changes, spread over the doors
constexpr int kIncidentEvery = 10;

std::string door_name(int i) {
  return "door-" + std::to_string(i % kDoors);
}

std::string state_payload(int n) {
  return R"({"n":)" + std::to_string(n) + "}";
}

TEST_F(PipelineTest, ABurstOfStatesAndIncidentsKeepsEachTopicsOrderAndTheNewestStateRetained) {
  Outbox outbox(db_);
  Publisher publisher(config(), outbox);
  MqttTestSubscriber console(broker_.uri(), "vigil/v1/hq/gw1/#");
  publisher.start();
  ASSERT_TRUE(eventually([&] { return publisher.connected(); }, kWait)) << broker_.log();

  // A forced door's pattern, many times over and faster than the broker
  // answers: states set one after another, an incident between them.
  std::vector<std::uint64_t> incidents;
  std::map<std::string, int> newest;  // door state topic -> last n set
  for (int n = 1; n <= kChanges; ++n) {
    const std::string topic = publisher.topics().door_state(core::DoorId(door_name(n)));
    publisher.publish_door_state(core::DoorId(door_name(n)), state_payload(n));
    newest[topic] = n;
    if (n % kIncidentEvery == 0) {
      ASSERT_TRUE(publisher.publish_incident(door_forced(static_cast<std::uint64_t>(n))));
      incidents.push_back(static_cast<std::uint64_t>(n));
    }
  }
  ASSERT_TRUE(publisher.wait_drained(kWait));
  // Every door's newest state reaches the console (a state superseded
  // while its topic had one in flight may be skipped: only the newest
  // matters).
  const auto last_seen = [&] {
    std::map<std::string, int> last;
    for (const auto& m : console.messages()) {
      if (newest.contains(m.topic)) last[m.topic] = json_of(m)["n"].get<int>();
    }
    return last;
  };
  ASSERT_TRUE(eventually([&] { return last_seen() == newest; }, kWait));

  std::vector<std::uint64_t> incident_seqs;
  std::map<std::string, std::vector<int>> states;
  for (const auto& m : console.messages()) {
    if (newest.contains(m.topic)) {
      states[m.topic].push_back(json_of(m)["n"].get<int>());
    } else if (m.topic.find("/incident/") != std::string::npos) {
      incident_seqs.push_back(json_of(m)["seq"].get<std::uint64_t>());
    }
  }
  EXPECT_EQ(incident_seqs, incidents) << "every incident, once, in order";
  for (const auto& [topic, ns] : states) {
    EXPECT_TRUE(std::is_sorted(ns.begin(), ns.end()) &&
                std::adjacent_find(ns.begin(), ns.end()) == ns.end())
        << topic << ": states in the order they were set, none twice";
  }

  // A console that subscribes later gets the newest state of every door.
  MqttTestSubscriber late(broker_.uri(), "vigil/v1/hq/gw1/state/door/#");
  ASSERT_TRUE(late.wait_for(newest.size(), kWait));
  std::map<std::string, int> retained;
  for (const auto& m : late.messages()) {
    EXPECT_TRUE(m.retained);
    retained[m.topic] = json_of(m)["n"].get<int>();
  }
  EXPECT_EQ(retained, newest);
}

TEST_F(PipelineTest, AStateSetBeforeAnIncidentGoesBeforeItAndAStopLeavesTheNewestRetained) {
  // States no longer wait for their PUBACK before the outbox's rows, but
  // they still go first on the connection: a console sees the door's state
  // before the incident it explains. A clean stop right after a change
  // still leaves the newest state retained (the goodbye waits for the
  // states in flight).
  Outbox outbox(db_);
  Publisher publisher(config(), outbox);
  MqttTestSubscriber console(broker_.uri(), "vigil/v1/hq/gw1/#");
  // Both waiting when the connection comes up.
  const core::DoorId door("lobby-main");
  const std::string state_topic = publisher.topics().door_state(door);
  publisher.publish_door_state(door, state_payload(1));
  ASSERT_TRUE(publisher.publish_incident(door_forced(2)));
  publisher.start();
  ASSERT_TRUE(publisher.wait_drained(kWait)) << broker_.log();
  publisher.publish_door_state(door, state_payload(3));
  publisher.stop();

  const auto order = [&] {
    std::vector<std::string> out;
    for (const auto& m : console.messages()) {
      if (m.topic == state_topic)
        out.push_back("state " + std::to_string(json_of(m)["n"].get<int>()));
      if (m.topic.find("/incident/") != std::string::npos) out.push_back("incident");
    }
    return out;
  };
  ASSERT_TRUE(eventually([&] { return order().size() >= 3; }, kWait));
  EXPECT_EQ(order(), (std::vector<std::string>{"state 1", "incident", "state 3"}));
  MqttTestSubscriber late(broker_.uri(), state_topic);
  ASSERT_TRUE(late.wait_for(1, kWait));
  EXPECT_EQ(json_of(late.messages().front())["n"], 3);
}

}  // namespace
}  // namespace vigil::mqtt
