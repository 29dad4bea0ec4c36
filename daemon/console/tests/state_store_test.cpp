// The console's picture of the campus, fed retained and live messages the
// way the broker delivers them; the queue is what a guard works down.
#include "vigil/console/state_store.hpp"

#include <gtest/gtest.h>

namespace vigil::console::state_store_test {

using nlohmann::json;

std::string incident(const std::string& gw, int seq, const std::string& severity,
                     const std::string& time, const std::string& kind = "door_forced") {
  return json{{"v", 1},
              {"id", "hq/" + gw + "/seg/" + std::to_string(seq)},
              {"seq", seq},
              {"kind", kind},
              {"severity", severity},
              {"time", time},
              {"event", "door_forced"},
              {"site", "hq"},
              {"gateway", gw},
              {"door", "lobby-main"},
              {"zone", "lobby"},
              {"summary", kind + " " + std::to_string(seq)}}
      .dump();
}

std::string incident_state(const std::string& gw, int seq, const std::string& state,
                           const std::string& by = "") {
  json j{{"v", 1},
         {"id", "hq/" + gw + "/seg/" + std::to_string(seq)},
         {"seq", seq},
         {"state", state},
         {"site", "hq"},
         {"gateway", gw},
         {"level", 0},
         {"level_name", "shift_lead"},
         {"levels", 1},
         {"opened", "2026-11-29T07:00:00.000000Z"},
         {"time", "2026-11-29T07:01:00.000000Z"},
         {"zone", "vault"}};
  if (!by.empty()) j["acknowledged_by"] = by;
  return j.dump();
}

std::string door(const std::string& name, const std::string& contact, const std::string& alarm) {
  return json{{"v", 1},         {"site", "hq"},     {"gateway", "gw1"},
              {"door", name},   {"lock", "locked"}, {"contact", contact},
              {"alarm", alarm}, {"mode", "normal"}, {"since", "2026-11-29T07:00:00.000000Z"}}
      .dump();
}

std::vector<std::string> ids(const StateStore& s) {
  std::vector<std::string> out;
  for (const auto& e : s.queue()) out.push_back(e.id);
  return out;
}

TEST(ConsoleState, QueueOrdersBySeverityThenOldestFirst) {
  StateStore s("vigil");
  s.apply("vigil/v1/hq/gw1/incident/warning/lobby",
          incident("gw1", 1, "warning", "2026-11-29T07:00:00Z"));
  s.apply("vigil/v1/hq/gw2/incident/critical/lobby",
          incident("gw2", 2, "critical", "2026-11-29T07:05:00Z"));
  s.apply("vigil/v1/hq/gw1/incident/critical/lobby",
          incident("gw1", 3, "critical", "2026-11-29T07:02:00Z"));
  s.apply("vigil/v1/hq/gw1/incident/info/lobby",
          incident("gw1", 4, "info", "2026-11-29T06:00:00Z"));
  s.apply("vigil/v1/hq/gw1/incident/major/lobby",
          incident("gw1", 5, "major", "2026-11-29T07:09:00Z"));
  EXPECT_EQ(ids(s), (std::vector<std::string>{"hq/gw1/seg/3", "hq/gw2/seg/2", "hq/gw1/seg/5",
                                              "hq/gw1/seg/1", "hq/gw1/seg/4"}));
}

TEST(ConsoleState, AcknowledgedStaysQueuedWithWhoAndResolvedLeaves) {
  StateStore s("vigil");
  s.apply("vigil/v1/hq/gw1/incident/critical/lobby",
          incident("gw1", 7, "critical", "2026-11-29T07:00:00Z"));
  s.apply("vigil/v1/hq/gw1/incident-state/seg/7", incident_state("gw1", 7, "acknowledged", "ben"));
  ASSERT_EQ(s.queue().size(), 1U);
  EXPECT_EQ(s.queue()[0].state, "acknowledged");
  EXPECT_EQ(s.queue()[0].acknowledged_by, "ben");
  EXPECT_EQ(s.queue()[0].seq, 7U);
  s.apply("vigil/v1/hq/gw1/incident-state/seg/7", incident_state("gw1", 7, "resolved"));
  EXPECT_TRUE(s.queue().empty());
  // An outbox replay of the incident after a reconnect does not bring it back.
  EXPECT_TRUE(s.apply("vigil/v1/hq/gw1/incident/critical/lobby",
                      incident("gw1", 7, "critical", "2026-11-29T07:00:00.1Z"))
                  .has_value());
  EXPECT_TRUE(s.queue().empty());
}

TEST(ConsoleState, AnIncidentKnownOnlyFromItsRetainedStateRanksAsMajor) {
  StateStore s("vigil");
  s.apply("vigil/v1/hq/gw1/incident-state/seg/9", incident_state("gw1", 9, "open"));
  s.apply("vigil/v1/hq/gw1/incident/warning/lobby",
          incident("gw1", 1, "warning", "2026-11-29T06:00:00Z"));
  s.apply("vigil/v1/hq/gw1/incident/critical/lobby",
          incident("gw1", 2, "critical", "2026-11-29T08:00:00Z"));
  EXPECT_EQ(ids(s), (std::vector<std::string>{"hq/gw1/seg/2", "hq/gw1/seg/9", "hq/gw1/seg/1"}));
  EXPECT_EQ(s.queue()[1].zone, "vault");
  EXPECT_EQ(s.queue()[1].opened, "2026-11-29T07:00:00.000000Z");
}

TEST(ConsoleState, ANewCriticalIncidentIsFlaggedSoTheBrowserSounds) {
  StateStore s("vigil");
  const auto update = s.apply("vigil/v1/hq/gw1/incident/critical/lobby",
                              incident("gw1", 1, "critical", "2026-11-29T07:00:00Z"));
  ASSERT_TRUE(update.has_value());
  EXPECT_EQ((*update)["type"], "queue");
  EXPECT_EQ((*update)["raised"]["severity"], "critical");
  EXPECT_EQ((*update)["queue"].size(), 1U);
  // The same message again (QoS 1 may deliver twice) changes nothing.
  EXPECT_FALSE(s.apply("vigil/v1/hq/gw1/incident/critical/lobby",
                       incident("gw1", 1, "critical", "2026-11-29T07:00:00Z"))
                   .has_value());
}

TEST(ConsoleState, KeepsTheNewestDoorAndZoneStatePerGateway) {
  StateStore s("vigil");
  ASSERT_TRUE(
      s.apply("vigil/v1/hq/gw1/state/door/lobby-main", door("lobby-main", "closed", "none")));
  ASSERT_TRUE(
      s.apply("vigil/v1/hq/gw1/state/door/lobby-main", door("lobby-main", "open", "forced")));
  EXPECT_FALSE(
      s.apply("vigil/v1/hq/gw1/state/door/lobby-main", door("lobby-main", "open", "forced")));
  const auto zone = json{{"v", 1}, {"zone", "lobby"}, {"occupancy", 3}, {"lockdown", "none"}};
  ASSERT_TRUE(s.apply("vigil/v1/hq/gw1/state/zone/lobby", zone.dump()));
  const auto snap = s.snapshot();
  ASSERT_EQ(snap["gateways"].size(), 1U);
  const auto& g = snap["gateways"][0];
  EXPECT_EQ(g["status"], "unknown");
  ASSERT_EQ(g["doors"].size(), 1U);
  EXPECT_EQ(g["doors"][0]["alarm"], "forced");
  EXPECT_EQ(g["zones"][0]["occupancy"], 3);
  // A cleared retained slot (empty payload) removes the door.
  ASSERT_TRUE(s.apply("vigil/v1/hq/gw1/state/door/lobby-main", ""));
  EXPECT_TRUE(s.snapshot()["gateways"][0]["doors"].empty());
}

TEST(ConsoleState, TheLastWillMarksTheGatewayOffline) {
  StateStore s("acme/vigil");
  s.apply("acme/vigil/v1/hq/gw1/status", R"({"v":1,"state":"online","site":"hq","gateway":"gw1"})");
  const auto update = s.apply("acme/vigil/v1/hq/gw1/status",
                              R"({"v":1,"state":"offline","site":"hq","gateway":"gw1"})");
  ASSERT_TRUE(update.has_value());
  EXPECT_EQ((*update)["gateway"]["status"], "offline");
  EXPECT_TRUE(s.knows_gateway("hq", "gw1"));
  EXPECT_FALSE(s.knows_gateway("hq", "gw2"));
}

TEST(ConsoleState, IgnoresWhatIsNotAV1StateAndCountsMalformedPayloads) {
  StateStore s("vigil");
  const std::vector<std::pair<std::string, std::string>> ignored_and_counted = {
      {"vigil/v1/hq/gw1/status", "not json"},
      {"vigil/v1/hq/gw1/status", R"({"v":2,"state":"online"})"},
      {"vigil/v1/hq/gw1/state/door/d", R"({"v":1,"door":"d"})"},
      {"vigil/v1/hq/gw1/incident/critical/z", R"({"v":1,"id":7,"severity":"critical"})"},
      {"vigil/v1/hq/gw1/incident-state/s/1", R"({"v":1,"id":"x","state":"open","seq":-1})"},
      {"vigil/v1/hq/gw1/state/zone/z", R"([1,2,3])"},
  };
  for (const auto& [topic, payload] : ignored_and_counted) {
    EXPECT_FALSE(s.apply(topic, payload).has_value()) << topic << " " << payload;
  }
  EXPECT_EQ(s.ignored(), ignored_and_counted.size());
  for (const char* topic :
       {"other/v1/hq/gw1/status", "vigil/v2/hq/gw1/status", "vigil/v1/hq/gw1/event/lobby",
        "vigil/v1/hq/gw1/checkpoint", "vigil/v1/hq/gw1/cmd/incident-ack", "vigil/v1//gw1/status",
        "vigil/v1/hq", "vigil/v1/h\xff/gw1/status", "vigil/v1/hq/gw+1/status"}) {
    EXPECT_FALSE(s.apply(topic, R"({"v":1,"state":"online"})").has_value()) << topic;
  }
  EXPECT_EQ(s.ignored(), ignored_and_counted.size());
  EXPECT_TRUE(s.queue().empty());
}

}  // namespace vigil::console::state_store_test

