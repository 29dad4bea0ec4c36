// Offline mode: the board's wall clock (from the gateway's TimeSync), the
// decision it takes from its cache when it cannot ask the gateway, and the
// bounded ring of offline events it hands up when the link returns.
#pragma once

#include <cstdint>
#include <span>

#include "vigil/fwb/credential_cache.hpp"
#include "vigil/fwb/link.hpp"
#include "vigil/fwb/message.hpp"

namespace vigil::fwb {

// Same values as vigil::core::DenyReason, then the board's own.
enum class OfflineReason : std::uint8_t {
  none = 0,
  unknown_card = 1,
  inactive_credential = 2,
  no_access_level = 3,
  outside_schedule = 4,
  unknown_reader = 5,
  no_cache = 6,
  no_time = 7,
};
const char* to_string(OfflineReason r);

class BoardClock {
 public:
  void sync(const TimeSync& t, Millis now);
  bool synced() const { return synced_; }
  // Unix milliseconds now (valid once synced).
  std::uint64_t unix_ms(Millis now) const;
  std::int32_t utc_offset_s(std::uint64_t unix_ms) const;

 private:
  bool synced_ = false;
  TimeSync last_{};
  Millis synced_at_{0};
};

struct OfflineDecision {
  bool granted = false;
  OfflineReason reason = OfflineReason::unknown_card;
};

// The same rule as the gateway's decide() over the cache's compiled view of
// the site (see docs/firmware-bridge.md, "Credential cache").
OfflineDecision decide_offline(const CredentialCache& cache, std::uint8_t reader,
                               std::uint8_t reader_count, std::uint32_t facility,
                               std::uint64_t number, std::uint64_t unix_ms,
                               std::int32_t utc_offset_s);

// Oldest first. When full, the newest events are dropped (the held ones stay
// one gapless run) but still take a sequence number, so the gateway sees the
// gap; the next stored event says how many were dropped just before it.
class OfflineEventRing {
 public:
  explicit OfflineEventRing(std::span<OfflineEvent> storage) : storage_(storage) {}

  // Assigns event_seq and dropped_before. False when the ring was full.
  bool push(OfflineEvent e);
  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }
  const OfflineEvent& front() const { return storage_[head_]; }
  // The i-th oldest held event (i < size()).
  const OfflineEvent& at(std::size_t i) const { return storage_[(head_ + i) % storage_.size()]; }
  void pop();
  std::uint32_t dropped_total() const { return dropped_total_; }
  std::uint32_t next_seq() const { return next_seq_; }

 private:
  std::span<OfflineEvent> storage_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::uint32_t next_seq_ = 1;
  std::uint32_t dropped_pending_ = 0;
  std::uint32_t dropped_total_ = 0;
};

}  // namespace vigil::fwb
