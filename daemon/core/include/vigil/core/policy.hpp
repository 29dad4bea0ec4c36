// The access decision. Pure: same inputs, same answer, at any time of replay.
//
// decide() answers one badge read with an outcome (grant, deny, or a wait for
// more: a PIN, a second person, the escort), the reason code that explains
// it, the rule that decided, and typed attributes for the journal event. The
// state the rules need across reads (who is inside, PIN attempts, a pending
// two-person read) lives in an AccessState that the Controller owns and
// passes in; decide() reads it and never writes it, so the Controller
// applies what a decision changes only once it acts on it.
//
// Precedence (docs/policy.md): every refusing rule (a locked door, an
// inactive credential, an integrity flag, a trip, a missing or expired
// clearance, a pending return report; later a lockdown or hard
// anti-passback) is checked before the access levels and wins over any of
// them; then a grant from any one access level allows. At a card + PIN door
// that grant becomes wait_for_pin: the Controller collects the PIN.
#pragma once

#include <cstdint>
#include <optional>

#include "vigil/core/attr.hpp"
#include "vigil/core/card.hpp"
#include "vigil/core/event.hpp"
#include "vigil/core/lockdown.hpp"
#include "vigil/core/occupancy.hpp"
#include "vigil/core/people.hpp"
#include "vigil/core/site.hpp"
#include "vigil/core/two_person.hpp"
#include "vigil/core/visit.hpp"

namespace vigil::core {

enum class Outcome : std::uint8_t {
  grant,                   // unlock
  deny,                    // stay locked; the reason says why
  wait_for_pin,            // card accepted, a PIN must follow (a later layer)
  wait_for_second_person,  // two-person rule: the first of two (a later layer)
  wait_for_escort,         // a visitor waits for the escort's badge
  grant_silent_alarm,      // unlock and raise a silent incident (duress, a later layer)
};

// The rule that decided, in evaluation order (docs/policy.md).
enum class Rule : std::uint8_t {
  reader,         // the reader is not in the site config
  card,           // no credential with this card number
  credential,     // the credential or person is inactive or outside its dates
  flag,           // an integrity-risk flag (suspend refuses; watch grants with an incident)
  trip,           // the holder is abroad on a recorded trip
  clearance,      // the zone requires a clearance the holder lacks or let expire
  return_report,  // after a marked trip the zone waits for the return report
  access_level,   // no access level covers the zone
  schedule,       // a level covers the zone, but its weekly schedule is not open now
  holiday,        // a level covers the zone, but today is a holiday that closes it
  // Door modes and card + PIN (issue 8). Added after the others so stored
  // names and values never move; the evaluation order is rule_position().
  door_mode,      // the door is `locked`: no card opens it
  pin,            // a card + PIN door: PIN on file, not locked, typed right in time
  lockdown,       // the zone is locked down and the person holds no lockdown-override level
  anti_passback,  // hard anti-passback: a second entry without an exit
  occupancy,      // the zone is at its occupancy limit
  two_person,     // the zone needs two different people: the first waits for the second
  // Visits and escorts (issue 8, item 6): for a visitor, in place of the
  // clearance, return-report and access-level steps.
  visit,   // the visitor's visit is active today and covers the zone
  escort,  // an escort authorised for the zone badged at the door within the window
};

// Steps in the evaluation order (schedule and holiday share one).
inline constexpr int kRuleSteps = 17;

const char* to_string(Outcome outcome);
const char* to_string(Rule rule);
std::optional<Rule> rule_from_string(std::string_view s);
// The rule a reason code comes from (DenyReason::none: access_level).
Rule rule_of(DenyReason reason);
// The rule's place in the evaluation order (1 = first; docs/policy.md) and
// the question it asks, for `vigilctl explain`.
int rule_position(Rule rule);
const char* rule_question(Rule rule);

// Access state the rules read across reads. Owned by the Controller; rules
// that need memory (anti-passback, PIN attempts, two-person, escorts) add
// their part here.
struct AccessState {
  // Wrong PINs in a row per person: a locked credential is refused at the
  // card (pin_locked), before anyone types.
  PinLockout pin_lockout{};
  // Zones locked down by an operator (vigilctl lockdown), as last loaded
  // from the roster database.
  Lockdowns lockdowns{};
  // Who is inside which zone, from `entry` events (anti-passback,
  // occupancy limits, muster); rebuilt from the journal at start.
  Occupancy occupancy{};
  // Two-person zones: the first authorised badge at each door, waiting for
  // a second, different person within the zone's window.
  TwoPersonWaits two_person{};
  // Visits: the last escort badge and the waiting visitor at each door.
  EscortWaits escorts{};
};

struct AccessRequest {
  CardNumber card;
  ReaderId reader;
  TimePoint time{};
  MonoTime mono{};  // for the windows in the access state (PIN lockout)
};

struct Decision {
  Outcome outcome = Outcome::deny;
  DenyReason reason = DenyReason::unknown_card;
  Rule rule = Rule::card;
  std::optional<PersonView> person;    // set whenever the card is known
  std::uint32_t position = 0;          // the person's position in the directory (with person)
  const Door* door = nullptr;          // set whenever the reader is known
  const ZoneId* zone = nullptr;        // the zone the read asked to enter
  const AccessLevel* level = nullptr;  // the level that granted (or covered the zone)
  Attrs attrs;                         // typed fields for the journal event, sorted
  bool granted() const {
    return outcome == Outcome::grant || outcome == Outcome::grant_silent_alarm;
  }
};

Decision decide(const Site& site, const PeopleDirectory& people, const AccessState& state,
                const AccessRequest& request);

// The same question with no access state, for tools that explain a decision
// (vigilctl explain) and tests of stateless rules.
Decision decide(const Site& site, const PeopleDirectory& people, const CardNumber& card,
                const ReaderId& reader, TimePoint time);

}  // namespace vigil::core
