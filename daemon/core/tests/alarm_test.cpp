// Alarm zones on explicit event times: exit and entry delays, instant
// sensors, the open-at-arming rule, levels read at (re)connect, disarming
// by card and by command, and the state rebuilt after a restart.
#include <gtest/gtest.h>

#include "vigil/core/alarm.hpp"
#include "vigil/core/incident.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using Kinds = std::vector<std::string>;

const PointRef kDoor{DeviceId("io1"), PointKind::discrete_input, 0};
const PointRef kPir{DeviceId("io1"), PointKind::discrete_input, 5};
const PointRef kPanic{DeviceId("io1"), PointKind::discrete_input, 6};
const ZoneId kStore("store");

AlarmZone store_zone() {
  AlarmZone z;
  z.id = kStore;
  z.name = "Store";
  z.exit_delay = 30s;
  z.entry_delay = 20s;
  z.sensors = {{"front-door", kDoor, SensorKind::contact, true},
               {"store-pir", kPir, SensorKind::motion, false},
               {"panic-button", kPanic, SensorKind::panic, false}};
  z.disarm_readers = {ReaderId("store-in")};
  return z;
}

class Rig {
 public:
  Rig() : panel_({store_zone()}) {}

  Moment at(Duration d) const { return {TimePoint{std::chrono::hours(500'000)} + d, mono0_ + d}; }
  void arm(Duration d, bool bypass = false) {
    run_until(d);
    take(panel_.arm(kStore, AlarmActor{"alice-ops", {}, {}}, bypass, at(d)));
  }
  void disarm(Duration d) {
    run_until(d);
    take(panel_.disarm(kStore, AlarmActor{"alice-ops", {}, {}}, at(d)));
  }
  void level(const PointRef& p, bool v, Duration d, bool initial = false) {
    run_until(d);
    take(panel_.point(PointChanged{p, v, at(d).wall, at(d).mono, initial}));
  }
  void granted(const char* reader, Duration d, bool offline = false) {
    run_until(d);
    Event e;
    e.kind = EventKind::access_granted;
    e.time = at(d).wall;
    e.mono = at(d).mono;
    e.reader = ReaderId(reader);
    e.person = PersonId("bob");
    if (offline) set_attr(e.attrs, "offline", true);
    take(panel_.observe(e));
  }
  void run_until(Duration d) {
    while (auto next = panel_.next_deadline()) {
      if (*next > at(d).mono) break;
      take(panel_.advance(at(*next - mono0_)));
    }
    take(panel_.advance(at(d)));
  }
  AlarmState state() const { return *panel_.state(kStore); }
  Kinds kinds() const {
    Kinds out;
    for (const auto& e : events_) out.emplace_back(to_string(e.kind));
    return out;
  }
  const Event* find(EventKind k) const {
    for (const auto& e : events_)
      if (e.kind == k) return &e;
    return nullptr;
  }
  const std::vector<Event>& events() const { return events_; }
  AlarmPanel& panel() { return panel_; }

 private:
  void take(Effects fx) {
    for (auto& e : fx.events) events_.push_back(std::move(e));
  }
  AlarmPanel panel_;
  MonoTime mono0_{std::chrono::hours(7)};
  std::vector<Event> events_;
};

TEST(AlarmZone, ArmsWhenTheExitDelayEndsOnTheMonotonicClock) {
  Rig r;
  r.level(kDoor, false, 0s, true);
  r.level(kPir, false, 0s, true);
  r.arm(1s);
  EXPECT_EQ(r.state(), AlarmState::exit_delay);
  const Event* arming = r.find(EventKind::alarm_arming);
  ASSERT_TRUE(arming);
  EXPECT_EQ(attr_text(arming->attrs, "operator"), "alice-ops");
  EXPECT_EQ(attr_int(arming->attrs, "exit_delay_ms"), 30'000);
  EXPECT_EQ(*arming->zone, kStore);
  r.run_until(30s);
  EXPECT_EQ(r.state(), AlarmState::exit_delay);  // 29 s after arming
  r.run_until(31s);
  EXPECT_EQ(r.state(), AlarmState::armed);
  const Event* armed = r.find(EventKind::alarm_armed);
  ASSERT_TRUE(armed);
  EXPECT_EQ(armed->mono, r.at(31s).mono);  // stamped when due, not when noticed
}

// Sensor openings around the exit delay (armed at 0 s, exit delay 30 s).
struct ExitCase {
  const char* name;
  PointRef sensor;
  Duration opens;
  Duration closes;  // zero: stays open
  AlarmState expected_at_60s;
};

TEST(AlarmZone, SensorsDuringAndAfterTheExitDelay) {
  const ExitCase cases[] = {
      {"pir during exit delay ignored", kPir, 10s, 12s, AlarmState::armed},
      {"door used to leave during exit delay", kDoor, 28s, 29s, AlarmState::armed},
      {"pir just after exit delay is instant", kPir, 30s, 31s, AlarmState::alarm},
      {"door after exit delay starts entry delay", kDoor, 45s, 46s, AlarmState::entry_delay},
      {"door open past the end of the exit delay", kDoor, 25s, 0s, AlarmState::alarm},
      {"pir still active at the end of exit delay", kPir, 29s, 0s, AlarmState::alarm},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Rig r;
    r.level(kDoor, false, 0s, true);
    r.level(kPir, false, 0s, true);
    r.arm(0s);
    r.level(c.sensor, true, c.opens);
    if (c.closes > 0s) r.level(c.sensor, false, c.closes);
    r.run_until(60s);
    EXPECT_EQ(r.state(), c.expected_at_60s);
  }
}

// Entry delay 20 s from the door opening at 100 s: a disarm before it ends
// cancels it; at or after its end the intrusion has been raised.
struct EntryCase {
  Duration disarm_after_opening;
  bool intrusion;
};

TEST(AlarmZone, DisarmInsideTheEntryDelayCancelsItLaterIsAnIntrusion) {
  const EntryCase cases[] = {
      {1s, false}, {19'999ms, false}, {20s, true}, {25s, true}, {5min, true}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.disarm_after_opening.count());
    Rig r;
    r.level(kDoor, false, 0s, true);
    r.arm(0s);
    r.level(kDoor, true, 100s);
    EXPECT_EQ(r.state(), AlarmState::entry_delay);
    r.disarm(100s + c.disarm_after_opening);
    EXPECT_EQ(r.state(), AlarmState::disarmed);
    const Event* intrusion = r.find(EventKind::alarm_intrusion);
    EXPECT_EQ(intrusion != nullptr, c.intrusion);
    const Event* disarmed = r.find(EventKind::alarm_disarmed);
    ASSERT_TRUE(disarmed);
    EXPECT_EQ(attr_text(disarmed->attrs, "previous"), c.intrusion ? "alarm" : "entry_delay");
    if (intrusion) {
      EXPECT_EQ(attr_text(intrusion->attrs, "cause"), "entry_delay_expired");
      EXPECT_EQ(intrusion->mono, r.at(120s).mono);
      auto incident = IncidentRules{}.observe(*intrusion);
      ASSERT_TRUE(incident);
      EXPECT_EQ(incident->kind, IncidentKind::intrusion);
      EXPECT_EQ(incident->severity, Severity::critical);
    }
  }
}

TEST(AlarmZone, NonEntryRouteSensorInArmedZoneIsAnInstantIntrusion) {
  Rig r;
  r.level(kPir, false, 0s, true);
  r.arm(0s);
  r.level(kPir, true, 40s);
  EXPECT_EQ(r.state(), AlarmState::alarm);
  const Event* intrusion = r.find(EventKind::alarm_intrusion);
  ASSERT_TRUE(intrusion);
  EXPECT_EQ(attr_text(intrusion->attrs, "cause"), "instant");
  EXPECT_EQ(attr_text(intrusion->attrs, "sensor"), "store-pir");
  EXPECT_EQ(attr_text(intrusion->attrs, "point"), "io1/input/5");
  EXPECT_EQ(attr_text(intrusion->attrs, "sensor_kind"), "motion");
}

TEST(AlarmZone, ArmingWithAnActiveSensorIsRefusedNamingIt) {
  Rig r;
  r.level(kPir, true, 0s, true);
  r.arm(1s);
  EXPECT_EQ(r.state(), AlarmState::disarmed);
  EXPECT_EQ(r.kinds(), (Kinds{"alarm_arm_refused"}));
  EXPECT_EQ(attr_text(r.events()[0].attrs, "open"), "store-pir");
}

TEST(AlarmZone, BypassedSensorCountsAgainOnceSeenInactive) {
  Rig r;
  r.level(kPir, true, 0s, true);
  r.level(kPir, false, 0s);
  r.level(kPir, true, 0s);  // active now, live level
  r.arm(1s, true);
  const Event* arming = r.find(EventKind::alarm_arming);
  ASSERT_TRUE(arming);
  EXPECT_EQ(attr_text(arming->attrs, "bypassed"), "store-pir");
  r.run_until(40s);
  EXPECT_EQ(r.state(), AlarmState::armed);  // bypassed: no alarm at exit delay end
  r.level(kPir, false, 50s);
  r.level(kPir, true, 60s);
  EXPECT_EQ(r.state(), AlarmState::alarm);
}

TEST(AlarmZone, EntryRouteDoorOpenAtArmingIsAllowed) {
  Rig r;
  r.level(kDoor, true, 0s, true);
  r.arm(1s);
  EXPECT_EQ(r.state(), AlarmState::exit_delay);
  r.level(kDoor, false, 10s);
  r.run_until(40s);
  EXPECT_EQ(r.state(), AlarmState::armed);
}

TEST(AlarmZone, LevelReadAtReconnectIsStateNotAnOpening) {
  Rig r;
  r.level(kPir, false, 0s, true);
  r.level(kDoor, false, 0s, true);
  r.arm(0s);
  r.run_until(31s);
  ASSERT_EQ(r.state(), AlarmState::armed);
  // The module reconnects and reports both sensors active: state.
  r.level(kPir, true, 100s, true);
  r.level(kDoor, true, 100s, true);
  EXPECT_EQ(r.state(), AlarmState::armed);
  EXPECT_FALSE(r.find(EventKind::alarm_intrusion));
  EXPECT_FALSE(r.find(EventKind::alarm_entry_delay));
  // Seen inactive, then active again: a real opening.
  r.level(kPir, false, 110s);
  r.level(kPir, true, 120s);
  EXPECT_EQ(r.state(), AlarmState::alarm);
}

TEST(AlarmZone, GrantedCardAtADisarmReaderDisarmsOthersDoNot) {
  Rig r;
  r.level(kDoor, false, 0s, true);
  r.arm(0s);
  r.level(kDoor, true, 100s);
  r.granted("lobby-in", 105s);
  EXPECT_EQ(r.state(), AlarmState::entry_delay);
  r.granted("store-in", 106s, true);  // a door board's offline decision: history
  EXPECT_EQ(r.state(), AlarmState::entry_delay);
  r.granted("store-in", 107s);
  EXPECT_EQ(r.state(), AlarmState::disarmed);
  const Event* disarmed = r.find(EventKind::alarm_disarmed);
  ASSERT_TRUE(disarmed);
  EXPECT_EQ(*disarmed->person, PersonId("bob"));
  EXPECT_EQ(*disarmed->reader, ReaderId("store-in"));
  EXPECT_EQ(attr_text(disarmed->attrs, "by"), "card");
  r.run_until(200s);
  EXPECT_FALSE(r.find(EventKind::alarm_intrusion));
}

TEST(AlarmZone, PanicIsLiveWhetherArmedOrNot) {
  Rig r;
  r.level(kPanic, false, 0s, true);
  r.level(kPanic, true, 5s);
  EXPECT_EQ(r.state(), AlarmState::disarmed);
  const Event* panic = r.find(EventKind::alarm_panic);
  ASSERT_TRUE(panic);
  auto incident = IncidentRules{}.observe(*panic);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->kind, IncidentKind::panic);
  EXPECT_EQ(incident->severity, Severity::critical);
}

TEST(AlarmZone, StateIsRebuiltFromTheJournalAndDelaysRestartInFull) {
  Rig before;
  before.level(kDoor, false, 0s, true);
  before.arm(0s);
  before.level(kDoor, true, 100s);  // entry delay running when vigild stops
  auto states = alarm_states_from(before.events());
  ASSERT_EQ(states.count(kStore), 1u);
  EXPECT_EQ(states[kStore], AlarmState::entry_delay);

  Rig after;
  after.panel().restore(kStore, states[kStore], after.at(0s));
  EXPECT_EQ(after.state(), AlarmState::entry_delay);
  after.run_until(19s);
  EXPECT_EQ(after.state(), AlarmState::entry_delay);
  after.run_until(20s);
  EXPECT_EQ(after.state(), AlarmState::alarm);
  // The restore and what followed fold back to the same state.
  std::vector<Event> all = before.events();
  Effects restored = Rig{}.panel().restore(kStore, AlarmState::armed, after.at(0s));
  all.insert(all.end(), restored.events.begin(), restored.events.end());
  EXPECT_EQ(alarm_states_from(all)[kStore], AlarmState::armed);
  Rig disarmed;
  disarmed.level(kDoor, false, 0s, true);
  disarmed.arm(0s);
  disarmed.disarm(5s);
  EXPECT_EQ(alarm_states_from(disarmed.events())[kStore], AlarmState::disarmed);
}

// A cut or short on a sensor's EOL line is that sensor's tamper in its zone,
// armed or not; a line no sensor names stays the device's.
TEST(AlarmPanel, ASensorsCutLineIsATamperIncidentInItsZone) {
  Event cut;
  cut.kind = EventKind::line_tamper;
  cut.device = DeviceId("io2");
  cut.zone = ZoneId("store");
  set_attr(cut.attrs, "point", std::string("io2/loop0"));
  set_attr(cut.attrs, "state", std::string("cut"));
  set_attr(cut.attrs, "sensor", std::string("window"));
  const auto incident = IncidentRules{}.observe(cut);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->kind, IncidentKind::tamper);
  EXPECT_EQ(incident->event.zone, ZoneId("store"));
  EXPECT_EQ(incident->summary, "Tamper: sensor window in zone store: its line io2/loop0 reads cut");
  Event bare = cut;
  bare.zone.reset();
  bare.attrs.clear();
  set_attr(bare.attrs, "point", std::string("io2/loop1"));
  set_attr(bare.attrs, "state", std::string("short"));
  const auto device = IncidentRules{}.observe(bare);
  ASSERT_TRUE(device);
  EXPECT_EQ(device->summary.find("sensor"), std::string::npos) << device->summary;
}

}  // namespace
}  // namespace vigil::core
