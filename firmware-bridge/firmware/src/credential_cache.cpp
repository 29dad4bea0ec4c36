#include "vigil/fwb/credential_cache.hpp"

namespace vigil::fwb {

CacheApply CredentialCache::discard(CacheApply why) {
  building_ = 0;
  next_index_ = 0;
  return why;
}

CacheApply CredentialCache::apply(const CacheChunk& chunk) {
  if (chunk.index == 0) {
    // A new image replaces the old in place: until its last chunk arrives
    // there is no usable cache (see docs/design.md, issue 12).
    building_ = chunk.version;
    next_index_ = 0;
    version_ = 0;
    size_ = 0;
    window_count_ = 0;
  }
  if (building_ == 0 || chunk.version != building_ || chunk.index != next_index_ ||
      chunk.version == 0) {
    return discard(CacheApply::out_of_order);
  }
  if (chunk.kind == CacheChunkKind::schedules) {
    if (size_ != 0) return discard(CacheApply::out_of_order);  // schedules come first
    if (window_count_ + chunk.count > windows_.size()) return discard(CacheApply::full);
    for (std::size_t i = 0; i < chunk.count; ++i) windows_[window_count_++] = chunk.windows[i];
  } else {
    if (size_ + chunk.count > storage_.size()) return discard(CacheApply::full);
    for (std::size_t i = 0; i < chunk.count; ++i) {
      const CacheEntry& e = chunk.entries[i];
      if (size_ > 0 && e.key <= storage_[size_ - 1].key()) return discard(CacheApply::not_sorted);
      StoredEntry& s = storage_[size_++];
      s.key_low = static_cast<std::uint32_t>(e.key);
      s.key_high = static_cast<std::uint32_t>(e.key >> 32);
      s.valid_from = e.valid_from;
      s.valid_until = e.valid_until;
      s.readers = e.readers;
      s.schedule = e.schedule;
      s.flags = e.flags;
    }
  }
  if (++next_index_ < chunk.chunk_count) return CacheApply::accepted;
  version_ = building_;
  building_ = 0;
  next_index_ = 0;
  return CacheApply::installed;
}

const StoredEntry* CredentialCache::find(std::uint64_t key) const {
  if (version_ == 0) return nullptr;
  std::size_t lo = 0;
  std::size_t hi = size_;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    const std::uint64_t k = storage_[mid].key();
    if (k == key) return &storage_[mid];
    if (k < key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return nullptr;
}

const char* to_string(CacheApply a) {
  switch (a) {
    case CacheApply::accepted:
      return "accepted";
    case CacheApply::installed:
      return "installed";
    case CacheApply::out_of_order:
      return "out_of_order";
    case CacheApply::not_sorted:
      return "not_sorted";
    case CacheApply::full:
      return "full";
  }
  return "?";
}

}  // namespace vigil::fwb
