// Door modes and card + PIN (issue 8), on explicit times: the Controller
// collects the PIN from the reader's keypad, asks the shell to check it
// (PinCheck) and acts on the verdict (PinChecked). No hashing here: the
// verdict is what the shell's verifier would answer.
#include <gtest/gtest.h>

#include "site_fixture.hpp"
#include "vigil/core/controller.hpp"
#include "vigil/core/incident.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using testing::at_utc;
using testing::kMonday;

const ReaderId kServerIn{"server-in"};
const CardNumber kBob{12, 1002};    // admins: the server room, always open
const CardNumber kAlice{12, 1001};  // staff: the lobby only

class CardPin : public ::testing::Test {
 protected:
  CardPin() {
    site_.doors[1].mode = DoorMode::card_and_pin;  // server-door
    people_.set_pin(PersonId("bob"), PinHash{.iterations = 1000, .salt = {}, .digest = {}});
  }

  Effects card(const CardNumber& c, Duration after, const ReaderId& reader = kServerIn) {
    return controller_.handle(CardPresented{reader, c, "H10301", t0_ + after, m0_ + after});
  }
  // Keys 100 ms apart from `after`; "*" and "#" as on the keypad.
  Effects keys(std::string_view typed, Duration after, const ReaderId& reader = kServerIn) {
    Effects out;
    for (char c : typed) {
      const unsigned code = c == '*' ? 10u : c == '#' ? 11u : static_cast<unsigned>(c - '0');
      out.append(controller_.handle(
          KeyPressed{reader, *keypad_key_from_code(code), t0_ + after, m0_ + after}));
      after += 100ms;
    }
    return out;
  }
  Effects verdict(const PinCheck& check, PinVerdict v, Duration after) {
    return controller_.handle(PinChecked{check.reader, check.attempt, v, t0_ + after, m0_ + after});
  }
  // Card, a four-digit PIN and `#`, and the shell's verdict on it.
  Effects attempt(PinVerdict v, Duration after) {
    Effects out = card(kBob, after);
    out.append(keys("1234#", after + 1s));
    EXPECT_EQ(out.pin_checks.size(), 1u);
    if (out.pin_checks.empty()) return out;
    const PinCheck check = out.pin_checks.front();
    out.append(verdict(check, v, after + 2s));
    return out;
  }

  Site site_ = testing::make_site();
  PeopleDirectory people_ = testing::make_people();
  Controller controller_{site_, people_};
  TimePoint t0_ = at_utc(kMonday, 9, 0);
  MonoTime m0_ = MonoTime{std::chrono::hours(1)};
};

Event last_access(const Effects& fx) {
  for (auto it = fx.events.rbegin(); it != fx.events.rend(); ++it) {
    if (it->kind == EventKind::access_granted || it->kind == EventKind::access_denied) return *it;
  }
  throw std::runtime_error("no access event");
}

TEST_F(CardPin, EachDoorModeDecidesAValidCardItsOwnWay) {
  struct Case {
    DoorMode mode;
    bool pin_on_file;
    Outcome outcome;
    DenyReason reason;
  };
  const std::vector<Case> cases{
      {DoorMode::card, true, Outcome::grant, DenyReason::none},
      {DoorMode::card_and_pin, true, Outcome::wait_for_pin, DenyReason::none},
      {DoorMode::card_and_pin, false, Outcome::deny, DenyReason::pin_not_enrolled},
      {DoorMode::locked, true, Outcome::deny, DenyReason::door_locked},
  };
  for (const auto& c : cases) {
    Site site = testing::make_site();
    site.doors[1].mode = c.mode;
    PeopleDirectory people = testing::make_people();
    if (c.pin_on_file) people.set_pin(PersonId("bob"), PinHash{});
    const Decision d =
        decide(site, people, AccessState{}, AccessRequest{kBob, kServerIn, t0_, m0_});
    SCOPED_TRACE(to_string(c.mode));
    EXPECT_EQ(d.outcome, c.outcome);
    EXPECT_EQ(d.reason, c.reason);
  }
}

TEST_F(CardPin, ALockedDoorRefusesEvenAnAlwaysOpenLevelAndAnUnknownCard) {
  site_.doors[1].mode = DoorMode::locked;
  const Event bob = last_access(card(kBob, 0s));
  EXPECT_EQ(bob.reason, DenyReason::door_locked);
  EXPECT_EQ(bob.person, PersonId("bob"));
  EXPECT_EQ(last_access(card(CardNumber{9, 9}, 1s)).reason, DenyReason::door_locked);
}

