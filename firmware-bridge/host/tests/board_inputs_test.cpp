#include <gtest/gtest.h>

#include "vigil/fwb/board_inputs.hpp"
#include "vigil/fwb/cache_image.hpp"

namespace vigil::fwb {
namespace {

TEST(OfflineCursor, TakesEachBoardEventOnceAndInOrderAcrossSessions) {
  struct Step {
    std::uint32_t session;
    std::uint32_t seq;
    std::uint32_t dropped_before;
    OfflineOrder order;
  };
  using enum OfflineOrder;
  const Step steps[] = {
      {7, 1, 0, next},      {7, 2, 0, next},   {7, 2, 0, duplicate},  // resent after a lost ack
      {7, 1, 0, duplicate}, {7, 4, 0, ahead},                         // 3 is still missing
      {7, 3, 0, next},      {7, 4, 0, next},   {9, 1, 0, next},  // board rebooted: restart at 1
      {9, 1, 0, duplicate}, {9, 5, 3, next},                     // 2..4 lost to a full ring
      {9, 7, 0, ahead},     {11, 2, 0, ahead}, {11, 3, 2, next},
  };
  OfflineCursor cursor;
  for (const auto& s : steps) {
    SCOPED_TRACE(std::to_string(s.session) + "/" + std::to_string(s.seq));
    EXPECT_EQ(cursor.accept(s.session, s.seq, s.dropped_before), s.order);
  }
  OfflineCursor restored(9, 5);
  EXPECT_EQ(restored.accept(9, 5, 0), duplicate) << "a restarted gateway remembers the last event";
  EXPECT_EQ(restored.accept(9, 6, 0), next);
}

TEST(BoardInputs, BoardReasonsKeepTheirNamesInTheJournal) {
  EXPECT_EQ(deny_reason(4), core::DenyReason::outside_schedule);
  EXPECT_EQ(deny_reason(6), core::DenyReason::no_cache);
  EXPECT_EQ(deny_reason(7), core::DenyReason::no_time);
}

TEST(BoardInputs, AnOfflineEventWithoutBoardTimeIsStampedWhenReceived) {
  OfflineEvent e;
  e.event_seq = 4;
  e.facility = 12;
  e.number = 9;
  e.reason = 7;
  const auto received = core::from_unix_micros(1'800'000'000'000'000);
  const auto d = offline_input(core::DeviceId("b"), core::ReaderId("r"), e, 3, received, {});
  EXPECT_FALSE(d.board_had_time);
  EXPECT_EQ(d.time, received);
  EXPECT_EQ(d.reason, core::DenyReason::no_time);
  e.unix_ms = 1'700'000'000'123;
  const auto timed = offline_input(core::DeviceId("b"), core::ReaderId("r"), e, 3, received, {});
  EXPECT_EQ(timed.time, core::from_unix_micros(1'700'000'000'123'000));
}

TEST(BoardInputs, TimeSyncCarriesTheNextOffsetChange) {
  constexpr std::int64_t kDstChange = 1774746000;  // 2026-03-29 01:00 UTC
  const core::TimeZone zone("Europe/Test", 3600, {{kDstChange, 7200}});
  const auto now = core::from_unix_micros((kDstChange - 5 * 86400 + 17) * 1'000'000);
  const TimeSync t = time_sync_for(zone, now);
  EXPECT_EQ(t.utc_offset_s, 3600);
  EXPECT_EQ(t.next_change_unix_s, static_cast<std::uint32_t>(kDstChange));
  EXPECT_EQ(t.next_offset_s, 7200);
  const TimeSync after = time_sync_for(zone, core::from_unix_micros(kDstChange * 1'000'000));
  EXPECT_EQ(after.utc_offset_s, 7200);
  EXPECT_EQ(after.next_change_unix_s, 0u);
}

TEST(CacheDeltas, CarryOnlyWhatChangedAndChainTheirVersions) {
  CacheImage from;
  from.version = 40;
  from.windows = {{0, 0x01, 0x7F, 0, 1440}};
  for (std::uint64_t k = 1; k <= 30; ++k) from.entries.push_back({k, 0, 0, 0x01, 0, 0});
  CacheImage to = from;
  to.entries.erase(to.entries.begin());       // key 1 removed
  to.entries[0].flags = kCacheEntryInactive;  // key 2 changed
  for (std::uint64_t k = 31; k <= 42; ++k) to.entries.push_back({k, 0, 0, 0x01, 0, 0});  // 12 new
  const auto deltas = cache_deltas(from, to);
  ASSERT_TRUE(deltas);
  ASSERT_EQ(deltas->size(), 2u) << "14 changes, 11 per message";
  EXPECT_EQ((*deltas)[0].base_version, 40u);
  EXPECT_EQ((*deltas)[0].version, 41u);
  EXPECT_EQ((*deltas)[1].base_version, 41u);
  EXPECT_EQ((*deltas)[1].version, 42u);
  EXPECT_EQ((*deltas)[0].ops[0], kCacheDeltaRemove);
  EXPECT_EQ((*deltas)[0].entries[0].key, 1u);
  EXPECT_EQ((*deltas)[0].entries[1], to.entries[0]);
  EXPECT_EQ((*deltas)[0].count + (*deltas)[1].count, 14);

  EXPECT_TRUE(cache_deltas(from, from)->empty()) << "nothing changed, nothing sent";
  CacheImage other_schedule = to;
  other_schedule.windows[0].end_minute = 600;
  EXPECT_FALSE(cache_deltas(from, other_schedule)) << "schedules change: a full image";
  CacheImage replaced = from;
  for (auto& e : replaced.entries) e.key += 1000;
  EXPECT_FALSE(cache_deltas(from, replaced)) << "cheaper as a full image";
}

TEST(BoardInputs, CardBitsComeOutInWireOrder) {
  CardRead r;
  r.bit_count = 10;
  r.bits[0] = 0b1010'0000;
  r.bits[1] = 0b0100'0000;
  const std::vector<bool> expect{true, false, true, false, false, false, false, false, false, true};
  EXPECT_EQ(card_bits(r), expect);
}

}  // namespace
}  // namespace vigil::fwb
