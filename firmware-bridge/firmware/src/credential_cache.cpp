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

namespace {

StoredEntry stored(const CacheEntry& e) {
  StoredEntry s;
  s.key_low = static_cast<std::uint32_t>(e.key);
  s.key_high = static_cast<std::uint32_t>(e.key >> 32);
  s.valid_from = e.valid_from;
  s.valid_until = e.valid_until;
  s.readers = e.readers;
  s.schedule = e.schedule;
  s.flags = e.flags;
  return s;
}

}  // namespace

std::size_t CredentialCache::lower_bound(std::uint64_t key) const {
  std::size_t lo = 0;
  std::size_t hi = size_;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (storage_[mid].key() < key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// In place on the sorted array: an insert or removal moves the entries
// after it by one (at most 200 KB for 10,000 cards, well under a
// millisecond on a Cortex-M at tens of MHz). Checked first, so a delta that
// does not fit changes nothing.
CacheApply CredentialCache::apply(const CacheDelta& delta) {
  if (version_ == 0 || building_ != 0 || delta.base_version != version_ || delta.version == 0 ||
      delta.count > kMaxDeltaEntries) {
    return CacheApply::out_of_order;
  }
  std::size_t added = 0;
  for (std::size_t i = 0; i < delta.count; ++i) {
    if (delta.ops[i] == 0 && find(delta.entries[i].key) == nullptr) ++added;
  }
  if (size_ + added > storage_.size()) return CacheApply::full;
  for (std::size_t i = 0; i < delta.count; ++i) {
    const std::uint64_t key = delta.entries[i].key;
    const std::size_t at = lower_bound(key);
    const bool present = at < size_ && storage_[at].key() == key;
    if (delta.ops[i] == kCacheDeltaRemove) {
      if (!present) continue;
      for (std::size_t j = at; j + 1 < size_; ++j) storage_[j] = storage_[j + 1];
      --size_;
    } else if (present) {
      storage_[at] = stored(delta.entries[i]);
    } else {
      for (std::size_t j = size_; j > at; --j) storage_[j] = storage_[j - 1];
      storage_[at] = stored(delta.entries[i]);
      ++size_;
    }
  }
  version_ = delta.version;
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
