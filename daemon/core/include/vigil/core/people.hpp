// People and their credentials, as imported with `vigilctl person import`.
// Lookups on the hot path are by card (facility, number) and go straight to
// the holder, so decide() costs one hash lookup however many people enrol.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vigil/core/card.hpp"
#include "vigil/core/clearance.hpp"
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
  // The person's PIN (issue 8), for card + PIN doors; nullptr when none is
  // on file. Kept apart like the risks: most people at most sites have none.
  void set_pin(const PersonId& id, const PinHash& pin);
  const PinHash* pin_of(const PersonId& id) const;
  std::size_t pin_count() const { return pins_.size(); }
  // A visitor's visits (issue 8, item 6), kept apart like the risks. A
  // person with any visit on file is a visitor: their card works only
  // inside an active visit, with an escort (vigil/core/visit.hpp).
  void set_visits(const PersonId& id, std::vector<Visit> visits);
  const std::vector<Visit>* visits_of(const PersonId& id) const;
  std::size_t person_count() const { return people_.size(); }
  std::size_t credential_count() const { return credentials_.size(); }
  // Every enrolled card, in no particular order (a door board's offline
  // cache is built from these).
  std::vector<CardNumber> cards() const;

 private:
  // A credential keeps a pointer to its holder's node (stable across rehash
  // and across add_person replacing the same id), so a card read costs one
  // hash lookup, not two.
  struct Entry {
    Credential credential;
    const Person* person;
  };
  std::unordered_map<PersonId, Person> people_;
  std::unordered_map<CardNumber, Entry> credentials_;
  std::unordered_map<PersonId, PersonRisk> risks_;
  std::unordered_map<PersonId, PinHash> pins_;
  std::unordered_map<PersonId, std::vector<Visit>> visits_;
};

}  // namespace vigil::core
