// People and their credentials, as imported with `vigilctl person import`.
// Lookups on the hot path are by card (facility, number) and go straight to
// the holder, so decide() costs one hash lookup however many people enrol.
//
// Issue 8 (2,000,000 people in 512 MB): the directory keeps no Person or
// Credential objects. Ids and names live in one text arena, a person's
// access levels are an interned set of level positions, the clearance is
// packed into the person's 16-byte record, a card entry is 20 bytes and
// holds its holder's position. Person and Credential are what callers add;
// lookups answer with views (PersonView, CredentialView) that read the
// compact records and stay valid while the directory is not destroyed or
// replaced (as the Person pointers they replaced did).
#pragma once

#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vigil/core/card.hpp"
#include "vigil/core/clearance.hpp"
#include "vigil/core/flat_positions.hpp"
#include "vigil/core/huge_pages.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/integrity.hpp"
#include "vigil/core/pin.hpp"
#include "vigil/core/time.hpp"
#include "vigil/core/visit.hpp"

namespace vigil::core {

// A person as added to the directory (and as the people store reads it).
struct Person {
  PersonId id;
  std::string name;
  bool active = true;
  std::vector<AccessLevelId> access_levels;
  Clearance clearance{};
};

// A credential as added to the directory.
struct Credential {
  CardNumber card;
  PersonId person;
  bool active = true;
  std::optional<TimePoint> valid_from;
  std::optional<TimePoint> valid_until;
};

class PeopleDirectory;

// A person's access levels in the order they were added (duplicates kept):
// iterates as `const AccessLevelId&`. Up to two are held in the list itself,
// so its iterators are valid while the list lives (a range-for over
// `access_levels()` is fine).
class AccessLevelList {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = AccessLevelId;
    using difference_type = std::ptrdiff_t;
    using pointer = const AccessLevelId*;
    using reference = const AccessLevelId&;
    iterator() = default;
    iterator(const std::uint32_t* at, const std::vector<AccessLevelId>* names,
             const std::size_t* hashes)
        : at_(at), names_(names), hashes_(hashes) {}
    reference operator*() const { return (*names_)[*at_]; }
    pointer operator->() const { return &(*names_)[*at_]; }
    // The level id's std::hash<std::string_view>, computed once when the
    // name was first stored (s23): Site::find_access_level(id, hash) then
    // hashes no string per read.
    std::size_t hash() const { return hashes_[*at_]; }
    iterator& operator++() {
      ++at_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++at_;
      return old;
    }
    bool operator==(const iterator& other) const { return at_ == other.at_; }

   private:
    const std::uint32_t* at_ = nullptr;
    const std::vector<AccessLevelId>* names_ = nullptr;
    const std::size_t* hashes_ = nullptr;
  };

  AccessLevelList(const std::uint32_t* positions, std::uint32_t size,
                  const std::vector<AccessLevelId>* names, const std::size_t* hashes)
      : external_(positions), size_(size), names_(names), hashes_(hashes) {}
  AccessLevelList(std::uint32_t first, std::uint32_t second, std::uint32_t size,
                  const std::vector<AccessLevelId>* names, const std::size_t* hashes)
      : inline_{first, second}, size_(size), names_(names), hashes_(hashes) {}
  iterator begin() const { return {data(), names_, hashes_}; }
  iterator end() const { return {data() + size_, names_, hashes_}; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::vector<AccessLevelId> to_vector() const { return {begin(), end()}; }

 private:
  const std::uint32_t* data() const { return external_ != nullptr ? external_ : inline_; }
  const std::uint32_t* external_ = nullptr;
  std::uint32_t inline_[2] = {0, 0};
  std::uint32_t size_;
  const std::vector<AccessLevelId>* names_;
  const std::size_t* hashes_;
};

// One enrolled person, read from the directory's compact record.
class PersonView {
 public:
  PersonId id() const { return PersonId(std::string(id_str())); }
  std::string_view id_str() const;
  std::string_view name() const;
  bool active() const;
  AccessLevelList access_levels() const;
  Clearance clearance() const;
  std::uint32_t position() const { return position_; }
  bool operator==(const PersonView&) const = default;

