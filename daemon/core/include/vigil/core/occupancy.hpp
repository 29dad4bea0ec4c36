// Who is inside which zone (issue 8): anti-passback, occupancy limits and
// the muster list. A person is where their last `entry` event put them (a
// granted read whose door then opened), with its time; entering another
// zone, the surrounding one or `outside` included, moves them there. A zone
// counts the people in it and in the zones nested inside it. Folded from
// `entry` events, so the journal rebuilds it at start.
//
// Keyed by person id, so whoever is inside stays on the muster list when a
// roster change drops or renumbers them. decide() asks by the person's
// position in the people directory (issue 8: no id hashed per read): an
// index from positions to presences, kept for one directory generation
// (PeopleDirectory::generation) by follow() and by enter() when it is told
// the directory; asked for another generation it answers by id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vigil/core/event.hpp"
#include "vigil/core/huge_pages.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/people.hpp"
#include "vigil/core/time.hpp"

namespace vigil::core {

struct Site;
struct Zone;

struct Presence {
  ZoneId zone;
  TimePoint since{};  // the entry's wall time
};

class Occupancy {
 public:
  // The person is now in `zone`, since `at`. With the directory the index
  // follows, a newcomer is indexed by position; without it (or with another
  // generation) a newcomer drops the index until the next follow().
  void enter(const PersonId& person, const ZoneId& zone, TimePoint at,
             const PeopleDirectory* people = nullptr);
  // An `entry` event with person and zone moves the person; any other event
  // changes nothing. Events must come in journal order.
  void observe(const Event& e, const PeopleDirectory* people = nullptr);
  // Indexes everyone inside by their position in `people` unless the index
  // already follows its generation: once after a roster reload or a
  // restore, O(people inside) id lookups.
  void follow(const PeopleDirectory& people);

  const Presence* where(const PersonId& person) const;
  // The same for a person of `people`: one array read when the index
  // follows `people`, else a lookup by id.
  const Presence* where(const PeopleDirectory& people, PersonView person) const;
  // Starts fetching the index slot that where(people, person) will read for
  // the person at `position`, when the index follows `people` (s22): decide()
  // knows the position as soon as the card's slot is read, and the fetch then
  // runs beside those of the card entry and the person's record instead of
  // after them (at 2 M people each is a miss to memory). Changes nothing.
  void prefetch(const PeopleDirectory& people, std::uint32_t position) const {
    if (indexed_ == people.generation() && position < by_position_.size()) {
      __builtin_prefetch(&by_position_[position]);
    }
  }
  // Whether the person is in `zone` or a zone nested inside it.
  bool inside(const Site& site, const PersonId& person, const ZoneId& zone) const;
  // Where the person is when that is `zone` or inside it; else nullptr (one
  // lookup for decide(), which needs both answers).
  const Presence* where_within(const Site& site, const PersonId& person, const ZoneId& zone) const;
  const Presence* where_within(const Site& site, const PeopleDirectory& people, PersonView person,
                               const Zone& zone) const;
  // People in `zone` and the zones nested inside it.
  std::size_t count(const Site& site, const ZoneId& zone) const;
  // The same for a zone of `site` found already (decide() at a limited zone).
  std::size_t count(const Site& site, const Zone& zone) const;
  // Everyone whose current zone is exactly `zone`, by time of entry.
  std::vector<std::pair<PersonId, Presence>> in_zone(const ZoneId& zone) const;
  std::size_t people() const { return entries_.size(); }

 private:
  void index(std::uint32_t slot, std::uint32_t position, std::size_t people);

  std::uint32_t zone_code(const ZoneId& zone);
  // count() by walking up from each zone someone is in.
  std::size_t count_by_walk(const Site& site, const ZoneId& zone) const;

  // Everyone ever seen, in order of first entry (a presence is overwritten,
  // never removed, so slots are stable).
  std::vector<std::pair<PersonId, Presence>> entries_;
  // Each slot's zone as a 4-byte number into zones_ (s23): decide() asks
  // whether the person is inside the zone of the read from these (800 KB
  // for 200,000 inside) and reads the presence itself (72 bytes, a miss to
  // memory) only when the answer is yes, for its time.
  std::vector<std::uint32_t> zone_of_slot_;
  std::vector<ZoneId> zones_;  // each zone a presence named, once
  std::unordered_map<ZoneId, std::uint32_t> zone_codes_;
  std::unordered_map<PersonId, std::uint32_t> slot_of_;
  std::unordered_map<ZoneId, std::size_t> direct_;  // people whose current zone is the key
  // 1 + slot in entries_ by position in the directory of generation
  // indexed_ (0 = not inside); sized lazily, up to that directory's size.
  std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> by_position_;
  std::uint64_t indexed_ = 0;  // 0 = no index
};

// Whether `inner` is `outer` or lies inside it (following Zone::parent).
bool zone_within(const Site& site, const ZoneId& inner, const ZoneId& outer);

}  // namespace vigil::core
