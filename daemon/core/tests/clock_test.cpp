// Two clocks: durations on the monotonic clock, events stamped with the wall
// clock, and a wall-clock step is itself an event.
#include <gtest/gtest.h>

#include "door_harness.hpp"
#include "vigil/core/incident.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using testing::DoorHarness;

class WallClockStepDuringPulse : public ::testing::TestWithParam<Duration> {};

TEST_P(WallClockStepDuringPulse, LeavesThePulseLengthAloneAndIsJournalled) {
  const Duration step = GetParam();
  DoorHarness h;
  h.swipe(0s);
  h.shift_wall(step);
  h.run_until(2s);
  const Event* jump = h.find(EventKind::clock_jump);
  ASSERT_NE(jump, nullptr);
  EXPECT_EQ(attr_int(jump->attrs, "old"), to_unix_micros(h.t0_ + 2s));
  EXPECT_EQ(attr_int(jump->attrs, "new"), to_unix_micros(h.t0_ + 2s + step));
  EXPECT_EQ(attr_int(jump->attrs, "delta_us"), step.count());
  EXPECT_EQ(jump->mono, h.at(2s).mono);
  auto incident = IncidentRules{}.observe(*jump);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->kind, IncidentKind::clock_jump);
  EXPECT_EQ(incident->severity, Severity::warning);

  // The pulse still ends 5 s after the grant on the monotonic clock; the
  // relock is stamped with the (stepped) wall clock.
  EXPECT_EQ(h.controller().next_deadline(), h.at(5s).mono);
  h.run_until(5s - 1us);
  EXPECT_TRUE(h.lobby().unlocked());
  h.run_until(5s);
  EXPECT_FALSE(h.lobby().unlocked());
  const Event& relocked = h.events().back();
  EXPECT_EQ(relocked.kind, EventKind::door_relocked);
  EXPECT_EQ(relocked.time, h.t0_ + 5s + step);
  EXPECT_EQ(relocked.mono, h.at(5s).mono);
  EXPECT_EQ(h.count(EventKind::clock_jump), 1u);  // reported once, not on every tick
}

INSTANTIATE_TEST_SUITE_P(Steps, WallClockStepDuringPulse, ::testing::Values(-1h, 1h),
                         [](const auto& info) {
                           return std::string(info.param < Duration::zero() ? "back" : "forward");
                         });

TEST(Clock, StepsUpToTheThresholdAreNotJumps) {
  struct Case {
    Duration step;
    bool jump;
  };
  for (const Case c : {Case{2s, false}, Case{-2s, false}, Case{2s + 1us, true},
                       Case{-2s - 1us, true}, Case{500ms, false}}) {
    SCOPED_TRACE(c.step.count());
    DoorHarness h;
    h.run_until(1s);
    h.shift_wall(c.step);
    h.run_until(2s);
    EXPECT_EQ(h.count(EventKind::clock_jump), c.jump ? 1u : 0u);
  }
}

TEST(Clock, ThresholdIsAnOption) {
  DoorHarness h(testing::make_site(), ControllerOptions{100ms});
  h.run_until(1s);
  h.shift_wall(500ms);
  h.run_until(2s);
  EXPECT_EQ(h.count(EventKind::clock_jump), 1u);
}

TEST(Clock, HeldOpenIsStampedAtItsDeadlineWhenTheTickComesLate) {
  DoorHarness h;
  h.contact(true, 0s);
  h.run_until(1s);
  // The shell's timer fires 9 s late: the event still says when it was due.
  Effects fx = h.controller().advance(h.at(40s).wall, h.at(40s).mono);
  ASSERT_EQ(fx.events.size(), 1u);
  EXPECT_EQ(fx.events[0].kind, EventKind::door_held_open);
  EXPECT_EQ(fx.events[0].time, h.at(30s).wall);
  EXPECT_EQ(fx.events[0].mono, h.at(30s).mono);
}

TEST(Clock, EventsCarryTheirInputsMonotonicTime) {
  DoorHarness h;
  h.swipe(0s);
  h.contact(true, 1s);
  h.run_until(2s);
  for (const auto& e : h.events()) EXPECT_NE(e.mono, MonoTime{}) << to_string(e.kind);
  EXPECT_EQ(h.find(EventKind::access_granted)->mono, h.at(0s).mono);
  EXPECT_EQ(h.find(EventKind::entry)->mono, h.at(1s).mono);
}

}  // namespace
}  // namespace vigil::core
