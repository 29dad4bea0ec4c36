// The names dictionary (table `names`): every door, reader, zone, person and
// device id, kind and reason text stored once and referenced by integer id.
// The cache is per connection. Names are never changed or deleted, so a
// cached entry stays true; an id another connection added is read on demand.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {

class Names {
 public:
  // The id of `text`, adding it if new. Call inside the write transaction,
  // and forget() if that transaction rolls back: the id may not survive.
  std::int64_t intern(sqlite::Database& db, std::string_view text);
  // The id of a stored name; nullopt if no row uses it (a query for it
  // matches nothing).
  std::optional<std::int64_t> find(sqlite::Database& db, std::string_view text);
  // The text of an id; nullptr if the dictionary has no such id.
  const std::string* text(sqlite::Database& db, std::int64_t id);
  // Records that a row names this door in this zone (table door_zones, which
  // zone queries go through). Only the first sighting costs a statement.
  void note_door_zone(sqlite::Database& db, std::int64_t door_id, std::int64_t zone_id);
  void forget();
  // Off while a bulk append (an import) interns millions of new person ids
  // that are never looked up again in it: a new id is then returned
  // without a cache entry (one node allocated, hashed and freed a person,
  // ~5 % of the writing thread at 2,000,000 rows, s26-import). A name
  // interned twice costs a SELECT the second time; ids are unchanged.
  void remember_new(bool on) { remember_new_ = on; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  void remember(std::int64_t id, std::string text);
  void remember_id(std::int64_t id, std::string_view text);  // text to id only

  std::unordered_map<std::string, std::int64_t, Hash, std::equal_to<>> ids_;
  // By id: dense from 0 while ids come in runs, and ids far past the
  // known ones apart.
  static constexpr std::size_t kDenseStep = 4096;
  std::vector<std::optional<std::string>> texts_;
  std::unordered_map<std::int64_t, std::string> far_texts_;
  std::unordered_set<std::uint64_t> door_zones_;  // door_id << 32 | zone_id, as noted
  bool remember_new_ = true;
};

}  // namespace vigil::journal
