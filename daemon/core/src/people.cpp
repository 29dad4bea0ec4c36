#include "vigil/core/people.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <limits>
#include <stdexcept>

namespace vigil::core {
namespace {

std::size_t hash_text(std::string_view id) {
  return std::hash<std::string_view>{}(id);
}
std::size_t hash_card(const CardNumber& card) {
  return std::hash<CardNumber>{}(card);
}
std::size_t hash_levels(const std::uint32_t* set) {
  std::size_t h = 0x9e3779b97f4a7c15u;
  for (std::uint32_t i = 0; i <= set[0]; ++i) h = (h ^ set[i]) * 0x100000001b3u;
  return h ^ (h >> 29);
}

void put_length(std::vector<char>& out, std::size_t n) {
  do {
    const auto low = static_cast<unsigned char>(n & 0x7f);
    n >>= 7;
    out.push_back(static_cast<char>(n != 0 ? low | 0x80 : low));
  } while (n != 0);
}

std::size_t encoded_size(std::string_view s) {
  std::size_t n = s.size(), bytes = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++bytes;
  }
  return bytes + s.size();
}

// Reads one length-prefixed string at `p`, advancing it past.
std::string_view take_text(const char*& p) {
  std::size_t n = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<unsigned char>(*p++);
    n |= std::size_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) break;
  }
  std::string_view s(p, n);
  p += n;
  return s;
}

}  // namespace