 private:
  friend class PeopleDirectory;
  PersonView(const PeopleDirectory* people, std::uint32_t position)
      : people_(people), position_(position) {}
  const PeopleDirectory* people_;
  std::uint32_t position_;
};

// One enrolled card.
class CredentialView {
 public:
  CardNumber card() const;
  PersonId person() const;
  bool active() const;
  std::optional<TimePoint> valid_from() const;
  std::optional<TimePoint> valid_until() const;
  bool operator==(const CredentialView&) const = default;

 private:
  friend class PeopleDirectory;
  CredentialView(const PeopleDirectory* people, std::uint32_t position)
      : people_(people), position_(position) {}
  const PeopleDirectory* people_;
  std::uint32_t position_;
};

class PeopleDirectory {
 public:
  struct Holder {
    PersonView person;
    CredentialView credential;
    // The holder's position in this directory (issue 8): the *_at lookups
    // below take it, so decide() hashes no person id.
    std::uint32_t position = 0;
  };

  // Replaces any person with the same id (their cards, PIN, risks and
  // visits stay with them).
  void add_person(const Person& person);
  // The person must exist (std::out_of_range otherwise); replaces any
  // credential with the same card.
  void add_credential(const Credential& credential);
  // Bulk loading (s22-start): a person whose id the caller knows is not in
  // the directory yet (a table's primary key) is appended without the
  // search for one to replace, and a card whose holder's position is known
  // is added without looking the holder up. Each search in 2,000,000 ids
  // costs cache misses into the records and the text.
  std::uint32_t append_new_person(const Person& person);
  void add_credential_at(std::uint32_t holder, const Credential& credential);
  // A card the caller knows is not in the directory yet (the credentials
  // table's primary key, read into a fresh directory): appended without
  // the search for one to replace (s23-start). `credential.person` is not
  // read; `holder` names the holder.
  void append_new_credential_at(std::uint32_t holder, const Credential& credential);
  // Room for this many people and cards (and, when given, PINs), so that a
  // bulk load neither reallocates nor leaves growth slack.
  void reserve(std::size_t people, std::size_t credentials, std::size_t pins = 0);
  // Gives back the slack growth left in the arrays; call after a bulk load.
  void shrink_to_fit();

  std::optional<Holder> find_card(const CardNumber& card) const;
  // The same, calling on_holder(position) with the holder's position as
  // soon as the card's slot names it, before the card entry is compared
  // (s23): the caller starts fetching what it will read for that person (an
  // index by position) beside the card entry and the record. A slot whose
  // fingerprint matches another card (1 in 1,024) calls it too.
  template <class OnHolder>
  std::optional<Holder> find_card(const CardNumber& card, OnHolder on_holder) const;
  // Starts fetching the card table's slot for `card` (s23): decide() asks
  // first thing, and the slot's miss then runs while it finds the reader,
  // the door and the zone. Changes nothing.
  void prefetch_card(const CardNumber& card) const {
    cards_by_number_.prefetch(std::hash<CardNumber>{}(card));
  }
  std::optional<PersonView> find_person(const PersonId& id) const;
  PersonView person_at(std::uint32_t position) const { return {this, position}; }
  // Flags and trips, kept apart from the person because few people have
  // any: a read by someone without costs one test of an empty map.
  void set_risk(const PersonId& id, PersonRisk risk);
  const PersonRisk* risk_of(const PersonId& id) const;
  const PersonRisk* risk_at(std::uint32_t position) const;
  // The person's PIN (issue 8), for card + PIN doors; nullptr when none is
  // on file. Kept apart like the risks: most people at most sites have none.
  void set_pin(const PersonId& id, const PinHash& pin);
  // The same for the person at `position` (< person_count()): a bulk load
  // that already knows the position hashes no id (s22-start).
  void set_pin_at(std::uint32_t position, const PinHash& pin);
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
  std::size_t credential_count() const { return cards_.size(); }
  // Positions never move inside a directory (a replaced person keeps theirs),
  // but a directory loaded anew numbers people afresh. The generation names
  // one numbering: it is new for every directory built and changes whenever
  // a person is appended, and a copy shares it with its original. An index
  // by position (Occupancy::follow) is valid for its generation alone.
  std::uint64_t generation() const { return generation_; }
  // Every enrolled card, in no particular order (a door board's offline
  // cache is built from these).
  std::vector<CardNumber> cards() const;