TEST_F(CardPin, ACardAloneDoesNotOpenACardAndPinDoor) {
  const Effects fx = card(kBob, 0s);
  EXPECT_TRUE(fx.events.empty());
  EXPECT_TRUE(fx.outputs.empty());
  EXPECT_EQ(controller_.next_deadline(), m0_ + site_.pin.entry_time);
}

TEST_F(CardPin, TheRightPinOpensTheDoor) {
  Effects fx = card(kBob, 0s);
  fx.append(keys("1234#", 1s));
  ASSERT_EQ(fx.pin_checks.size(), 1u);
  EXPECT_EQ(fx.pin_checks[0].person, PersonId("bob"));
  EXPECT_EQ(fx.pin_checks[0].entered.digits(), "1234");
  EXPECT_TRUE(fx.events.empty()) << "nothing is journalled before the verdict";
  fx = verdict(fx.pin_checks[0], PinVerdict::match, 2s);
  const Event& e = last_access(fx);
  EXPECT_EQ(e.kind, EventKind::access_granted);
  EXPECT_EQ(e.card, kBob);
  EXPECT_EQ(attr_text(e.attrs, "pin"), "ok");
  ASSERT_EQ(fx.outputs.size(), 1u);
  EXPECT_TRUE(fx.outputs[0].value);
}

TEST_F(CardPin, AWrongPinRefusesAndCountsTowardsTheLockout) {
  const Effects fx = attempt(PinVerdict::wrong, 0s);
  const Event& e = last_access(fx);
  EXPECT_EQ(e.reason, DenyReason::pin_wrong);
  EXPECT_EQ(attr_int(e.attrs, "pin_failures"), 1);
  EXPECT_TRUE(fx.outputs.empty());
}

TEST_F(CardPin, FiveWrongPinsLockTheCredentialUntilTheLockEnds) {
  IncidentRules rules;
  for (int i = 0; i < 4; ++i) attempt(PinVerdict::wrong, std::chrono::seconds(10 * i));
  const Effects fifth = attempt(PinVerdict::wrong, 40s);
  const Event& locked = last_access(fifth);
  EXPECT_EQ(attr_bool(locked.attrs, "pin_locked_now"), true);
  auto incident = rules.observe(locked);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->kind, IncidentKind::pin_lockout);
  // The lock began at the fifth verdict (42 s) and holds 15 minutes.
  const Duration locked_at = 42s;
  struct Case {
    Duration after;
    Outcome outcome;
  };
  for (const Case& c :
       {Case{locked_at + 1s, Outcome::deny}, Case{locked_at + 15min - 1s, Outcome::deny},
        Case{locked_at + 15min, Outcome::wait_for_pin}}) {
    const Decision d = decide(site_, people_, controller_.access_state(),
                              AccessRequest{kBob, kServerIn, t0_ + c.after, m0_ + c.after});
    EXPECT_EQ(d.outcome, c.outcome) << (c.after - locked_at).count();
    if (c.outcome == Outcome::deny) {
      EXPECT_EQ(d.reason, DenyReason::pin_locked);
    }
  }
  // The card itself is refused while locked, before anyone types.
  EXPECT_EQ(last_access(card(kBob, 60s)).reason, DenyReason::pin_locked);
}

TEST_F(CardPin, ARightPinResetsTheCount) {
  for (int i = 0; i < 4; ++i) attempt(PinVerdict::wrong, std::chrono::seconds(10 * i));
  attempt(PinVerdict::match, 40s);
  const Event& e = last_access(attempt(PinVerdict::wrong, 50s));
  EXPECT_EQ(attr_int(e.attrs, "pin_failures"), 1);
  EXPECT_FALSE(attr_bool(e.attrs, "pin_locked_now"));
}

TEST_F(CardPin, ADuressPinOpensAsUsualAndRaisesASilentCriticalIncident) {
  const Effects fx = attempt(PinVerdict::duress, 0s);
  const Event& e = last_access(fx);
  EXPECT_EQ(e.kind, EventKind::access_granted);
  EXPECT_EQ(attr_text(e.attrs, "pin"), "ok") << "reads like any grant at the door";
  EXPECT_EQ(attr_bool(e.attrs, "duress"), true);
  ASSERT_EQ(fx.outputs.size(), 1u);
  auto incident = IncidentRules{}.observe(e);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->kind, IncidentKind::duress);
  EXPECT_EQ(incident->severity, Severity::critical);
}

