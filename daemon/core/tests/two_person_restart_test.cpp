// Two-person rule across a restart (issue 8, rule 5): the first badge's
// wait survives only when the journal places it on the same steady clock
// (the same boot), and the window is measured on that clock, the downtime
// included. Anything the journal cannot prove is dropped: the second person
// then waits as a new first, never pairs on a guess.
#include <gtest/gtest.h>

#include <functional>

#include "site_fixture.hpp"
#include "vigil/core/controller.hpp"

namespace vigil::core {
namespace two_person_restart_test {

using namespace std::chrono_literals;
using testing::at_utc;
using testing::kMonday;

const CardNumber kRestartBob{12, 1002};   // admins: lobby + server room
const CardNumber kRestartDave{12, 1010};  // admins

Site restart_site() {
  Site site = testing::make_site();
  site.zones[2].two_person_window = 30s;  // server-room
  return site;
}

PeopleDirectory restart_people() {
  PeopleDirectory people = testing::make_people();
  people.add_person({PersonId("dave"), "Dave", true, {AccessLevelId("admins")}});
  people.add_credential({kRestartDave, PersonId("dave"), true, {}, {}});
  return people;
}

struct Badge {
  CardNumber card;
  Duration at;  // after the first badge, on the steady clock
};

TEST(TwoPersonRestart, AWaitingFirstBadgeSurvivesOnlyOnTheSameClockWithinItsWindow) {
  const Site site = restart_site();
  const PeopleDirectory people = restart_people();
  const TimePoint t0 = at_utc(kMonday, 10, 0);
  const MonoTime m0 = MonoTime{5h};
  using Edit = std::function<void(std::vector<Event>&)>;
  struct Case {
    const char* name;
    std::vector<Badge> before;  // badges at server-in before the restart
    std::string clock_after;    // the restarted vigild's clock id
    Duration restart_at;        // when the restarted vigild folds the journal
    Badge second;               // the badge after the restart
    EventKind expected;
    Edit edit = nullptr;  // changes the journal between the two runs
  };
  const std::vector<Case> cases{
      {"same boot, inside the window",
       {{kRestartBob, 0s}},
       "boot-1",
       8s,
       {kRestartDave, 20s},
       EventKind::access_granted},
      {"same boot, at the window's last instant",
       {{kRestartBob, 0s}},
       "boot-1",
       8s,
       {kRestartDave, 30s},
       EventKind::access_granted},
      {"same boot, the downtime used up the window",
       {{kRestartBob, 0s}},
       "boot-1",
       25s,
       {kRestartDave, 30s + 1us},
       EventKind::two_person_waiting},
      {"another boot: the clock is not the same",
       {{kRestartBob, 0s}},
       "boot-2",
       8s,
       {kRestartDave, 20s},
       EventKind::two_person_waiting},
      {"the restarted vigild does not know its clock",
       {{kRestartBob, 0s}},
       "",
       8s,
       {kRestartDave, 20s},
       EventKind::two_person_waiting},
      {"the same person again is still one person",
       {{kRestartBob, 0s}},
       "boot-1",
       8s,
       {kRestartBob, 20s},
       EventKind::two_person_waiting},
      {"a pair completed before the restart leaves nobody waiting",
       {{kRestartBob, 0s}, {kRestartDave, 5s}},
       "boot-1",
       8s,
       {kRestartBob, 10s},
       EventKind::two_person_waiting},
      {"a wait journalled without its clock (an older vigild)",
       {{kRestartBob, 0s}},
       "boot-1",
       8s,
       {kRestartDave, 20s},
       EventKind::two_person_waiting,
       [](std::vector<Event>& journal) {
         for (auto& e : journal)
           std::erase_if(e.attrs, [](const auto& a) { return a.key == "mono_clock"; });
       }},
      {"a wait stamped after the restart's now is not on this clock",
       {{kRestartBob, 0s}},
       "boot-1",
       8s,
       {kRestartDave, 20s},
       EventKind::two_person_waiting,
       [](std::vector<Event>& journal) {
         for (auto& e : journal) set_attr(e.attrs, "mono_us", std::int64_t{1} << 50);
       }},
      {"a later wait that cannot be placed replaces the earlier one",
       {{kRestartBob, 0s}},
       "boot-1",
       8s,
       {kRestartDave, 20s},
       EventKind::two_person_waiting,
       [](std::vector<Event>& journal) {
         Event later = journal.back();
         set_attr(later.attrs, "mono_clock", std::string("boot-0"));
         journal.push_back(later);
       }},
  };
  for (const auto& c : cases) {
    std::vector<Event> journal;
    {
      Controller before(site, people, ControllerOptions{.mono_clock_id = "boot-1"});
      for (const auto& b : c.before) {
        auto out = before.handle(
            CardPresented{ReaderId("server-in"), b.card, "H10301", t0 + b.at, m0 + b.at});
        journal.insert(journal.end(), out.events.begin(), out.events.end());
      }
    }
    ASSERT_EQ(journal.front().kind, EventKind::two_person_waiting) << c.name;
    EXPECT_EQ(attr_text(journal.front().attrs, "mono_clock"), "boot-1") << c.name;
    EXPECT_EQ(attr_int(journal.front().attrs, "mono_us"), m0.time_since_epoch().count()) << c.name;
    if (c.edit) c.edit(journal);
    // The restarted vigild: a new Controller on the journal, the same clock
    // when the boot id matches (the same CLOCK_MONOTONIC).
    Controller after(site, people, ControllerOptions{.mono_clock_id = c.clock_after});
    after.restore_two_person_waits(journal, {t0 + c.restart_at, m0 + c.restart_at});
    const Effects out = after.handle(CardPresented{ReaderId("server-in"), c.second.card, "H10301",
                                                   t0 + c.second.at, m0 + c.second.at});
    ASSERT_FALSE(out.events.empty()) << c.name;
    EXPECT_EQ(out.events.front().kind, c.expected) << c.name;
    if (c.expected == EventKind::access_granted) {
      EXPECT_EQ(attr_text(out.events.front().attrs, "two_person_with"), "bob") << c.name;
      EXPECT_EQ(out.outputs.size(), 1u) << c.name << ": the door unlocks once";
    } else {
      EXPECT_TRUE(out.outputs.empty()) << c.name << ": the door stays locked";
    }
  }
}

TEST(TwoPersonRestart, AWaitWithoutAKnownClockIsJournalledWithoutClockAttributes) {
  const Site site = restart_site();
  const PeopleDirectory people = restart_people();
  Controller controller(site, people);
  const auto out = controller.handle(CardPresented{ReaderId("server-in"), kRestartBob, "H10301",
                                                   at_utc(kMonday, 10, 0), MonoTime{1h}});
  ASSERT_EQ(out.events.front().kind, EventKind::two_person_waiting);
  EXPECT_EQ(find_attr(out.events.front().attrs, "mono_clock"), nullptr);
  EXPECT_EQ(find_attr(out.events.front().attrs, "mono_us"), nullptr);
}

}  // namespace two_person_restart_test
}  // namespace vigil::core
