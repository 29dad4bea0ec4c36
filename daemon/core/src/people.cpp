#include "vigil/core/people.hpp"

#include <functional>
#include <stdexcept>
#include <string_view>

namespace vigil::core {
namespace {

std::size_t hash_id(const PersonId& id) {
  return std::hash<std::string_view>{}(id.str());
}
std::size_t hash_card(const CardNumber& card) {
  return std::hash<CardNumber>{}(card);
}

}  // namespace

std::optional<std::uint32_t> PeopleDirectory::person_position(const PersonId& id) const {
  const std::string_view key = id.str();
  return people_by_id_.find(hash_id(id),
                            [&](std::uint32_t pos) { return people_[pos].id.str() == key; });
}

std::optional<std::uint32_t> PeopleDirectory::card_position(const CardNumber& card) const {
  return credentials_by_card_.find(hash_card(card), [&](std::uint32_t pos) {
    return credentials_[pos].credential.card == card;
  });
}

void PeopleDirectory::add_person(Person person) {
  if (auto pos = person_position(person.id)) {
    people_[*pos] = std::move(person);
    return;
  }
  const auto pos = static_cast<std::uint32_t>(people_.size());
  const std::size_t hash = hash_id(person.id);
  auto orphan = orphan_pins_.find(person.id);
  people_.push_back(std::move(person));
  people_by_id_.insert(hash, pos, [&](std::uint32_t p) { return hash_id(people_[p].id); });
  if (!pin_slots_.empty()) pin_slots_.push_back(0);
  if (orphan != orphan_pins_.end()) {
    const PinHash pin = orphan->second;
    orphan_pins_.erase(orphan);
    set_pin(people_.back().id, pin);
  }
  if (auto risk = orphan_risks_.find(people_.back().id); risk != orphan_risks_.end()) {
    risks_.insert_or_assign(pos, std::move(risk->second));
    orphan_risks_.erase(risk);
  }
  if (auto visits = orphan_visits_.find(people_.back().id); visits != orphan_visits_.end()) {
    visits_.insert_or_assign(pos, std::move(visits->second));
    orphan_visits_.erase(visits);
  }
}

void PeopleDirectory::add_credential(Credential credential) {
  auto holder = person_position(credential.person);
  if (!holder) throw std::out_of_range("no person '" + credential.person.str() + "'");
  if (auto pos = card_position(credential.card)) {
    credentials_[*pos] = Entry{std::move(credential), *holder};
    return;
  }
  const auto pos = static_cast<std::uint32_t>(credentials_.size());
  const std::size_t hash = hash_card(credential.card);
  credentials_.push_back(Entry{std::move(credential), *holder});
  credentials_by_card_.insert(
      hash, pos, [&](std::uint32_t p) { return hash_card(credentials_[p].credential.card); });
}

void PeopleDirectory::reserve(std::size_t people, std::size_t credentials) {
  people_by_id_.reserve(people, [&](std::uint32_t p) { return hash_id(people_[p].id); });
  credentials_.reserve(credentials);
  advise_huge_pages(credentials_.data(), credentials_.capacity() * sizeof(Entry));
  credentials_by_card_.reserve(
      credentials, [&](std::uint32_t p) { return hash_card(credentials_[p].credential.card); });
}

std::optional<PeopleDirectory::Holder> PeopleDirectory::find_card(const CardNumber& card) const {
  auto pos = card_position(card);
  if (!pos) return std::nullopt;
  const Entry& entry = credentials_[*pos];
  return Holder{&people_[entry.person], &entry.credential, entry.person};
}

std::vector<CardNumber> PeopleDirectory::cards() const {
  std::vector<CardNumber> out;
  out.reserve(credentials_.size());
  for (const auto& entry : credentials_) out.push_back(entry.credential.card);
  return out;
}

const Person* PeopleDirectory::find_person(const PersonId& id) const {
  auto pos = person_position(id);
  return pos ? &people_[*pos] : nullptr;
}

void PeopleDirectory::set_risk(const PersonId& id, PersonRisk risk) {
  const bool none = !risk.flag && risk.trips.empty();
  if (auto pos = person_position(id)) {
    if (none) {
      risks_.erase(*pos);
    } else {
      risks_.insert_or_assign(*pos, std::move(risk));
    }
  } else if (none) {
    orphan_risks_.erase(id);
  } else {
    orphan_risks_.insert_or_assign(id, std::move(risk));
  }
}

const PersonRisk* PeopleDirectory::risk_of(const PersonId& id) const {
  if (risks_.empty() && orphan_risks_.empty()) return nullptr;
  if (auto pos = person_position(id)) return risk_at(*pos);
  auto it = orphan_risks_.find(id);
  return it == orphan_risks_.end() ? nullptr : &it->second;
}

const PersonRisk* PeopleDirectory::risk_at(std::uint32_t position) const {
  if (risks_.empty()) return nullptr;
  auto it = risks_.find(position);
  return it == risks_.end() ? nullptr : &it->second;
}

void PeopleDirectory::set_pin(const PersonId& id, const PinHash& pin) {
  auto pos = person_position(id);
  if (!pos) {
    orphan_pins_[id] = pin;
    return;
  }
  if (pin_slots_.empty()) pin_slots_.assign(people_.size(), 0);
  std::uint32_t& slot = pin_slots_[*pos];
  if (slot == 0) {
    pins_.push_back(pin);
    slot = static_cast<std::uint32_t>(pins_.size());
  } else {
    pins_[slot - 1] = pin;
  }
}

const PinHash* PeopleDirectory::pin_of(const PersonId& id) const {
  if (pins_.empty() && orphan_pins_.empty()) return nullptr;
  if (auto pos = person_position(id); pos && !pin_slots_.empty() && pin_slots_[*pos] != 0) {
    return &pins_[pin_slots_[*pos] - 1];
  }
  auto it = orphan_pins_.find(id);
  return it == orphan_pins_.end() ? nullptr : &it->second;
}

const PinHash* PeopleDirectory::pin_at(std::uint32_t position) const {
  // An enrolled person's PIN is never an orphan (add_person adopts it).
  if (position >= pin_slots_.size() || pin_slots_[position] == 0) return nullptr;
  return &pins_[pin_slots_[position] - 1];
}

}  // namespace vigil::core
