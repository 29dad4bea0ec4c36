// A reload of the site config on a running Controller: the next decision
// follows the new rules, and no door loses its state (a pulse running, a
// write waiting for the hardware, a forced door, a lockdown).
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include "site_fixture.hpp"
#include "vigil/core/controller.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using testing::at_utc;
using testing::kMonday;

bool has_cause(const Effects& e, EventKind kind, const char* cause) {
  for (const auto& ev : e.events) {
    if (ev.kind != kind) continue;
    if (attr_text(ev.attrs, "cause") == std::string(cause)) return true;
  }
  return false;
}

const Event* find(const Effects& e, EventKind kind) {
  for (const auto& ev : e.events) {
    if (ev.kind == kind) return &ev;
  }
  return nullptr;
}

class ControllerReload : public ::testing::Test {
 protected:
  void SetUp() override { confirm(controller_.start(start_, mono(start_))); }
  TimePoint t(int seconds) const { return start_ + std::chrono::seconds(seconds); }
  MonoTime mono(TimePoint wall) const { return MonoTime{1h} + (wall - start_); }
  Effects at(int seconds) { return controller_.advance(t(seconds), mono(t(seconds))); }
  Effects confirm(const Effects& e) {
    Effects out;
    for (const auto& o : e.outputs) {
      out.append(controller_.handle(
          OutputResult{o.point, o.write_id, o.value, true, "", last_, mono(last_)}));
    }
    return out;
  }
  Effects card(const char* reader, std::uint64_t number, int seconds) {
    last_ = t(seconds);
    return controller_.handle(
        CardPresented{ReaderId(reader), CardNumber{12, number}, "H10301", last_, mono(last_)});
  }
  // The contact's level, and time past its debounce.
  Effects contact(const char* door, bool open, int seconds) {
    last_ = t(seconds);
    Effects out = controller_.handle(
        PointChanged{controller_.door(DoorId(door))->door().contact, open, last_, mono(last_)});
    last_ += 100ms;
    out.append(controller_.advance(last_, mono(last_)));
    return out;
  }
  // A new site from the running one, edited; kept alive like vigild keeps it.
  template <class Edit>
  Effects reload(int seconds, Edit edit) {
    auto next = std::make_unique<Site>(controller_.site());
    edit(*next);
    next->build_index();
    sites_.push_back(std::move(next));
    last_ = t(seconds);
    return controller_.reload(*sites_.back(), last_, mono(last_));
  }

  Site site_ = testing::make_site();
  PeopleDirectory people_ = testing::make_people();
  Controller controller_{site_, people_};
  TimePoint start_ = at_utc(kMonday, 10, 0);
  TimePoint last_ = start_;
  std::vector<std::unique_ptr<Site>> sites_;
};

TEST_F(ControllerReload, TheNextDecisionFollowsTheNewAccessLevels) {
  ASSERT_EQ(card("server-in", 1001, 1).events.at(0).reason, DenyReason::no_access_level);
  reload(2, [](Site& s) {
    s.access_levels[0].zones.push_back(ZoneId("server-room"));  // staff
    s.access_levels[1].zones = {ZoneId("lobby")};               // admins
  });
  const Effects alice = card("server-in", 1001, 3);
  EXPECT_EQ(alice.events.at(0).kind, EventKind::access_granted) << describe(alice.events.at(0));
  const Effects bob = card("server-in", 1002, 40);
  EXPECT_EQ(bob.events.at(0).reason, DenyReason::no_access_level) << describe(bob.events.at(0));
}

TEST_F(ControllerReload, APulseRunningKeepsItsEndAndTheNextPulseHasTheNewLength) {
  confirm(card("lobby-in", 1001, 0));  // 5 s pulse, to t+5
  ASSERT_TRUE(controller_.door(DoorId("lobby-main"))->unlocked());
  EXPECT_TRUE(reload(1, [](Site& s) { s.doors[0].unlock_time = 20s; }).outputs.empty());
  EXPECT_TRUE(controller_.door(DoorId("lobby-main"))->unlocked());
  const Effects end = at(5);
  ASSERT_EQ(end.outputs.size(), 1u) << "the pulse set before the reload ends when it was set to";
  EXPECT_FALSE(end.outputs[0].value);
  confirm(end);

  confirm(card("lobby-in", 1001, 10));
  EXPECT_TRUE(at(25).outputs.empty()) << "the new pulse is 20 s long";
  EXPECT_TRUE(controller_.door(DoorId("lobby-main"))->unlocked());
  EXPECT_EQ(at(30).outputs.size(), 1u);
}

