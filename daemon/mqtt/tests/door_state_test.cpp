// A door's retained state as a guard's screen shows it, from the events the
// controller produces: confirmed lock changes only, alarms until the door
// closes, and a failed write leaves the lock "unknown", never "locked".
#include "vigil/mqtt/door_state.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace vigil::mqtt {
namespace {

using K = core::EventKind;

class DoorStatesTest : public ::testing::Test {
 protected:
  // Feeds one event at the door; the payload if the state changed.
  std::optional<nlohmann::json> feed(K kind, int second) {
    core::Event e;
    e.kind = kind;
    e.door = core::DoorId("lobby-main");
    e.time = core::from_unix_micros(1'790'000'000'000'000 + second * 1'000'000LL);
    auto changed = states_.observe(e);
    if (!changed) return std::nullopt;
    EXPECT_EQ(changed->first, core::DoorId("lobby-main"));
    return nlohmann::json::parse(changed->second);
  }

  DoorStates states_{core::SiteId("hq"), core::GatewayId("gw1")};
};

TEST_F(DoorStatesTest, EveryDoorStartsUnknownUntilTheHardwareSaysOtherwise) {
  const auto start = states_.start({core::DoorId("lobby-main"), core::DoorId("vault")},
                                   core::from_unix_micros(1'790'000'000'000'000));
  ASSERT_EQ(start.size(), 2u);
  const auto j = nlohmann::json::parse(start[1].second);
  EXPECT_EQ(j["door"], "vault");
  EXPECT_EQ(j["lock"], "unknown");
  EXPECT_EQ(j["contact"], "unknown");
  EXPECT_EQ(j["alarm"], "none");
  EXPECT_EQ(j["v"], 1);
}

TEST_F(DoorStatesTest, APassageWalksThroughUnlockedOpenClosedLocked) {
  struct Step {
    K kind;
    const char* lock;
    const char* contact;
  };
  int t = 0;
  for (const Step s :
       {Step{K::door_relocked, "locked", "unknown"}, Step{K::door_unlocked, "unlocked", "unknown"},
        Step{K::door_opened, "unlocked", "open"}, Step{K::door_closed, "unlocked", "closed"},
        Step{K::door_relocked, "locked", "closed"}}) {
    SCOPED_TRACE(core::to_string(s.kind));
    const auto j = feed(s.kind, ++t);
    ASSERT_TRUE(j);
    EXPECT_EQ((*j)["lock"], s.lock);
    EXPECT_EQ((*j)["contact"], s.contact);
    EXPECT_EQ((*j)["alarm"], "none");
  }
}

TEST_F(DoorStatesTest, AForcedDoorAlarmsUntilItClosesAndRepeatsAreNotRepublished) {
  ASSERT_TRUE(feed(K::door_closed, 1));
  const auto forced = feed(K::door_forced, 2);
  ASSERT_TRUE(forced);
  EXPECT_EQ((*forced)["alarm"], "forced");
  EXPECT_EQ((*forced)["contact"], "open");
  EXPECT_FALSE(feed(K::door_opened, 3)) << "already open: nothing new to publish";
  const auto closed = feed(K::door_closed, 4);
  ASSERT_TRUE(closed);
  EXPECT_EQ((*closed)["alarm"], "none");
  EXPECT_EQ((*closed)["since"],
            core::format_utc(core::from_unix_micros(1'790'000'000'000'000 + 4'000'000LL)));
}

TEST_F(DoorStatesTest, AFailedLockWriteMakesTheLockUnknownNotLocked) {
  ASSERT_TRUE(feed(K::door_relocked, 1));
  const auto j = feed(K::output_failed, 2);
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["lock"], "unknown");
  const auto released = feed(K::door_released, 3);
  ASSERT_TRUE(released);
  EXPECT_EQ((*released)["lock"], "released");
}

TEST_F(DoorStatesTest, EventsWithoutADoorChangeNothing) {
  core::Event e;
  e.kind = K::daemon_started;
  EXPECT_FALSE(states_.observe(e));
}

}  // namespace
}  // namespace vigil::mqtt
