#include "vigil/core/people.hpp"

namespace vigil::core {

void PeopleDirectory::add_person(Person person) {
  PersonId id = person.id;
  people_.insert_or_assign(std::move(id), std::move(person));
}

void PeopleDirectory::add_credential(Credential credential) {
  const Person* holder = &people_.at(credential.person);
  CardNumber card = credential.card;
  credentials_.insert_or_assign(card, Entry{std::move(credential), holder});
}

void PeopleDirectory::reserve(std::size_t people, std::size_t credentials) {
  people_.reserve(people);
  credentials_.reserve(credentials);
}

std::optional<PeopleDirectory::Holder> PeopleDirectory::find_card(const CardNumber& card) const {
  auto it = credentials_.find(card);
  if (it == credentials_.end()) return std::nullopt;
  return Holder{it->second.person, &it->second.credential};
}

std::vector<CardNumber> PeopleDirectory::cards() const {
  std::vector<CardNumber> out;
  out.reserve(credentials_.size());
  for (const auto& [card, entry] : credentials_) out.push_back(card);
  return out;
}

const Person* PeopleDirectory::find_person(const PersonId& id) const {
  auto it = people_.find(id);
  return it == people_.end() ? nullptr : &it->second;
}

void PeopleDirectory::set_risk(const PersonId& id, PersonRisk risk) {
  if (!risk.flag && risk.trips.empty()) {
    risks_.erase(id);
  } else {
    risks_.insert_or_assign(id, std::move(risk));
  }
}

const PersonRisk* PeopleDirectory::risk_of(const PersonId& id) const {
  if (risks_.empty()) return nullptr;
  auto it = risks_.find(id);
  return it == risks_.end() ? nullptr : &it->second;
}

void PeopleDirectory::set_pin(const PersonId& id, const PinHash& pin) {
  pins_[id] = pin;
}

const PinHash* PeopleDirectory::pin_of(const PersonId& id) const {
  if (pins_.empty()) return nullptr;
  auto it = pins_.find(id);
  return it == pins_.end() ? nullptr : &it->second;
}

}  // namespace vigil::core
