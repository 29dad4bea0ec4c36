// The board's offline credential cache: a sorted array of compact entries in
// storage the board layer provides (a static array: no heap), plus the
// weekly schedule windows. Filled by CacheChunk messages of one image
// version in order; the image is usable once its last chunk arrived. A
// lookup is a binary search: 14 steps for 10,000 cards.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "vigil/fwb/message.hpp"

namespace vigil::fwb {

// 20 bytes (CacheEntry is 24 with the u64's alignment): 10,000 cards fit in
// 200,000 bytes.
struct StoredEntry {
  std::uint32_t key_low = 0;
  std::uint32_t key_high = 0;
  std::uint32_t valid_from = 0;
  std::uint32_t valid_until = 0;
  std::uint8_t readers = 0;
  std::uint8_t schedule = 0;
  std::uint8_t flags = 0;
  std::uint8_t reserved = 0;
  std::uint64_t key() const { return (std::uint64_t{key_high} << 32) | key_low; }
};
static_assert(sizeof(StoredEntry) == 20);

inline constexpr std::size_t kMaxScheduleWindows = 256;

enum class CacheApply : std::uint8_t {
  accepted,      // chunk stored, more to come
  installed,     // last chunk: the image is in use
  out_of_order,  // not the next chunk of the image being built: wait for a chunk 0
  not_sorted,    // entry keys not strictly ascending: image discarded
  full,          // more entries or windows than the storage holds: image discarded
};
const char* to_string(CacheApply a);

class CredentialCache {
 public:
  explicit CredentialCache(std::span<StoredEntry> storage) : storage_(storage) {}

  CacheApply apply(const CacheChunk& chunk);
  // installed (now at delta.version), out_of_order (the cache is not at
  // delta.base_version) or full; nothing changes unless installed.
  CacheApply apply(const CacheDelta& delta);

  // 0 while no complete image is installed (never, or one is being replaced).
  std::uint32_t version() const { return version_; }
  std::size_t size() const { return version_ != 0 ? size_ : 0; }
  std::size_t capacity() const { return storage_.size(); }
  const StoredEntry* find(std::uint64_t key) const;
  std::span<const ScheduleWindow> windows() const {
    return std::span<const ScheduleWindow>(windows_.data(), version_ != 0 ? window_count_ : 0);
  }

 private:
  CacheApply discard(CacheApply why);
  std::size_t lower_bound(std::uint64_t key) const;

  std::span<StoredEntry> storage_;
  std::array<ScheduleWindow, kMaxScheduleWindows> windows_{};
  std::size_t size_ = 0;
  std::size_t window_count_ = 0;
  std::uint32_t version_ = 0;
  std::uint32_t building_ = 0;  // version being received, 0 = none
  std::uint16_t next_index_ = 0;
};

}  // namespace vigil::fwb
