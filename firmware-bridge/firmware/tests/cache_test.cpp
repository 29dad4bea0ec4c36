#include <gtest/gtest.h>

#include <vector>

#include "vigil/fwb/cache_key.hpp"
#include "vigil/fwb/credential_cache.hpp"
#include "vigil/fwb/offline.hpp"

namespace vigil::fwb {
namespace {

CacheChunk entries_chunk(std::uint32_t version, std::uint16_t index, std::uint16_t count,
                         std::vector<std::uint64_t> keys) {
  CacheChunk c;
  c.version = version;
  c.index = index;
  c.chunk_count = count;
  c.kind = CacheChunkKind::entries;
  c.count = static_cast<std::uint8_t>(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) c.entries[i] = {keys[i], 0, 0, 1, 0, 0};
  return c;
}

TEST(CredentialCache, InstallsAnImageWhenItsLastChunkArrives) {
  std::vector<StoredEntry> storage(100);
  CredentialCache cache(storage);
  EXPECT_EQ(cache.apply(entries_chunk(4, 0, 2, {10, 20})), CacheApply::accepted);
  EXPECT_EQ(cache.version(), 0u);
  EXPECT_EQ(cache.find(10), nullptr) << "not usable half-way";
  EXPECT_EQ(cache.apply(entries_chunk(4, 1, 2, {30})), CacheApply::installed);
  EXPECT_EQ(cache.version(), 4u);
  EXPECT_EQ(cache.size(), 3u);
  ASSERT_NE(cache.find(20), nullptr);
  EXPECT_EQ(cache.find(20)->key(), 20u);
  EXPECT_EQ(cache.find(25), nullptr);
}

TEST(CredentialCache, WaitsForChunkZeroAfterAChunkOutOfOrder) {
  std::vector<StoredEntry> storage(100);
  CredentialCache cache(storage);
  EXPECT_EQ(cache.apply(entries_chunk(4, 0, 3, {10})), CacheApply::accepted);
  EXPECT_EQ(cache.apply(entries_chunk(4, 2, 3, {30})), CacheApply::out_of_order);
  EXPECT_EQ(cache.apply(entries_chunk(4, 1, 3, {20})), CacheApply::out_of_order);
  EXPECT_EQ(cache.apply(entries_chunk(5, 1, 3, {20})), CacheApply::out_of_order);
  EXPECT_EQ(cache.version(), 0u);
}

TEST(CredentialCache, RefusesUnsortedAndOversizedImages) {
  std::vector<StoredEntry> storage(3);
  CredentialCache cache(storage);
  EXPECT_EQ(cache.apply(entries_chunk(1, 0, 1, {10, 10})), CacheApply::not_sorted);
  EXPECT_EQ(cache.apply(entries_chunk(1, 0, 1, {10, 20, 30, 40})), CacheApply::full);
  EXPECT_EQ(cache.apply(entries_chunk(1, 0, 1, {10, 20, 30})), CacheApply::installed);
}

CacheDelta cache_delta(std::uint32_t base, std::uint32_t version,
                       std::vector<std::pair<std::uint8_t, std::uint64_t>> ops) {
  CacheDelta d;
  d.base_version = base;
  d.version = version;
  d.count = static_cast<std::uint8_t>(ops.size());
  for (std::size_t i = 0; i < ops.size(); ++i) {
    d.ops[i] = ops[i].first;
    d.entries[i] = {ops[i].second, 0, 0, 0x02, 0, 0};
  }
  return d;
}

TEST(CredentialCache, ADeltaAddsReplacesAndRemovesEntriesAndKeepsThemSorted) {
  std::vector<StoredEntry> storage(5);
  CredentialCache cache(storage);
  ASSERT_EQ(cache.apply(entries_chunk(4, 0, 1, {10, 20, 30})), CacheApply::installed);
  constexpr std::uint8_t add = 0;
  constexpr std::uint8_t remove = kCacheDeltaRemove;
  EXPECT_EQ(cache.apply(cache_delta(4, 5, {{add, 25}, {remove, 10}, {add, 30}, {add, 5}})),
            CacheApply::installed);
  EXPECT_EQ(cache.version(), 5u);
  EXPECT_EQ(cache.size(), 4u);
  EXPECT_EQ(cache.find(10), nullptr);
  for (std::uint64_t k : {5, 20, 25, 30}) ASSERT_NE(cache.find(k), nullptr) << k;
  EXPECT_EQ(cache.find(30)->readers, 0x02) << "replaced in place";
  EXPECT_EQ(cache.find(20)->readers, 0x01) << "untouched";
  EXPECT_EQ(cache.apply(cache_delta(4, 6, {{remove, 20}})), CacheApply::out_of_order)
      << "based on a version the board no longer holds";
  EXPECT_EQ(cache.apply(cache_delta(5, 6, {{add, 1}, {add, 2}})), CacheApply::full);
  EXPECT_EQ(cache.version(), 5u) << "a delta that does not fit changes nothing";
  EXPECT_NE(cache.find(20), nullptr);
  EXPECT_EQ(cache.find(1), nullptr);
}

TEST(CredentialCache, HoldsTenThousandCardsInTwoHundredKilobytes) {
  static std::array<StoredEntry, 10'000> storage;
  EXPECT_EQ(sizeof(storage), 200'000u);
  CredentialCache cache(storage);
  const std::uint16_t chunks = 10'000 / 10;
  for (std::uint16_t i = 0; i < chunks; ++i) {
    std::vector<std::uint64_t> keys;
    for (int k = 0; k < 10; ++k) keys.push_back(card_key(1, i * 10u + static_cast<unsigned>(k)));
    const CacheApply r = cache.apply(entries_chunk(9, i, chunks, keys));
    ASSERT_EQ(r, i + 1 == chunks ? CacheApply::installed : CacheApply::accepted) << i;
  }
  EXPECT_EQ(cache.size(), 10'000u);
  EXPECT_NE(cache.find(card_key(1, 9'999)), nullptr);
  EXPECT_EQ(cache.find(card_key(2, 9'999)), nullptr);
}

TEST(CardKey, IsExactForRealCardsAndNeverCollidesWithThemWhenHashed) {
  EXPECT_EQ(card_key(12, 1001), 0x000C0000000003E9ull);
  EXPECT_NE(card_key(12, 1001), card_key(1001, 12));
  const std::uint64_t big = card_key(1u << 20, 5);
  EXPECT_NE(big & (std::uint64_t{1} << 63), 0u);
  EXPECT_NE(card_key(0, std::uint64_t{1} << 50), card_key(0, (std::uint64_t{1} << 50) + 1));
}

TEST(OfflineEventRing, KeepsTheOldestAndCountsWhatOverflows) {
  std::array<OfflineEvent, 4> storage{};
  OfflineEventRing ring(storage);
  for (std::uint32_t i = 0; i < 7; ++i) {
    OfflineEvent e;
    e.number = i;
    EXPECT_EQ(ring.push(e), i < 4);
  }
  EXPECT_EQ(ring.dropped_total(), 3u);
  std::vector<std::uint32_t> seqs;
  while (!ring.empty()) {
    seqs.push_back(ring.front().event_seq);
    ring.pop();
  }
  EXPECT_EQ(seqs, (std::vector<std::uint32_t>{1, 2, 3, 4}));
  OfflineEvent next;
  next.number = 99;
  ASSERT_TRUE(ring.push(next));
  EXPECT_EQ(ring.front().event_seq, 8u) << "the dropped 5..7 show as a gap";
  EXPECT_EQ(ring.front().dropped_before, 3u);
}

}  // namespace
}  // namespace vigil::fwb
