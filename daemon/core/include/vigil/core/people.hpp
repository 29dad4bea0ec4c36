// People and their credentials, as imported with `vigilctl person import`.
// Lookups on the hot path are by card (facility, number) and go straight to
// the holder, so decide() costs one hash lookup however many people enrol.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vigil/core/card.hpp"
#include "vigil/core/clearance.hpp"
#include "vigil/core/flat_positions.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/integrity.hpp"
#include "vigil/core/pin.hpp"
#include "vigil/core/time.hpp"
#include "vigil/core/visit.hpp"

namespace vigil::core {

struct Person {
  PersonId id;
  std::string name;
  bool active = true;
  std::vector<AccessLevelId> access_levels;
  Clearance clearance{};
};

struct Credential {
  CardNumber card;
  PersonId person;
  bool active = true;
  std::optional<TimePoint> valid_from;
  std::optional<TimePoint> valid_until;
};

class PeopleDirectory {
 public:
  struct Holder {
    const Person* person;
    const Credential* credential;
    // The holder's position in this directory (issue 8): the *_at lookups
    // below take it, so decide() hashes no person id.
    std::uint32_t position = 0;
  };

  // Replaces any person with the same id.
  void add_person(Person person);
  // The person must exist (std::out_of_range otherwise); replaces any
  // credential with the same card.
  void add_credential(Credential credential);
  void reserve(std::size_t people, std::size_t credentials);

  std::optional<Holder> find_card(const CardNumber& card) const;
  const Person* find_person(const PersonId& id) const;
  // Flags and trips, kept apart from Person because few people have any:
  // a read by someone without costs one test of an empty map.
  void set_risk(const PersonId& id, PersonRisk risk);
  const PersonRisk* risk_of(const PersonId& id) const;
  const PersonRisk* risk_at(std::uint32_t position) const;
  // The person's PIN (issue 8), for card + PIN doors; nullptr when none is
  // on file. Kept apart like the risks: most people at most sites have none.
  void set_pin(const PersonId& id, const PinHash& pin);
  const PinHash* pin_of(const PersonId& id) const;
  const PinHash* pin_at(std::uint32_t position) const;
  std::size_t pin_count() const { return pins_.size() + orphan_pins_.size(); }
  // A visitor's visits (issue 8, item 6), kept apart like the risks. A
  // person with any visit on file is a visitor: their card works only
  // inside an active visit, with an escort (vigil/core/visit.hpp).
  void set_visits(const PersonId& id, std::vector<Visit> visits);
  const std::vector<Visit>* visits_of(const PersonId& id) const;
  const std::vector<Visit>* visits_at(std::uint32_t position) const;
  std::size_t person_count() const { return people_.size(); }
  std::size_t credential_count() const { return credentials_.size(); }
  // Every enrolled card, in no particular order (a door board's offline
  // cache is built from these).
  std::vector<CardNumber> cards() const;

 private:
  // Issue 8, 2,000,000 people: contiguous storage and open-addressing
  // tables of 4-byte positions instead of node-based maps (one allocation
  // per entry, a bucket array and the key copied into every node). A
  // credential keeps its holder's position, so a card read costs one probe,
  // not two, and a copy of the directory stays self-contained. The deque
  // keeps every Person where it is as people are added (callers hold
  // Person pointers, as they did into the map's nodes).
  struct Entry {
    Credential credential;
    std::uint32_t person;  // position in people_
  };
  std::optional<std::uint32_t> person_position(const PersonId& id) const;
  std::optional<std::uint32_t> card_position(const CardNumber& card) const;

  std::deque<Person> people_;
  std::vector<Entry> credentials_;
  FlatPositions people_by_id_;
  FlatPositions credentials_by_card_;
  // PINs by person position (slot + 1 into pins_, 0 = none; empty until the
  // first PIN); a PIN for an id not enrolled (yet) waits in orphan_pins_.
  std::vector<std::uint32_t> pin_slots_;
  std::vector<PinHash> pins_;
  std::unordered_map<PersonId, PinHash> orphan_pins_;
  // Risks and visits by person position (few people have any: a read by
  // someone without costs one probe of a small table of integers); those
  // set for an id not enrolled (yet) wait in the orphan maps, as PINs do.
  std::unordered_map<std::uint32_t, PersonRisk> risks_;
  std::unordered_map<PersonId, PersonRisk> orphan_risks_;
  std::unordered_map<std::uint32_t, std::vector<Visit>> visits_;
  std::unordered_map<PersonId, std::vector<Visit>> orphan_visits_;
};

}  // namespace vigil::core
