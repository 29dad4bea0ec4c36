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
  void forget();

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  void remember(std::int64_t id, std::string text);

  std::unordered_map<std::string, std::int64_t, Hash, std::equal_to<>> ids_;
  std::vector<std::optional<std::string>> texts_;  // by id
};

}  // namespace vigil::journal