 private:
  friend class PersonView;
  friend class CredentialView;

  // 16 bytes a person. `text` is the offset in text_ of the id and then the
  // name, each preceded by its length (LEB128).
  struct Record {
    std::uint32_t text = 0;
    // Up to two level positions under 65,536 inline (16 bits each, the
    // count in the flags), else with kLevelSet the offset of an interned set
    // in level_sets_.
    std::uint32_t levels = 0;
    std::int32_t expires = 0;  // clearance's last valid day, with kHasExpiry
    std::uint8_t clearance = 0;
    // kActive, kHasExpiry, kLevelSet, inline level count << 3, kHasRisk,
    // kHasVisits.
    std::uint8_t flags = 0;
  };
  // 20 bytes a card. `dates` is 1 + the slot in dates_ (0: no validity
  // dates); its top bit marks an inactive credential.
  struct CardEntry {
    std::uint32_t number_low = 0;
    std::uint32_t number_high = 0;
    std::uint32_t facility = 0;
    std::uint32_t person = 0;  // position in people_
    std::uint32_t dates = 0;
    CardNumber card() const { return {facility, (std::uint64_t{number_high} << 32) | number_low}; }
  };
  static constexpr std::uint8_t kActive = 1;
  static constexpr std::uint8_t kHasExpiry = 2;
  static constexpr std::uint8_t kLevelSet = 4;
  // The person has an entry in risks_ / visits_: a read by someone without
  // (nearly everyone) tests a bit of the record it reads anyway instead of
  // probing a hash map of thousands (issue 8: a cache miss or two a read).
  static constexpr std::uint8_t kHasRisk = 0x20;
  static constexpr std::uint8_t kHasVisits = 0x40;
  static constexpr std::uint32_t kInactive = 0x8000'0000u;

  std::pair<std::string_view, std::string_view> text_of(const Record& r) const;
  Record make_record(const Person& person, const Record* replacing);
  std::uint32_t append_record(std::size_t hash, const Record& record, const PersonId& id);
  std::uint32_t store_text(const Person& person, const Record* replacing);
  std::uint32_t level_position(const AccessLevelId& level);
  void store_levels(const std::vector<AccessLevelId>& levels, Record& record);
  std::uint32_t store_dates(const Credential& credential, std::uint32_t reuse);
  std::optional<std::uint32_t> person_position(const PersonId& id) const;
  std::optional<std::uint32_t> person_position(std::string_view id) const;
  std::optional<std::uint32_t> card_position(const CardNumber& card) const;
  void adopt_orphans(std::uint32_t pos, const PersonId& id);
  void mark(std::uint32_t pos, std::uint8_t bit, bool on);
  static std::uint64_t next_generation();