TEST_F(ControllerReload, AWriteWaitingForTheHardwareIsJournalledFromItsAnswerAfterTheReload) {
  const Effects granted = card("lobby-in", 1001, 0);
  ASSERT_EQ(granted.outputs.size(), 1u);
  reload(1, [](Site& s) { s.doors[0].held_open_time = 60s; });
  EXPECT_TRUE(controller_.door(DoorId("lobby-main"))->output_pending());
  last_ = t(1);
  const Effects answered = confirm(granted);
  const Event* unlocked = find(answered, EventKind::door_unlocked);
  ASSERT_NE(unlocked, nullptr);
  EXPECT_EQ(unlocked->person, PersonId("alice"));
  EXPECT_FALSE(controller_.door(DoorId("lobby-main"))->output_pending());
}

TEST_F(ControllerReload, AForcedDoorStaysForcedAndItsHeldOpenAlarmStillComes) {
  const Effects forced = contact("server-door", true, 0);
  ASSERT_NE(find(forced, EventKind::door_forced), nullptr);
  reload(1, [](Site& s) { s.doors[1].held_open_time = 10s; });
  EXPECT_TRUE(controller_.door(DoorId("server-door"))->forced());
  // The held-open deadline set at the opening (30 s) stays.
  EXPECT_EQ(find(at(15), EventKind::door_held_open), nullptr);
  EXPECT_NE(find(at(31), EventKind::door_held_open), nullptr);
}

TEST_F(ControllerReload, ADoorPutIntoItsOpenScheduleIsReleasedAndPutBackRelocks) {
  const Effects into = reload(1, [](Site& s) {
    s.doors[0].mode = DoorMode::unlocked;
    s.doors[0].unlocked_schedule = {WeeklyWindow{0x7f, 8 * 60, 18 * 60}};
  });
  ASSERT_EQ(into.outputs.size(), 1u);
  EXPECT_TRUE(into.outputs[0].value);  // fail-secure: energised = unlocked
  EXPECT_TRUE(has_cause(confirm(into), EventKind::door_unlocked, "schedule"));
  EXPECT_TRUE(controller_.door(DoorId("lobby-main"))->schedule_held());

  const Effects back = reload(2, [](Site& s) { s.doors[0].mode = DoorMode::card; });
  ASSERT_EQ(back.outputs.size(), 1u);
  EXPECT_FALSE(back.outputs[0].value);
  last_ = t(2);
  EXPECT_TRUE(has_cause(confirm(back), EventKind::door_relocked, "config_reload"));
  EXPECT_FALSE(controller_.door(DoorId("lobby-main"))->unlocked());
  // And it is a card door again: an opening without a grant is forced.
  EXPECT_NE(find(contact("lobby-main", true, 5), EventKind::door_forced), nullptr);
}

TEST_F(ControllerReload, ALockdownInForceWinsOverAScheduleTheReloadOpens) {
  Lockdowns orders;
  orders.set(LockdownOrder{ZoneId("lobby"), "guard-1", t(0), "drill"});
  controller_.handle(LockdownChanged{orders, t(0), mono(t(0))});
  const Effects into = reload(1, [](Site& s) {
    s.doors[0].mode = DoorMode::unlocked;
    s.doors[0].unlocked_schedule = {WeeklyWindow{0x7f, 0, 24 * 60}};
  });
  EXPECT_TRUE(into.outputs.empty());
  EXPECT_FALSE(controller_.door(DoorId("lobby-main"))->unlocked());
}

TEST_F(ControllerReload, ADoorLockedByTheReloadRefusesCardsAndStillLetsPeopleOut) {
  reload(1, [](Site& s) { s.doors[0].mode = DoorMode::locked; });
  EXPECT_EQ(card("lobby-in", 1001, 2).events.at(0).reason, DenyReason::door_locked);
  last_ = t(3);
  const Effects rex = controller_.handle(
      PointChanged{*controller_.door(DoorId("lobby-main"))->door().rex, true, last_, mono(last_)});
  const Effects pressed = at(4);
  EXPECT_EQ(rex.outputs.size() + pressed.outputs.size(), 1u) << "REX egress stays free";
}

TEST_F(ControllerReload, ASiteWiredDifferentlyIsRefusedAndTheRulesStay) {
  EXPECT_THROW(reload(1, [](Site& s) { s.doors[0].lock.index = 7; }), std::invalid_argument);
  EXPECT_THROW(reload(1, [](Site& s) { s.doors.pop_back(); }), std::invalid_argument);
  EXPECT_EQ(&controller_.site(), &site_);
  EXPECT_EQ(card("lobby-in", 1001, 2).events.at(0).kind, EventKind::access_granted);
}

}  // namespace
}  // namespace vigil::core
