// An open-addressing hash table of positions into a container its owner
// keeps (issue 8: 2,000,000 people). Four bytes a slot, at most half full,
// linear probing: a lookup is one hash and, mostly, one cache line, where a
// node-based map costs a bucket, a node and the key's own allocation. The
// owner supplies the hash and the key comparison, so the table stores no
// keys and survives copies of the container.
//
// Each slot also keeps a fingerprint of its key's hash in the bits the
// position does not need (s22: with 4 Mi slots, positions take 22 bits and
// the fingerprint 10), so a probe past another key's slot asks the owner to
// compare keys (a cache miss into its container at 2 M items) only once in
// 1,024 times, and a key that is absent costs the one line of slots.
// BasicFlatPositions<std::uint32_t> carries four more bytes a slot that the
// owner sets with the position (the card table keeps the holder's position
// there, so a read can fetch the card entry and the holder's record at once).
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "vigil/core/huge_pages.hpp"

namespace vigil::core {

struct NoSlotValue {};

template <class Value = NoSlotValue>
class BasicFlatPositions {
  static constexpr bool kHasValue = !std::is_same_v<Value, NoSlotValue>;
  struct Slot {
    std::uint32_t tagged = 0;  // position + 1 in the low bits, fingerprint above; 0 = empty
    [[no_unique_address]] Value value{};
  };
  static_assert(sizeof(Slot) == (kHasValue ? 4 + sizeof(Value) : 4));

 public:
  // The position whose item `matches`, probing from `hash`. `matches` is
  // called only for slots whose fingerprint is the hash's; with a value it
  // is called as matches(position, value).
  template <class Matches>
  std::optional<std::uint32_t> find(std::size_t hash, Matches matches) const {
    const Slot* slot = find_slot(hash, matches);
    if (slot == nullptr) return std::nullopt;
    return position_in(*slot);
  }

  // The same, answering with the slot's value as well.
  template <class Matches>
  std::optional<std::pair<std::uint32_t, Value>> find_with_value(
      std::size_t hash, Matches matches) const requires kHasValue {
    const Slot* slot = find_slot(hash, matches);
    if (slot == nullptr) return std::nullopt;
    return std::pair{position_in(*slot), slot->value};
  }

  // Starts fetching the slot a find() from `hash` reads first (s23: at 2 M
  // people that slot is a miss to memory, and the caller has other work to
  // do while it comes). Changes nothing.
  void prefetch(std::size_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }

  // Adds `pos` (whose key is not in the table yet). `hash_at(pos)` rehashes
  // the items already in when the table grows.
  template <class HashAt>
  void insert(std::size_t hash, std::uint32_t pos, HashAt hash_at, Value value = {}) {
    if ((count_ + 1) * 2 > slots_.size() || std::size_t{pos} + 1 > position_mask_) {
      grow(std::max<std::size_t>(count_ + 1, std::size_t{pos} + 1), hash_at);
    }
    place(hash, pos, value);
    ++count_;
  }

  // Sets the value kept with `pos` (which is in the table under `hash`).
  void set_value(std::size_t hash, std::uint32_t pos, Value value) requires kHasValue {
    if (slots_.empty()) return;
    const std::uint32_t want = tag(hash, pos);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t s = hash & mask; slots_[s].tagged != 0; s = (s + 1) & mask) {
      if (slots_[s].tagged == want) {
        slots_[s].value = value;
        return;
      }
    }
  }

  template <class HashAt>
  void reserve(std::size_t n, HashAt hash_at) {
    if (n * 2 > slots_.size()) grow(n, hash_at);
  }

 private:
  // Slots are a power of two, 2^bits_, and hold at most half as many items,
  // so position + 1 fits in bits_ bits; the fingerprint is the hash's top
  // 32 - bits_ bits (none for a table of 2^32 slots).
  std::uint32_t position_in(const Slot& slot) const { return (slot.tagged & position_mask_) - 1; }
  std::uint32_t fingerprint(std::size_t hash) const {
    if (bits_ >= 32) return 0;
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(hash) >> (32 + bits_)) << bits_;
  }
  std::uint32_t tag(std::size_t hash, std::uint32_t pos) const {
    return fingerprint(hash) | (pos + 1);
  }

  template <class Matches>
  const Slot* find_slot(std::size_t hash, Matches& matches) const {
    if (slots_.empty()) return nullptr;
    const std::size_t mask = slots_.size() - 1;
    const std::uint32_t print = fingerprint(hash);
    for (std::size_t s = hash & mask;; s = (s + 1) & mask) {
      const Slot& slot = slots_[s];
      if (slot.tagged == 0) return nullptr;
      if ((slot.tagged & ~position_mask_) != print) continue;
      if constexpr (kHasValue) {
        if (matches(position_in(slot), slot.value)) return &slot;
      } else {
        if (matches(position_in(slot))) return &slot;
      }
    }
  }

  void place(std::size_t hash, std::uint32_t pos, Value value) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t s = hash & mask;
    while (slots_[s].tagged != 0) s = (s + 1) & mask;
    slots_[s] = Slot{tag(hash, pos), value};
  }

  template <class HashAt>
  void grow(std::size_t n, HashAt hash_at) {
    std::vector<Slot, HugePageAllocator<Slot>> old = std::move(slots_);
    const std::uint32_t old_mask = position_mask_;
    slots_.assign(std::bit_ceil(n * 2 < 16 ? std::size_t{16} : n * 2), Slot{});
    bits_ = static_cast<unsigned>(std::countr_zero(slots_.size()));
    position_mask_ = bits_ >= 32 ? ~std::uint32_t{0} : (std::uint32_t{1} << bits_) - 1;
    for (const Slot& slot : old) {
      if (slot.tagged == 0) continue;
      const std::uint32_t pos = (slot.tagged & old_mask) - 1;
      place(hash_at(pos), pos, slot.value);
    }
  }

  // Its own 2 MiB pages once large (s23): every read at a card starts with
  // a random slot of the card table.
  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  std::size_t count_ = 0;
  unsigned bits_ = 0;
  std::uint32_t position_mask_ = 0;
};

using FlatPositions = BasicFlatPositions<>;

}  // namespace vigil::core