  std::uint64_t generation_ = next_generation();
  // The tables a read at a card reaches at random live in 2 MiB pages once
  // large (vigil/core/huge_pages.hpp, s23).
  std::vector<Record, HugePageAllocator<Record>> people_;
  std::vector<char> text_;
  std::vector<CardEntry, HugePageAllocator<CardEntry>> cards_;
  std::vector<std::pair<std::optional<TimePoint>, std::optional<TimePoint>>> dates_;
  FlatPositions people_by_id_;
  // Each card's slot keeps its holder's position beside the card's (s22): a
  // read fetches the card entry (to compare the number) and the holder's
  // record at once instead of one after the other.
  BasicFlatPositions<std::uint32_t> cards_by_number_;
  // Level names (each once) and the interned level sets: level_sets_ holds,
  // for each distinct set, its size and then its level positions.
  std::vector<AccessLevelId> level_names_;
  std::vector<std::size_t> level_hashes_;  // each name's hash, by position
  FlatPositions levels_by_name_;
  std::vector<std::uint32_t> level_sets_;
  std::vector<std::uint32_t> level_set_starts_;
  FlatPositions level_sets_by_content_;
  // PINs by person position (slot + 1 into pins_, 0 = none; empty until the
  // first PIN); a PIN for an id not enrolled (yet) waits in orphan_pins_.
  std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> pin_slots_;
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

template <class OnHolder>
std::optional<PeopleDirectory::Holder> PeopleDirectory::find_card(const CardNumber& card,
                                                                  OnHolder on_holder) const {
  const auto found = cards_by_number_.find_with_value(std::hash<CardNumber>{}(card),
                                                      [&](std::uint32_t pos, std::uint32_t holder) {
                                                        // The holder's record is known before the
                                                        // card entry arrives: fetch both at once
                                                        // (at 2 M people each is a miss to memory,
                                                        // and every read at a known card goes on to
                                                        // the record).
                                                        __builtin_prefetch(&people_[holder]);
                                                        on_holder(holder);
                                                        return cards_[pos].card() == card;
                                                      });
  if (!found) return std::nullopt;
  const auto [pos, person] = *found;
  return Holder{PersonView{this, person}, CredentialView{this, pos}, person};
}

inline std::string_view PersonView::id_str() const {
  return people_->text_of(people_->people_[position_]).first;
}
inline std::string_view PersonView::name() const {
  return people_->text_of(people_->people_[position_]).second;
}
inline bool PersonView::active() const {
  return (people_->people_[position_].flags & PeopleDirectory::kActive) != 0;
}
inline AccessLevelList PersonView::access_levels() const {
  const auto& r = people_->people_[position_];
  if ((r.flags & PeopleDirectory::kLevelSet) == 0) {
    return {r.levels & 0xFFFFu, r.levels >> 16, static_cast<std::uint32_t>((r.flags >> 3) & 3u),
            &people_->level_names_, people_->level_hashes_.data()};
  }
  const std::uint32_t* set = people_->level_sets_.data() + r.levels;
  return {set + 1, *set, &people_->level_names_, people_->level_hashes_.data()};
}
inline Clearance PersonView::clearance() const {
  const auto& r = people_->people_[position_];
  Clearance c{static_cast<ClearanceLevel>(r.clearance), std::nullopt};
  if ((r.flags & PeopleDirectory::kHasExpiry) != 0) c.expires = LocalDate{r.expires};
  return c;
}

inline CardNumber CredentialView::card() const {
  return people_->cards_[position_].card();
}
inline PersonId CredentialView::person() const {
  return people_->person_at(people_->cards_[position_].person).id();
}
inline bool CredentialView::active() const {
  return (people_->cards_[position_].dates & PeopleDirectory::kInactive) == 0;
}
inline std::optional<TimePoint> CredentialView::valid_from() const {
  const std::uint32_t slot = people_->cards_[position_].dates & ~PeopleDirectory::kInactive;
  return slot == 0 ? std::nullopt : people_->dates_[slot - 1].first;
}
inline std::optional<TimePoint> CredentialView::valid_until() const {
  const std::uint32_t slot = people_->cards_[position_].dates & ~PeopleDirectory::kInactive;
  return slot == 0 ? std::nullopt : people_->dates_[slot - 1].second;
}

}  // namespace vigil::core
