// Fire release on explicit event times: the fire input releases the egress
// doors over every other rule, a lost input releases too, and only the
// input cleared AND an operator's reset relock them.
#include <gtest/gtest.h>

#include "site_fixture.hpp"
#include "vigil/core/controller.hpp"
#include "vigil/core/fire.hpp"
#include "vigil/core/incident.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;

const PointRef kFire{DeviceId("fire1"), PointKind::discrete_input, 0};
const PointRef kLobbyLock{DeviceId("io1"), PointKind::coil, 0};
const PointRef kServerLock{DeviceId("io1"), PointKind::coil, 1};
const PointRef kLobbyContact{DeviceId("io1"), PointKind::discrete_input, 0};

Site mixed_site() {
  Site s = testing::make_site();
  s.doors[0].fail_mode = FailMode::secure;  // lobby-main: strike, energised = released
  s.doors[1].fail_mode = FailMode::safe;    // server-door: maglock, de-energised = released
  return s;
}

// The shell's wiring, as vigild does it: fire steps hold the doors.
class FireRig {
 public:
  explicit FireRig(bool release_on_loss = true)
      : site_(mixed_site()),
        people_(testing::make_people()),
        controller_(site_, people_),
        fire_(FireConfig{{{"fire-panel", kFire}},
                         {DoorId("lobby-main"), DoorId("server-door")},
                         release_on_loss}) {
    take(controller_.start(at(0s).wall, at(0s).mono), 0s);
  }
  Moment at(Duration d) const { return {testing::at_utc(testing::kMonday, 9, 0) + d, mono0_ + d}; }
  void fire_level(bool v, Duration d, bool initial = false) {
    step(fire_.point(PointChanged{kFire, v, at(d).wall, at(d).mono, initial}), d);
  }
  void fire_device(bool online, Duration d) {
    step(fire_.device_status(
             DeviceStatusChanged{DeviceId("fire1"), online, "", at(d).wall, at(d).mono}),
         d);
  }
  void reset(Duration d) { step(fire_.reset("oscar", at(d)), d); }
  void input(const Input& in, Duration d) {
    run_until(d);
    take(controller_.handle(in), d);
  }
  void swipe(Duration d) {
    input(
        CardPresented{ReaderId("lobby-in"), CardNumber{12, 1001}, "H10301", at(d).wall, at(d).mono},
        d);
  }
  void contact(bool open, Duration d) {
    input(PointChanged{kLobbyContact, open, at(d).wall, at(d).mono}, d);
  }
  void run_until(Duration d) {
    while (auto next = controller_.next_deadline()) {
      if (*next > at(d).mono) break;
      const Duration when = *next - mono0_;
      take(controller_.advance(at(when).wall, at(when).mono), when);
    }
  }
  // The last value written to a lock: what the relay holds.
  std::optional<bool> lock_output(const PointRef& p) const {
    std::optional<bool> v;
    for (const auto& o : outputs_)
      if (o.point == p) v = o.value;
    return v;
  }
  bool lobby_released() const { return lock_output(kLobbyLock) == true; }     // strike energised
  bool server_released() const { return lock_output(kServerLock) == false; }  // maglock off
  const Event* find(EventKind k) const {
    for (const auto& e : events_)
      if (e.kind == k) return &e;
    return nullptr;
  }
  std::size_t count(EventKind k) const {
    std::size_t n = 0;
    for (const auto& e : events_) n += e.kind == k ? 1 : 0;
    return n;
  }
  Controller& controller() { return controller_; }
  const FireRelease& fire() const { return fire_; }

 private:
  void step(FireStep s, Duration d) {
    run_until(d);
    take(std::move(s.effects), d);
    if (s.hold) {
      take(controller_.fire_release(fire_.config().doors, *s.hold, at(d).wall, at(d).mono), d);
    }
  }
  void take(Effects fx, Duration d) {
    for (auto& e : fx.events) events_.push_back(std::move(e));
    for (const auto& o : fx.outputs) {
      outputs_.push_back(o);
      // The driver confirms at once.
      Effects r = controller_.handle(
          OutputResult{o.point, o.write_id, o.value, true, "", at(d).wall, at(d).mono});
      take(std::move(r), d);
    }
  }
  Site site_;
  PeopleDirectory people_;
  Controller controller_;
  FireRelease fire_;
  MonoTime mono0_{std::chrono::hours(3)};
  std::vector<Event> events_;
  std::vector<SetOutput> outputs_;
};

TEST(FireRelease, FireInputReleasesFailSafeAndFailSecureDoorsAtOnce) {
  FireRig r;
  ASSERT_FALSE(r.lobby_released());
  ASSERT_FALSE(r.server_released());
  r.fire_level(false, 0s, true);
  r.fire_level(true, 10s);
  EXPECT_TRUE(r.lobby_released());
  EXPECT_TRUE(r.server_released());
  const Event* release = r.find(EventKind::fire_release);
  ASSERT_TRUE(release);
  EXPECT_EQ(attr_text(release->attrs, "doors"), "lobby-main,server-door");
  EXPECT_EQ(attr_text(release->attrs, "input"), "fire-panel");
  EXPECT_EQ(release->mono, r.at(10s).mono);
  auto incident = IncidentRules{}.observe(*release);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->kind, IncidentKind::fire_release);
  EXPECT_EQ(incident->severity, Severity::critical);
  EXPECT_EQ(r.count(EventKind::door_released), 2u);  // confirmed by the driver, cause=fire
}

