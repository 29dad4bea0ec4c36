// Find an element of a vector by its id in one hash probe instead of a walk
// (issue 8: 1,000 access levels and 200 zones are walked on every read).
// The index keeps positions, not pointers or keys, so it survives copies of
// the vectors it was built on; every hit is checked against the vector, and
// an id the index does not hold is looked for the slow way, so a vector
// edited after build() still answers right (just slower).
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace vigil::core {

class IdIndex {
 public:
  // `id_of(item)` returns the item's id (anything with .str()).
  template <class T, class IdOf>
  void build(const std::vector<T>& items, IdOf id_of) {
    slots_.assign(std::bit_ceil(items.size() * 2 + 2), 0);
    for (std::size_t pos = 0; pos < items.size(); ++pos) {
      const std::string_view id = id_of(items[pos]).str();
      for (std::size_t s = hash(id);; ++s) {
        std::uint32_t& slot = slots_[s & (slots_.size() - 1)];
        if (slot == 0) {
          slot = static_cast<std::uint32_t>(pos + 1);
          break;
        }
        if (id_of(items[slot - 1]).str() == id) break;  // a duplicate: the first one wins
      }
    }
  }

  template <class T, class IdOf, class Id>
  const T* find(const std::vector<T>& items, IdOf id_of, const Id& id) const {
    return find(items, id_of, id, hash(id.str()));
  }

  // The same with the id's hash known already (std::hash<std::string_view>
  // of its text, as a people directory keeps for each level name).
  template <class T, class IdOf, class Id>
  const T* find(const std::vector<T>& items, IdOf id_of, const Id& id, std::size_t id_hash) const {
    const std::string_view key = id.str();
    if (!slots_.empty()) {
      for (std::size_t s = id_hash;; ++s) {
        const std::uint32_t slot = slots_[s & (slots_.size() - 1)];
        if (slot == 0) break;
        if (slot <= items.size() && id_of(items[slot - 1]).str() == key) return &items[slot - 1];
      }
    }
    auto it = std::find_if(items.begin(), items.end(),
                           [&](const T& item) { return id_of(item).str() == key; });
    return it == items.end() ? nullptr : &*it;
  }

 private:
  static std::size_t hash(std::string_view id) { return std::hash<std::string_view>{}(id); }
  std::vector<std::uint32_t> slots_;  // position + 1; 0 = empty
};

}  // namespace vigil::core
