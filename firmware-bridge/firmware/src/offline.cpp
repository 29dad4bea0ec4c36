#include "vigil/fwb/offline.hpp"

#include "vigil/fwb/cache_key.hpp"

namespace vigil::fwb {

void BoardClock::sync(const TimeSync& t, Millis now) {
  synced_ = true;
  last_ = t;
  synced_at_ = now;
}

std::uint64_t BoardClock::unix_ms(Millis now) const {
  return last_.unix_ms + static_cast<std::uint64_t>((now - synced_at_).count());
}

std::int32_t BoardClock::utc_offset_s(std::uint64_t unix_ms) const {
  if (last_.next_change_unix_s != 0 && unix_ms / 1000 >= last_.next_change_unix_s) {
    return last_.next_offset_s;
  }
  return last_.utc_offset_s;
}

OfflineDecision decide_offline(const CredentialCache& cache, std::uint8_t reader,
                               std::uint8_t reader_count, std::uint32_t facility,
                               std::uint64_t number, std::uint64_t unix_ms,
                               std::int32_t utc_offset_s) {
  // Same order of checks as decide(): reader, card, validity, level, schedule.
  if (reader >= reader_count || reader >= 8) return {false, OfflineReason::unknown_reader};
  if (cache.version() == 0) return {false, OfflineReason::no_cache};
  const StoredEntry* e = cache.find(card_key(facility, number));
  if (e == nullptr) return {false, OfflineReason::unknown_card};
  if ((e->flags & kCacheEntryInactive) != 0 ||
      (e->valid_from != 0 && unix_ms < std::uint64_t{e->valid_from} * 1000) ||
      (e->valid_until != 0 && unix_ms >= std::uint64_t{e->valid_until} * 1000)) {
    return {false, OfflineReason::inactive_credential};
  }
  const auto bit = static_cast<std::uint8_t>(1u << reader);
  if ((e->readers & bit) == 0) return {false, OfflineReason::no_access_level};
  // Local time; 1970-01-01 was a Thursday (weekday 3 with Monday = 0).
  const std::int64_t local_s = static_cast<std::int64_t>(unix_ms / 1000) + utc_offset_s;
  std::int64_t day = local_s / 86400;
  std::int64_t second = local_s % 86400;
  if (second < 0) {
    second += 86400;
    --day;
  }
  const int weekday = static_cast<int>(((day + 3) % 7 + 7) % 7);
  const int minute = static_cast<int>(second / 60);
  for (const ScheduleWindow& w : cache.windows()) {
    if (w.schedule != e->schedule || (w.readers & bit) == 0) continue;
    if ((w.weekdays & (1u << weekday)) == 0) continue;
    if (minute >= w.start_minute && minute < w.end_minute) return {true, OfflineReason::none};
  }
  return {false, OfflineReason::outside_schedule};
}

bool OfflineEventRing::push(OfflineEvent e) {
  e.event_seq = next_seq_++;
  if (count_ == storage_.size()) {
    ++dropped_pending_;
    ++dropped_total_;
    return false;
  }
  e.dropped_before = dropped_pending_;
  dropped_pending_ = 0;
  storage_[(head_ + count_) % storage_.size()] = e;
  ++count_;
  return true;
}

void OfflineEventRing::pop() {
  if (count_ == 0) return;
  head_ = (head_ + 1) % storage_.size();
  --count_;
}

const char* to_string(OfflineReason r) {
  switch (r) {
    case OfflineReason::none:
      return "none";
    case OfflineReason::unknown_card:
      return "unknown_card";
    case OfflineReason::inactive_credential:
      return "inactive_credential";
    case OfflineReason::no_access_level:
      return "no_access_level";
    case OfflineReason::outside_schedule:
      return "outside_schedule";
    case OfflineReason::unknown_reader:
      return "unknown_reader";
    case OfflineReason::no_cache:
      return "no_cache";
    case OfflineReason::no_time:
      return "no_time";
  }
  return "?";
}

}  // namespace vigil::fwb
