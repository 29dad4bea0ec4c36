// PIN lockout across a restart (issue 8): the wrong PINs in a row and a
// lock in force come back from the journal's PIN verdicts, and a lock ends
// when it would have without the restart, whatever the new monotonic origin.
#include <gtest/gtest.h>

#include "site_fixture.hpp"
#include "vigil/core/controller.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using testing::at_utc;
using testing::kMonday;

const CardNumber kRestartBob{12, 1002};
const TimePoint kRestartT0 = at_utc(kMonday, 9, 0);

// A PIN verdict as the journal returns it: wall time only (mono is zero).
Event pin_verdict(const char* person, Duration after, bool right) {
  Event e;
  e.time = kRestartT0 + after;
  e.kind = right ? EventKind::access_granted : EventKind::access_denied;
  e.reason = right ? DenyReason::none : DenyReason::pin_wrong;
  e.person = PersonId(person);
  e.reader = ReaderId("server-in");
  e.door = DoorId("server-door");
  set_attr(e.attrs, "pin", std::string(right ? "ok" : "wrong"));
  return e;
}

TEST(PinLockoutRestart, WrongPinsAndLocksSurviveARestart) {
  Site site = testing::make_site();
  site.doors[1].mode = DoorMode::card_and_pin;
  PeopleDirectory people = testing::make_people();
  people.set_pin(PersonId("bob"), PinHash{.iterations = 1000, .salt = {}, .digest = {}});
  struct Case {
    const char* name;
    std::vector<Event> journal;
    Duration restart;   // after kRestartT0
    Duration ask;       // after the restart
    DenyReason reason;  // none = the card waits for the PIN
    int failures;       // Bob's wrong PINs in a row at `ask`
  };
  auto wrongs = [](int n, const char* who = "bob") {
    std::vector<Event> v;
    for (int i = 0; i < n; ++i) v.push_back(pin_verdict(who, std::chrono::seconds(10 * i), false));
    return v;
  };
  std::vector<Event> reset = wrongs(3);
  reset.push_back(pin_verdict("bob", 35s, true));
  // The fifth wrong PIN at 40 s locks Bob until 15:40 (15 minutes).
  const std::vector<Case> cases = {
      {"locked: refused at the card after the restart", wrongs(5), 10min, 0s,
       DenyReason::pin_locked, 5},
      {"still locked one second before the end", wrongs(5), 10min, 5min + 39s,
       DenyReason::pin_locked, 5},
      {"the lock ends on time", wrongs(5), 10min, 5min + 40s, DenyReason::none, 0},
      {"a lock over before the restart is gone", wrongs(5), 20min, 0s, DenyReason::none, 0},
      {"four wrong PINs are still counted", wrongs(4), 1h, 0s, DenyReason::none, 4},
      {"a right PIN resets the count", reset, 1min, 0s, DenyReason::none, 0},
      {"someone else's wrong PINs do not count", wrongs(5, "alice"), 1min, 0s, DenyReason::none, 0},
      {"a clean journal", {}, 1min, 0s, DenyReason::none, 0},
  };
  for (const auto& c : cases) {
    Controller controller(site, people);
    // After a reboot the monotonic clock starts anywhere.
    const MonoTime restart_mono{3s};
    controller.restore_pin_lockout(c.journal, Moment{kRestartT0 + c.restart, restart_mono});
    const TimePoint wall = kRestartT0 + c.restart + c.ask;
    const MonoTime mono = restart_mono + c.ask;
    const Decision d = decide(site, people, controller.access_state(),
                              AccessRequest{kRestartBob, ReaderId("server-in"), wall, mono});
    EXPECT_EQ(d.reason, c.reason) << c.name;
    EXPECT_EQ(d.outcome, c.reason == DenyReason::none ? Outcome::wait_for_pin : Outcome::deny)
        << c.name;
    EXPECT_EQ(controller.access_state().pin_lockout.failures(PersonId("bob"), mono), c.failures)
        << c.name;
  }
}

}  // namespace
}  // namespace vigil::core
