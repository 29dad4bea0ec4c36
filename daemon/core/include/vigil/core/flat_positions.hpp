// An open-addressing hash table of positions into a container its owner
// keeps (issue 8: 2,000,000 people). Four bytes a slot, at most half full,
// linear probing: a lookup is one hash and, mostly, one cache line, where a
// node-based map costs a bucket, a node and the key's own allocation. The
// owner supplies the hash and the key comparison, so the table stores no
// keys and survives copies of the container.
#pragma once

#include <sys/mman.h>

#include <bit>
#include <cstdint>
#include <optional>
#include <vector>

namespace vigil::core {

// Asks the kernel to back a large table with 2 MiB pages where it can
// (transparent huge pages in `madvise` mode): a random probe into a 16 MiB
// table otherwise costs a TLB miss and a page walk on top of the cache miss.
// Only the whole 2 MiB pages inside [p, p + bytes) are advised; a no-op for
// small tables and where the kernel declines.
inline void advise_huge_pages(const void* p, std::size_t bytes) {
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  if (bytes < 2 * kHuge) return;
  const auto begin = (reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHuge - 1);
  // NOLINTNEXTLINE(performance-no-int-to-ptr): the address of the table itself
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

class FlatPositions {
 public:
  // The position whose item `matches`, probing from `hash`.
  template <class Matches>
  std::optional<std::uint32_t> find(std::size_t hash, Matches matches) const {
    if (slots_.empty()) return std::nullopt;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t s = hash & mask;; s = (s + 1) & mask) {
      const std::uint32_t slot = slots_[s];
      if (slot == 0) return std::nullopt;
      if (matches(slot - 1)) return slot - 1;
    }
  }

  // Adds `pos` (whose key is not in the table yet). `hash_at(pos)` rehashes
  // the items already in when the table grows.
  template <class HashAt>
  void insert(std::size_t hash, std::uint32_t pos, HashAt hash_at) {
    if ((count_ + 1) * 2 > slots_.size()) grow(count_ + 1, hash_at);
    place(hash, pos);
    ++count_;
  }

  template <class HashAt>
  void reserve(std::size_t n, HashAt hash_at) {
    if (n * 2 > slots_.size()) grow(n, hash_at);
  }

 private:
  void place(std::size_t hash, std::uint32_t pos) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t s = hash & mask;
    while (slots_[s] != 0) s = (s + 1) & mask;
    slots_[s] = pos + 1;
  }

  template <class HashAt>
  void grow(std::size_t n, HashAt hash_at) {
    std::vector<std::uint32_t> old = std::move(slots_);
    slots_.assign(std::bit_ceil(n * 2 < 16 ? std::size_t{16} : n * 2), 0);
    advise_huge_pages(slots_.data(), slots_.size() * sizeof(std::uint32_t));
    for (std::uint32_t slot : old) {
      if (slot != 0) place(hash_at(slot - 1), slot - 1);
    }
  }

  std::vector<std::uint32_t> slots_;  // position + 1; 0 = empty
  std::size_t count_ = 0;
};

}  // namespace vigil::core
