// Door mode `unlocked` (issue 8, rule 9): a lobby door held unlocked by day,
// on the site's local time across both daylight-saving changes, relocked at
// the end of its window and by a lockdown of its zone.
#include <gtest/gtest.h>

#include "site_fixture.hpp"
#include "vigil/core/controller.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using testing::at_utc;
using testing::kMonday;

constexpr int kBerlinSpringForward = 20541;  // 2026-03-29: 02:00 CET -> 03:00 CEST
constexpr int kBerlinFallBack = 20751;       // 2026-10-25: 03:00 CEST -> 02:00 CET

TimeZone sched_berlin() {
  return TimeZone("Europe/Berlin", 3600, {{1774746000, 7200}, {1792890000, 3600}});
}

// The lobby door is held unlocked 08:00-18:00 every day, Berlin time.
Site lobby_by_day_site() {
  Site site = testing::make_site();
  site.time_zone = sched_berlin();
  site.doors[0].mode = DoorMode::unlocked;
  site.doors[0].unlocked_schedule = {WeeklyWindow{0x7f, 8 * 60, 18 * 60}};
  return site;
}

bool sched_has_event(const Effects& e, EventKind kind, const char* cause) {
  for (const auto& ev : e.events) {
    if (ev.kind != kind) continue;
    const auto* c = find_attr(ev.attrs, "cause");
    if (c != nullptr && std::get<std::string>(*c) == cause) return true;
  }
  return false;
}

TEST(DoorSchedule, HeldUnlockedInsideItsLocalWindowsAcrossBothDstChanges) {
  const Site site = lobby_by_day_site();
  const PeopleDirectory people = testing::make_people();
  struct Case {
    const char* what;
    TimePoint wall;
    bool held;
  };
  const Case cases[] = {
      {"winter 07:59 local", at_utc(kMonday, 6, 59), false},
      {"winter 08:00 local", at_utc(kMonday, 7, 0), true},
      {"winter 17:59 local", at_utc(kMonday, 16, 59), true},
      {"winter 18:00 local (end is exclusive)", at_utc(kMonday, 17, 0), false},
      {"spring-forward day 07:59 CEST", at_utc(kBerlinSpringForward, 5, 59), false},
      {"spring-forward day 08:00 CEST", at_utc(kBerlinSpringForward, 6, 0), true},
      {"spring-forward day 18:00 CEST", at_utc(kBerlinSpringForward, 16, 0), false},
      {"fall-back day 07:59 CET", at_utc(kBerlinFallBack, 6, 59), false},
      {"fall-back day 08:00 CET", at_utc(kBerlinFallBack, 7, 0), true},
      {"fall-back day 17:59 CET", at_utc(kBerlinFallBack, 16, 59), true},
      {"fall-back day 18:00 CET", at_utc(kBerlinFallBack, 17, 0), false},
  };
  for (const auto& c : cases) {
    Controller controller(site, people);
    controller.start(c.wall, MonoTime{1h});
    EXPECT_EQ(controller.door(DoorId("lobby-main"))->schedule_held(), c.held) << c.what;
    EXPECT_EQ(controller.door(DoorId("lobby-main"))->unlocked(), c.held) << c.what;
    // The server door has no schedule: never held.
    EXPECT_FALSE(controller.door(DoorId("server-door"))->unlocked()) << c.what;
  }
}

class DoorScheduleController : public ::testing::Test {
 protected:
  Effects tick(TimePoint wall) { return controller_.advance(wall, mono(wall)); }
  MonoTime mono(TimePoint wall) { return MonoTime{1h} + (wall - start_); }
  Effects confirm(const Effects& e, TimePoint wall) {
    Effects out;
    for (const auto& o : e.outputs) {
      out.append(controller_.handle(
          OutputResult{o.point, o.write_id, o.value, true, "", wall, mono(wall)}));
    }
    return out;
  }

  Site site_ = lobby_by_day_site();
  PeopleDirectory people_ = testing::make_people();
  Controller controller_{site_, people_};
  TimePoint start_ = at_utc(kMonday, 6, 58);  // 07:58 local
};