TEST(FireRelease, FireActiveAtConnectReleasesToo) {
  FireRig r;
  r.fire_level(true, 1s, true);  // life safety: a level, but a fire all the same
  EXPECT_TRUE(r.lobby_released());
  EXPECT_TRUE(r.server_released());
}

TEST(FireRelease, NoPulseEndCloseOrGrantRelocksAHeldDoor) {
  FireRig r;
  r.swipe(1s);  // a grant's pulse in progress when the fire starts
  r.fire_level(true, 2s);
  r.run_until(60s);  // the pulse would have ended at 6 s
  EXPECT_TRUE(r.lobby_released());
  r.contact(true, 70s);
  r.contact(false, 75s);
  r.run_until(120s);  // the relock delay after a close would have fired
  EXPECT_TRUE(r.lobby_released());
  r.swipe(130s);
  r.run_until(200s);
  EXPECT_TRUE(r.lobby_released());
  EXPECT_EQ(r.count(EventKind::door_forced), 0u);
  EXPECT_EQ(r.count(EventKind::door_held_open), 0u);
}

TEST(FireRelease, DoorHeldOpenWhenTheFireStartsIsNoLongerAnAlarm) {
  FireRig r;
  r.swipe(1s);
  r.contact(true, 2s);
  r.run_until(40s);  // held open past 30 s
  ASSERT_EQ(r.count(EventKind::door_held_open), 1u);
  r.fire_level(true, 41s);
  EXPECT_EQ(r.count(EventKind::door_held_open_cleared), 1u);
  EXPECT_TRUE(r.lobby_released());
  r.run_until(300s);
  EXPECT_EQ(r.count(EventKind::door_held_open), 1u);
}

TEST(FireRelease, SafeStateDuringAFireKeepsEscapeRoutesReleased) {
  FireRig r;
  r.fire_level(true, 1s);
  Effects fx = r.controller().safe_state("sigterm", r.at(5s).wall, r.at(5s).mono);
  // The fail-secure strike would de-energise (lock) on stop: held released.
  for (const auto& o : fx.outputs) {
    if (o.point == kLobbyLock) {
      EXPECT_TRUE(o.value);
    }
    if (o.point == kServerLock) {
      EXPECT_FALSE(o.value);
    }
  }
}

// Reset needs both the inputs cleared and an operator's reset, in any order
// the doors relock only once both hold.
struct ResetCase {
  const char* name;
  bool clear_first;
  bool reset_refused;
  bool relocked;
};

TEST(FireRelease, ResetNeedsTheInputClearedAndAnOperator) {
  const ResetCase cases[] = {
      {"input cleared, then reset: relocks", true, false, true},
      {"reset while the input is active: refused, stays released", false, true, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    FireRig r;
    r.fire_level(true, 1s);
    if (c.clear_first) r.fire_level(false, 100s);
    r.reset(110s);
    EXPECT_EQ(r.find(EventKind::fire_reset_refused) != nullptr, c.reset_refused);
    EXPECT_EQ(r.lobby_released(), !c.relocked);
    EXPECT_EQ(r.server_released(), !c.relocked);
    if (!c.clear_first) {
      // Clearing alone does not relock either: a person must reset.
      r.fire_level(false, 120s);
      EXPECT_TRUE(r.lobby_released());
      EXPECT_TRUE(r.find(EventKind::fire_input_cleared));
      r.reset(130s);
      EXPECT_FALSE(r.lobby_released());
      EXPECT_FALSE(r.server_released());
    }
    const Event* reset = r.find(EventKind::fire_reset);
    ASSERT_TRUE(reset);
    EXPECT_EQ(attr_text(reset->attrs, "operator"), "oscar");
  }
}

TEST(FireRelease, LostFireInputReleasesAndBlocksTheResetUntilReadAgain) {
  FireRig r;
  r.fire_level(false, 0s, true);
  r.fire_device(false, 5s);
  EXPECT_TRUE(r.lobby_released());
  EXPECT_EQ(attr_text(r.find(EventKind::fire_release)->attrs, "cause"), "fire_input_lost");
  r.reset(10s);
  EXPECT_TRUE(r.find(EventKind::fire_reset_refused));
  EXPECT_TRUE(r.lobby_released());
  r.fire_device(true, 20s);
  r.fire_level(false, 20s, true);  // the first reading after the reconnect
  r.reset(30s);
  EXPECT_FALSE(r.lobby_released());
}

TEST(FireRelease, LostInputCanBeConfiguredToOnlyReport) {
  FireRig r(false);
  r.fire_device(false, 5s);
  EXPECT_FALSE(r.lobby_released());
  EXPECT_FALSE(r.find(EventKind::fire_release));
}

TEST(FireRelease, DoorOpenAtResetRelocksWhenItCloses) {
  FireRig r;
  r.fire_level(true, 1s);
  r.contact(true, 5s);
  r.fire_level(false, 50s);
  r.reset(60s);
  EXPECT_TRUE(r.lobby_released());  // still open: no bolt into an open door
  r.contact(false, 70s);
  r.run_until(71s);
  EXPECT_FALSE(r.lobby_released());
}

}  // namespace
}  // namespace vigil::core