TEST_F(CardPin, TheEntryTimeEndsAtItsBoundary) {
  // Keys keep coming (never 5 s apart) but the `#` is late.
  struct Case {
    Duration submit_at;
    bool checked;
  };
  for (const Case& c : {Case{19s, true}, Case{20s, false}}) {
    Controller controller{site_, people_};
    Effects fx = controller.handle(CardPresented{kServerIn, kBob, "H10301", t0_, m0_});
    for (Duration t = 4s; t < c.submit_at; t += 4s) {
      fx.append(controller.handle(KeyPressed{kServerIn, KeypadKey::k1, t0_ + t, m0_ + t}));
    }
    fx.append(controller.handle(
        KeyPressed{kServerIn, KeypadKey::hash, t0_ + c.submit_at, m0_ + c.submit_at}));
    EXPECT_EQ(fx.pin_checks.size(), c.checked ? 1u : 0u) << c.submit_at.count();
    if (!c.checked) {
      const Event& e = last_access(fx);
      EXPECT_EQ(e.reason, DenyReason::pin_timeout);
      EXPECT_EQ(attr_text(e.attrs, "pin"), "timeout");
    }
  }
}

TEST_F(CardPin, APauseBetweenKeysEndsTheAttempt) {
  Effects fx = card(kBob, 0s);
  fx.append(keys("12", 1s));
  EXPECT_EQ(controller_.next_deadline(), m0_ + 1100ms + 5s);
  fx = controller_.advance(t0_ + 6100ms, m0_ + 6100ms);
  const Event& e = last_access(fx);
  EXPECT_EQ(e.reason, DenyReason::pin_timeout);
  EXPECT_EQ(attr_text(e.attrs, "pin"), "key_timeout");
  EXPECT_FALSE(controller_.next_deadline());
}

TEST_F(CardPin, TooShortOrTooLongCountsAsAWrongPinWithoutAskingTheVerifier) {
  for (const char* typed : {"12#", "123456789"}) {
    Controller controller{site_, people_};
    Effects fx = controller.handle(CardPresented{kServerIn, kBob, "H10301", t0_, m0_});
    for (const char* k = typed; *k; ++k) {
      const unsigned code = *k == '#' ? 11u : static_cast<unsigned>(*k - '0');
      fx.append(controller.handle(
          KeyPressed{kServerIn, *keypad_key_from_code(code), t0_ + 1s, m0_ + 1s}));
    }
    EXPECT_TRUE(fx.pin_checks.empty()) << typed;
    EXPECT_EQ(last_access(fx).reason, DenyReason::pin_wrong) << typed;
    EXPECT_EQ(controller.access_state().pin_lockout.failures(PersonId("bob"), m0_ + 1s), 1);
  }
}

TEST_F(CardPin, KeysWithoutACardOrAtAnotherReaderOpenNothing) {
  Effects fx = keys("1234#", 0s);
  EXPECT_TRUE(fx.pin_checks.empty());
  EXPECT_TRUE(fx.events.empty());
  card(kBob, 1s);
  fx = keys("1234#", 2s, ReaderId("server-out"));
  EXPECT_TRUE(fx.pin_checks.empty());
}

TEST_F(CardPin, ANewCardEndsTheSessionInProgressAndItsLateVerdictIsIgnored) {
  Effects fx = card(kBob, 0s);
  fx.append(keys("1234#", 1s));
  ASSERT_EQ(fx.pin_checks.size(), 1u);
  const PinCheck first = fx.pin_checks[0];
  people_.set_pin(PersonId("alice"), PinHash{});
  site_.access_levels[0].zones.push_back(ZoneId("server-room"));  // alice: staff, 07-19
  const Effects replaced = card(kAlice, 2s);
  EXPECT_EQ(last_access(replaced).reason, DenyReason::pin_timeout);
  EXPECT_EQ(attr_text(last_access(replaced).attrs, "pin"), "abandoned");
  const Effects late = verdict(first, PinVerdict::match, 3s);
  EXPECT_TRUE(late.events.empty());
  EXPECT_TRUE(late.outputs.empty());
}

}  // namespace
}  // namespace vigil::core