namespace vigil::console::state_store_test {

TEST(ConsoleState, AMusterListIsKeptPerZoneSortedByTimeOfEntryAndClearedWithItsSlot) {
  StateStore s("vigil");
  const json message{
      {"v", 1},
      {"site", "hq"},
      {"gateway", "gw1"},
      {"zone", "lab"},
      {"personal_data", "full_name"},
      {"count", 2},
      {"truncated", false},
      {"people",
       {{{"person", "p2"}, {"name", "Ben"}, {"since", "2026-11-29T07:05:00.000000Z"}},
        {{"person", "p1"}, {"name", "Ann"}, {"since", "2026-11-29T07:01:00.000000Z"}}}},
      {"time", "2026-11-29T07:06:00.000000Z"},
      {"extra", "<script>"}};
  const auto update = s.apply("vigil/v1/hq/gw1/muster/lab", message.dump());
  ASSERT_TRUE(update.has_value());
  const auto& musters = (*update)["gateway"]["musters"];
  ASSERT_EQ(musters.size(), 1U);
  EXPECT_EQ(musters[0]["zone"], "lab");
  EXPECT_EQ(musters[0]["count"], 2);
  ASSERT_EQ(musters[0]["people"].size(), 2U);
  EXPECT_EQ(musters[0]["people"][0]["name"], "Ann");  // entered first
  EXPECT_FALSE(musters[0].contains("extra"));
  EXPECT_FALSE(s.apply("vigil/v1/hq/gw1/muster/lab", message.dump()).has_value());  // unchanged
  EXPECT_EQ(s.snapshot()["gateways"][0]["musters"].size(), 1U);

  const auto cleared = s.apply("vigil/v1/hq/gw1/muster/lab", "");
  ASSERT_TRUE(cleared.has_value());
  EXPECT_TRUE((*cleared)["gateway"]["musters"].empty());
}

TEST(ConsoleState, AMusterListThatIsNotOneIsIgnoredAndCounted) {
  StateStore s("vigil");
  for (const char* bad : {R"({"zone":"lab"})", R"({"zone":"lab","count":-1,"people":[]})",
                          R"({"zone":"lab","count":1,"people":[{"person":3}]})", "[]", "{"}) {
    EXPECT_FALSE(s.apply("vigil/v1/hq/gw1/muster/lab", bad).has_value()) << bad;
  }
  EXPECT_EQ(s.ignored(), 5U);
  // Counts only (personal data none): no names, still a list.
  const auto counts = s.apply("vigil/v1/hq/gw1/muster/lab",
                              R"({"zone":"lab","count":4,"people":[],"personal_data":"none"})");
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ((*counts)["gateway"]["musters"][0]["count"], 4);
  EXPECT_EQ((*counts)["gateway"]["musters"][0]["personal_data"], "none");
}

}  // namespace vigil::console::state_store_test
