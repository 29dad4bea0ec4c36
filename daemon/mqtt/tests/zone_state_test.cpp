// A zone's retained state as a guard's screen shows it: armed or not (from
// the alarm panel's journalled events), how many people are inside it and its
// nested zones, and whether a lockdown closes it (its own or a parent's).
#include "vigil/mqtt/zone_state.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace vigil::mqtt {
namespace {

using K = core::EventKind;

core::TimePoint zone_state_at(int second) {
  return core::from_unix_micros(1'790'000'000'000'000 + second * 1'000'000LL);
}

// building > floor2 > lab, and a yard outside the building. The lab is an
// alarm zone.
core::Site zone_state_site() {
  core::Site site;
  site.id = core::SiteId("hq");
  site.gateway = core::GatewayId("gw1");
  auto zone = [&](const char* id, std::optional<core::ZoneId> parent) {
    core::Zone z;
    z.id = core::ZoneId(id);
    z.parent = std::move(parent);
    site.zones.push_back(z);
  };
  zone("building", std::nullopt);
  zone("floor2", core::ZoneId("building"));
  zone("lab", core::ZoneId("floor2"));
  zone("yard", std::nullopt);
  return site;
}

class ZoneStatesTest : public ::testing::Test {
 protected:
  ZoneStatesTest() {
    core::AlarmZone lab;
    lab.id = core::ZoneId("lab");
    states_.emplace(site_, std::vector<core::AlarmZone>{lab}, core::Occupancy{}, core::Lockdowns{});
    states_->start(zone_state_at(0));
  }

  // The changed zones' payloads, by zone.
  static std::map<std::string, nlohmann::json> by_zone(const ZonePayloads& payloads) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& [zone, payload] : payloads) out[zone.str()] = nlohmann::json::parse(payload);
    return out;
  }

  std::map<std::string, nlohmann::json> enter(const char* person, const char* zone, int second) {
    core::Event e;
    e.kind = K::entry;
    e.person = core::PersonId(person);
    e.zone = core::ZoneId(zone);
    e.time = zone_state_at(second);
    return by_zone(states_->observe(e));
  }

  std::map<std::string, nlohmann::json> alarm(K kind, int second) {
    core::Event e;
    e.kind = kind;
    e.zone = core::ZoneId("lab");
    e.time = zone_state_at(second);
    return by_zone(states_->observe(e));
  }

  core::Site site_ = zone_state_site();
  std::optional<ZoneStates> states_;
};

TEST_F(ZoneStatesTest, EveryZoneStartsEmptyOpenAndAnAlarmZoneDisarmed) {
  const auto start = by_zone(states_->start(zone_state_at(1)));
  ASSERT_EQ(start.size(), 4u);
  EXPECT_EQ(start.at("lab")["alarm"], "disarmed");
  EXPECT_EQ(start.at("lab")["armed"], false);
  EXPECT_EQ(start.at("yard")["alarm"], "none");  // not an alarm zone
  EXPECT_EQ(start.at("building")["occupancy"], 0);
  EXPECT_EQ(start.at("building")["lockdown"], false);
  EXPECT_TRUE(start.at("building")["lockdown_zone"].is_null());
  EXPECT_EQ(start.at("building")["site"], "hq");
  EXPECT_EQ(start.at("building")["gateway"], "gw1");
  EXPECT_EQ(start.at("building")["v"], 1);
}

TEST_F(ZoneStatesTest, AnEntryCountsInTheZoneAndEveryZoneAroundIt) {
  const auto changed = enter("ana", "lab", 1);
  ASSERT_EQ(changed.size(), 3u);  // lab, floor2, building; not the yard
  EXPECT_EQ(changed.at("lab")["occupancy"], 1);
  EXPECT_EQ(changed.at("floor2")["occupancy"], 1);
  EXPECT_EQ(changed.at("building")["occupancy"], 1);
  EXPECT_EQ(changed.at("lab")["since"], core::format_utc(zone_state_at(1)));
}

TEST_F(ZoneStatesTest, MovingWithinTheBuildingChangesOnlyTheZonesLeftAndEntered) {
  enter("ana", "lab", 1);
  enter("ben", "lab", 2);
  const auto changed = enter("ana", "floor2", 3);  // out of the lab, still on the floor
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed.at("lab")["occupancy"], 1);
  EXPECT_EQ(states_->find(core::ZoneId("floor2"))->occupancy, 2u);
  const auto out = enter("ana", "yard", 4);
  EXPECT_EQ(out.at("yard")["occupancy"], 1);
  EXPECT_EQ(out.at("building")["occupancy"], 1);
}

TEST_F(ZoneStatesTest, TheAlarmStateFollowsThePanelsEvents) {
  struct Step {
    K kind;
    const char* alarm;
    bool armed;
  };
  const Step steps[] = {
      {K::alarm_arming, "exit_delay", false},  // people may still leave
      {K::alarm_armed, "armed", true},        {K::alarm_entry_delay, "entry_delay", true},
      {K::alarm_intrusion, "alarm", true},    {K::alarm_disarmed, "disarmed", false},
  };
  int t = 1;
  for (const auto& step : steps) {
    const auto changed = alarm(step.kind, t++);
    ASSERT_EQ(changed.size(), 1u) << step.alarm;
    EXPECT_EQ(changed.at("lab")["alarm"], step.alarm);
    EXPECT_EQ(changed.at("lab")["armed"], step.armed) << step.alarm;
  }
  EXPECT_TRUE(alarm(K::alarm_disarmed, t).empty()) << "no change, no message";
}

TEST_F(ZoneStatesTest, ALockdownClosesTheZoneAndEveryZoneInsideItUntilReleased) {
  core::Lockdowns orders;
  core::LockdownOrder order;
  order.zone = core::ZoneId("floor2");
  order.ordered_by = "ops";
  orders.set(order);
  const auto set = by_zone(states_->set_lockdowns(orders, zone_state_at(1)));
  ASSERT_EQ(set.size(), 2u);  // floor2 and the lab inside it
  EXPECT_EQ(set.at("lab")["lockdown"], true);
  EXPECT_EQ(set.at("lab")["lockdown_zone"], "floor2");
  EXPECT_TRUE(by_zone(states_->set_lockdowns(orders, zone_state_at(2))).empty());

  orders.release(core::ZoneId("floor2"));
  const auto released = by_zone(states_->set_lockdowns(orders, zone_state_at(3)));
  ASSERT_EQ(released.size(), 2u);
  EXPECT_EQ(released.at("floor2")["lockdown"], false);
}

TEST_F(ZoneStatesTest, EventsThatAreNotAboutZonesChangeNothing) {
  core::Event e;
  e.kind = K::door_forced;
  e.door = core::DoorId("lobby");
  e.zone = core::ZoneId("lab");
  EXPECT_TRUE(states_->observe(e).empty());
  core::Event unknown_person;  // an entry with no person moves nobody
  unknown_person.kind = K::entry;
  unknown_person.zone = core::ZoneId("lab");
  EXPECT_TRUE(states_->observe(unknown_person).empty());
}

}  // namespace
}  // namespace vigil::mqtt