TEST_F(DoorScheduleController, UnlocksAtTheStartAndRelocksAtTheEndThroughConfirmedWrites) {
  confirm(controller_.start(start_, mono(start_)), start_);
  EXPECT_FALSE(controller_.door(DoorId("lobby-main"))->unlocked());
  // The Controller asks to be woken at the next minute boundary.
  ASSERT_TRUE(controller_.next_deadline());
  EXPECT_LE(*controller_.next_deadline(), mono(at_utc(kMonday, 6, 59)) + 1ms);

  const Effects at_8 = tick(at_utc(kMonday, 7, 0));
  ASSERT_EQ(at_8.outputs.size(), 1u);
  EXPECT_TRUE(at_8.outputs[0].value);  // fail-secure: energised = unlocked
  // Journalled from the hardware's confirmation, not the command.
  EXPECT_FALSE(sched_has_event(at_8, EventKind::door_unlocked, "schedule"));
  EXPECT_TRUE(
      sched_has_event(confirm(at_8, at_utc(kMonday, 7, 0)), EventKind::door_unlocked, "schedule"));

  // People walk in and out all day: no held-open alarm, no forced door, no
  // relock after a passage.
  const DoorStateMachine& door = *controller_.door(DoorId("lobby-main"));
  controller_.handle(
      PointChanged{door.door().contact, true, at_utc(kMonday, 9, 0), mono(at_utc(kMonday, 9, 0))});
  const Effects open_long = tick(at_utc(kMonday, 9, 5));
  for (const auto& e : open_long.events) EXPECT_NE(e.kind, EventKind::door_held_open);
  controller_.handle(
      PointChanged{door.door().contact, false, at_utc(kMonday, 9, 6), mono(at_utc(kMonday, 9, 6))});
  EXPECT_TRUE(tick(at_utc(kMonday, 9, 7)).outputs.empty());
  // A card read inside the window is granted without a second write.
  const Effects granted =
      controller_.handle(CardPresented{ReaderId("lobby-in"), CardNumber{12, 1001}, "H10301",
                                       at_utc(kMonday, 10, 0), mono(at_utc(kMonday, 10, 0))});
  EXPECT_EQ(granted.events.at(0).kind, EventKind::access_granted);
  EXPECT_TRUE(granted.outputs.empty());

  const Effects at_18 = tick(at_utc(kMonday, 17, 0));
  ASSERT_EQ(at_18.outputs.size(), 1u);
  EXPECT_FALSE(at_18.outputs[0].value);
  EXPECT_TRUE(sched_has_event(confirm(at_18, at_utc(kMonday, 17, 0)), EventKind::door_relocked,
                              "schedule_end"));
  EXPECT_FALSE(controller_.door(DoorId("lobby-main"))->unlocked());
}

TEST_F(DoorScheduleController, AScheduleStartingDuringAGrantsPulseIsWrittenAndJournalled) {
  confirm(controller_.start(start_, mono(start_)), start_);
  const TimePoint card_at = at_utc(kMonday, 6, 59, 58);  // 07:59:58 local
  const Effects granted = controller_.handle(
      CardPresented{ReaderId("lobby-in"), CardNumber{12, 1001}, "H10301", card_at, mono(card_at)});
  ASSERT_EQ(granted.outputs.size(), 1u);
  confirm(granted, card_at);

  // The schedule takes over the released lock: the module is asked again,
  // and its answer is the record of why the door stays released.
  const Effects at_8 = tick(at_utc(kMonday, 7, 0));
  ASSERT_EQ(at_8.outputs.size(), 1u);
  EXPECT_TRUE(at_8.outputs[0].value);
  EXPECT_TRUE(
      sched_has_event(confirm(at_8, at_utc(kMonday, 7, 0)), EventKind::door_unlocked, "schedule"));
  // The grant's pulse ends inside the window: nothing relocks.
  EXPECT_TRUE(tick(at_utc(kMonday, 7, 1)).outputs.empty());
  EXPECT_TRUE(controller_.door(DoorId("lobby-main"))->unlocked());
}

TEST_F(DoorScheduleController, ALockdownWinsAndTheScheduleResumesAtItsRelease) {
  confirm(controller_.start(start_, mono(start_)), start_);
  confirm(tick(at_utc(kMonday, 7, 0)), at_utc(kMonday, 7, 0));
  ASSERT_TRUE(controller_.door(DoorId("lobby-main"))->unlocked());

  const TimePoint t = at_utc(kMonday, 9, 0);
  Lockdowns orders;
  orders.set(LockdownOrder{ZoneId("lobby"), "guard-1", t, "intruder"});
  const Effects locked = controller_.handle(LockdownChanged{orders, t, mono(t)});
  ASSERT_EQ(locked.outputs.size(), 1u);
  EXPECT_FALSE(locked.outputs[0].value);
  EXPECT_TRUE(sched_has_event(confirm(locked, t), EventKind::door_relocked, "lockdown"));
  // Minutes later, still inside the window: the lockdown keeps it locked.
  EXPECT_TRUE(tick(at_utc(kMonday, 9, 30)).outputs.empty());
  EXPECT_FALSE(controller_.door(DoorId("lobby-main"))->unlocked());

  const TimePoint r = at_utc(kMonday, 10, 0);
  const Effects released = controller_.handle(LockdownChanged{Lockdowns{}, r, mono(r)});
  ASSERT_EQ(released.outputs.size(), 1u);
  EXPECT_TRUE(released.outputs[0].value);
  EXPECT_TRUE(sched_has_event(confirm(released, r), EventKind::door_unlocked, "schedule"));
}

TEST_F(DoorScheduleController, FireAndSafeStateWinOverTheSchedule) {
  confirm(controller_.start(start_, mono(start_)), start_);
  confirm(tick(at_utc(kMonday, 7, 0)), at_utc(kMonday, 7, 0));
  const TimePoint t = at_utc(kMonday, 9, 0);
  controller_.fire_release({DoorId("lobby-main")}, true, t, mono(t));
  // The fire ends inside the window: the door stays unlocked.
  const TimePoint reset = at_utc(kMonday, 9, 30);
  controller_.fire_release({DoorId("lobby-main")}, false, reset, mono(reset));
  EXPECT_TRUE(controller_.door(DoorId("lobby-main"))->unlocked());
  // Stopping locks it (fail-secure), and no later tick reopens it.
  const TimePoint stop = at_utc(kMonday, 10, 0);
  const Effects safe = controller_.safe_state("stop", stop, mono(stop));
  ASSERT_FALSE(safe.outputs.empty());
  EXPECT_FALSE(safe.outputs.back().value);
  EXPECT_TRUE(tick(at_utc(kMonday, 10, 5)).outputs.empty());
}

}  // namespace
}  // namespace vigil::core