std::uint64_t PeopleDirectory::next_generation() {
  // Atomic: the roster watch builds directories on its own thread. Never 0,
  // which stands for "no directory" in the indexes that follow one.
  static std::atomic<std::uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

std::pair<std::string_view, std::string_view> PeopleDirectory::text_of(const Record& r) const {
  const char* p = text_.data() + r.text;
  const std::string_view id = take_text(p);
  return {id, take_text(p)};
}

std::optional<std::uint32_t> PeopleDirectory::person_position(std::string_view id) const {
  return people_by_id_.find(hash_text(id),
                            [&](std::uint32_t pos) { return text_of(people_[pos]).first == id; });
}

std::optional<std::uint32_t> PeopleDirectory::person_position(const PersonId& id) const {
  return person_position(std::string_view{id.str()});
}

std::optional<std::uint32_t> PeopleDirectory::card_position(const CardNumber& card) const {
  return cards_by_number_.find(hash_card(card), [&](std::uint32_t pos, std::uint32_t) {
    return cards_[pos].card() == card;
  });
}

// Appends the id and name to the arena, or writes them over the replaced
// person's when they fit there.
std::uint32_t PeopleDirectory::store_text(const Person& person, const Record* replacing) {
  const std::size_t size = encoded_size(person.id.str()) + encoded_size(person.name);
  if (replacing != nullptr) {
    const auto [id, name] = text_of(*replacing);
    if (size <= encoded_size(id) + encoded_size(name)) {
      std::vector<char> bytes;
      put_length(bytes, person.id.str().size());
      bytes.insert(bytes.end(), person.id.str().begin(), person.id.str().end());
      put_length(bytes, person.name.size());
      bytes.insert(bytes.end(), person.name.begin(), person.name.end());
      std::copy(bytes.begin(), bytes.end(), text_.begin() + replacing->text);
      return replacing->text;
    }
  }
  if (text_.size() + size > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("people directory: ids and names exceed 4 GiB");
  }
  const auto at = static_cast<std::uint32_t>(text_.size());
  put_length(text_, person.id.str().size());
  text_.insert(text_.end(), person.id.str().begin(), person.id.str().end());
  put_length(text_, person.name.size());
  text_.insert(text_.end(), person.name.begin(), person.name.end());
  return at;
}

std::uint32_t PeopleDirectory::level_position(const AccessLevelId& level) {
  const std::string_view name = level.str();
  const std::size_t hash = hash_text(name);
  if (auto pos = levels_by_name_.find(
          hash, [&](std::uint32_t p) { return level_names_[p].str() == name; })) {
    return *pos;
  }
  const auto pos = static_cast<std::uint32_t>(level_names_.size());
  level_names_.push_back(level);
  level_hashes_.push_back(hash);
  levels_by_name_.insert(hash, pos,
                         [&](std::uint32_t p) { return hash_text(level_names_[p].str()); });
  return pos;
}

// Most people hold one or two levels: those fit in the record. Longer lists
// are interned, each distinct sequence once.
void PeopleDirectory::store_levels(const std::vector<AccessLevelId>& levels, Record& record) {
  if (levels.size() <= 2) {
    // The common case without a temporary vector (a bulk load stores
    // 2,000,000 of these).
    std::uint32_t pos[2] = {0, 0};
    for (std::size_t i = 0; i < levels.size(); ++i) pos[i] = level_position(levels[i]);
    if (pos[0] <= 0xFFFF && pos[1] <= 0xFFFF) {
      record.levels = pos[0] | pos[1] << 16;
      record.flags = static_cast<std::uint8_t>(record.flags | (levels.size() << 3));
      return;
    }
  }
  std::vector<std::uint32_t> set{static_cast<std::uint32_t>(levels.size())};
  for (const auto& level : levels) set.push_back(level_position(level));
  if (set[0] <= 2 && std::all_of(set.begin() + 1, set.end(), [](auto p) { return p <= 0xFFFF; })) {
    record.levels = (set[0] > 0 ? set[1] : 0) | (set[0] > 1 ? set[2] << 16 : 0);
    record.flags = static_cast<std::uint8_t>(record.flags | (set[0] << 3));
    return;
  }
  record.flags |= kLevelSet;
  const auto set_at = [&](std::uint32_t p) { return level_sets_.data() + level_set_starts_[p]; };
  const std::size_t hash = hash_levels(set.data());
  if (auto found = level_sets_by_content_.find(
          hash, [&](std::uint32_t p) { return std::equal(set.begin(), set.end(), set_at(p)); })) {
    record.levels = level_set_starts_[*found];
    return;
  }
  const auto start = static_cast<std::uint32_t>(level_sets_.size());
  level_sets_.insert(level_sets_.end(), set.begin(), set.end());
  level_set_starts_.push_back(start);
  level_sets_by_content_.insert(hash, static_cast<std::uint32_t>(level_set_starts_.size() - 1),
                                [&](std::uint32_t p) { return hash_levels(set_at(p)); });
  record.levels = start;
}

std::uint32_t PeopleDirectory::store_dates(const Credential& credential, std::uint32_t reuse) {
  if (!credential.valid_from && !credential.valid_until) return 0;
  std::pair dates{credential.valid_from, credential.valid_until};
  if (reuse != 0) {
    dates_[reuse - 1] = dates;
    return reuse;
  }
  dates_.push_back(dates);
  return static_cast<std::uint32_t>(dates_.size());
}

void PeopleDirectory::add_person(const Person& person) {
  const std::size_t hash = hash_text(person.id.str());
  const auto existing = people_by_id_.find(
      hash, [&](std::uint32_t pos) { return text_of(people_[pos]).first == person.id.str(); });
  Record record = make_record(person, existing ? &people_[*existing] : nullptr);
  if (existing) {
    record.flags |= people_[*existing].flags & (kHasRisk | kHasVisits);  // they stay with them
    people_[*existing] = record;
    return;
  }
  append_record(hash, record, person.id);
}

std::uint32_t PeopleDirectory::append_new_person(const Person& person) {
  Record record = make_record(person, nullptr);
  return append_record(hash_text(person.id.str()), record, person.id);
}

PeopleDirectory::Record PeopleDirectory::make_record(const Person& person,
                                                     const Record* replacing) {
  Record record;
  record.text = store_text(person, replacing);
  record.clearance = static_cast<std::uint8_t>(person.clearance.level);
  record.flags = person.active ? kActive : 0;
  store_levels(person.access_levels, record);
  if (person.clearance.expires) {
    record.expires = person.clearance.expires->days;
    record.flags |= kHasExpiry;
  }
  return record;
}

std::uint32_t PeopleDirectory::append_record(std::size_t hash, const Record& record,
                                             const PersonId& id) {
  if (people_.size() >= std::numeric_limits<std::uint32_t>::max() - 1) {
    throw std::length_error("people directory: too many people");
  }
  const auto pos = static_cast<std::uint32_t>(people_.size());
  people_.push_back(record);
  generation_ = next_generation();
  people_by_id_.insert(hash, pos,
                       [&](std::uint32_t p) { return hash_text(text_of(people_[p]).first); });
  if (!pin_slots_.empty()) pin_slots_.push_back(0);
  adopt_orphans(pos, id);
  return pos;
}

void PeopleDirectory::adopt_orphans(std::uint32_t pos, const PersonId& id) {
  if (auto orphan = orphan_pins_.find(id); orphan != orphan_pins_.end()) {
    const PinHash pin = orphan->second;
    orphan_pins_.erase(orphan);
    set_pin(id, pin);
  }
  if (auto risk = orphan_risks_.find(id); risk != orphan_risks_.end()) {
    risks_.insert_or_assign(pos, std::move(risk->second));
    orphan_risks_.erase(risk);
    mark(pos, kHasRisk, true);
  }
  if (auto visits = orphan_visits_.find(id); visits != orphan_visits_.end()) {
    visits_.insert_or_assign(pos, std::move(visits->second));
    orphan_visits_.erase(visits);
    mark(pos, kHasVisits, true);
  }
}

void PeopleDirectory::mark(std::uint32_t pos, std::uint8_t bit, bool on) {
  std::uint8_t& flags = people_[pos].flags;
  flags = static_cast<std::uint8_t>(on ? flags | bit : flags & ~bit);
}

void PeopleDirectory::add_credential(const Credential& credential) {
  auto holder = person_position(credential.person);
  if (!holder) throw std::out_of_range("no person '" + credential.person.str() + "'");
  add_credential_at(*holder, credential);
}

void PeopleDirectory::add_credential_at(std::uint32_t holder, const Credential& credential) {
  if (holder >= people_.size()) throw std::out_of_range("no person at that position");
  const CardNumber& card = credential.card;
  const std::size_t hash = hash_card(card);
  const auto existing = cards_by_number_.find(
      hash, [&](std::uint32_t pos, std::uint32_t) { return cards_[pos].card() == card; });
  if (!existing) {
    append_new_credential_at(holder, credential);
    return;
  }
  CardEntry entry{static_cast<std::uint32_t>(card.number),
                  static_cast<std::uint32_t>(card.number >> 32), card.facility, holder, 0};
  entry.dates = store_dates(credential, cards_[*existing].dates & ~kInactive);
  if (!credential.active) entry.dates |= kInactive;
  cards_[*existing] = entry;
  cards_by_number_.set_value(hash, *existing, holder);
}

void PeopleDirectory::append_new_credential_at(std::uint32_t holder, const Credential& credential) {
  if (holder >= people_.size()) throw std::out_of_range("no person at that position");
  const CardNumber& card = credential.card;
  CardEntry entry{static_cast<std::uint32_t>(card.number),
                  static_cast<std::uint32_t>(card.number >> 32), card.facility, holder,
                  store_dates(credential, 0)};
  if (!credential.active) entry.dates |= kInactive;
  const auto pos = static_cast<std::uint32_t>(cards_.size());
  cards_.push_back(entry);
  cards_by_number_.insert(
      hash_card(card), pos, [&](std::uint32_t p) { return hash_card(cards_[p].card()); }, holder);
}

void PeopleDirectory::reserve(std::size_t people, std::size_t credentials, std::size_t pins) {
  // The records, cards and PIN slots take 2 MiB pages through their
  // allocator (s23), advised before they are written.
  people_.reserve(people);
  people_by_id_.reserve(people,
                        [&](std::uint32_t p) { return hash_text(text_of(people_[p]).first); });
  cards_.reserve(credentials);
  cards_by_number_.reserve(credentials,
                           [&](std::uint32_t p) { return hash_card(cards_[p].card()); });
  if (pins != 0) {
    pins_.reserve(pins);
    pin_slots_.reserve(people);
  }
}

void PeopleDirectory::shrink_to_fit() {
  people_.shrink_to_fit();
  text_.shrink_to_fit();
  cards_.shrink_to_fit();
  dates_.shrink_to_fit();
  level_sets_.shrink_to_fit();
  level_set_starts_.shrink_to_fit();
  pin_slots_.shrink_to_fit();
  pins_.shrink_to_fit();
}

std::optional<PeopleDirectory::Holder> PeopleDirectory::find_card(const CardNumber& card) const {
  return find_card(card, [](std::uint32_t /*holder*/) {});
}

std::vector<CardNumber> PeopleDirectory::cards() const {
  std::vector<CardNumber> out;
  out.reserve(cards_.size());
  for (const auto& entry : cards_) out.push_back(entry.card());
  return out;
}

std::optional<PersonView> PeopleDirectory::find_person(const PersonId& id) const {
  auto pos = person_position(id);
  if (!pos) return std::nullopt;
  return PersonView{this, *pos};
}

void PeopleDirectory::set_risk(const PersonId& id, PersonRisk risk) {
  const bool none = !risk.flag && risk.trips.empty();
  if (auto pos = person_position(id)) {
    if (none) {
      risks_.erase(*pos);
    } else {
      risks_.insert_or_assign(*pos, std::move(risk));
    }
    mark(*pos, kHasRisk, !none);
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
  if (risks_.empty() || (people_[position].flags & kHasRisk) == 0) return nullptr;
  auto it = risks_.find(position);
  return it == risks_.end() ? nullptr : &it->second;
}

void PeopleDirectory::set_pin(const PersonId& id, const PinHash& pin) {
  auto pos = person_position(id);
  if (!pos) {
    orphan_pins_[id] = pin;
    return;
  }
  set_pin_at(*pos, pin);
}

void PeopleDirectory::set_pin_at(std::uint32_t position, const PinHash& pin) {
  if (pin_slots_.empty()) pin_slots_.assign(people_.size(), 0);
  std::uint32_t& slot = pin_slots_.at(position);
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
