#include "vigil/fwb/cache_image.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include "vigil/fwb/cache_key.hpp"

namespace vigil::fwb {
namespace {

using Window = std::tuple<int, int, int, int>;  // weekdays, start, end, readers
using Profile = std::vector<Window>;

// Validity bounds in whole Unix seconds, rounded up: with times of whole
// seconds, "t < from" and "t >= until" give the same answer as in decide().
std::uint32_t to_seconds_up(core::TimePoint t) {
  const std::int64_t us = core::to_unix_micros(t);
  if (us <= 0) return 0;
  const std::int64_t s = (us + 999'999) / 1'000'000;
  if (s > std::numeric_limits<std::uint32_t>::max()) return 0;
  return static_cast<std::uint32_t>(s);
}

// Windows that differ only in their readers become one window for both.
Profile merge(Profile p) {
  std::map<std::tuple<int, int, int>, int> by_time;
  for (const auto& [days, start, end, readers] : p) by_time[{days, start, end}] |= readers;
  Profile out;
  for (const auto& [k, readers] : by_time) {
    out.emplace_back(std::get<0>(k), std::get<1>(k), std::get<2>(k), readers);
  }
  return out;
}

}  // namespace

CacheImageResult build_cache_image(const core::Site& site, const core::PeopleDirectory& people,
                                   std::span<const core::ReaderId> board_readers,
                                   std::span<const core::CardNumber> cards, std::uint32_t version,
                                   std::size_t max_windows) {
  CacheImageResult result;
  result.image.version = version;
  if (board_readers.size() > 8) {
    result.error = "a board has at most 8 readers";
    return result;
  }
  std::map<Profile, std::uint8_t> schedules;
  for (const core::CardNumber& card : cards) {
    const auto holder = people.find_card(card);
    if (!holder) {
      ++result.skipped_unknown;
      continue;
    }
    CacheEntry e;
    e.key = card_key(card.facility, card.number);
    const core::CredentialView c = holder->credential;
    if (!holder->person.active() || !c.active()) e.flags |= kCacheEntryInactive;
    if (const auto from = c.valid_from()) e.valid_from = to_seconds_up(*from);
    if (const auto until = c.valid_until()) {
      e.valid_until = to_seconds_up(*until);
      if (e.valid_until == 0 && core::to_unix_micros(*until) <= 0) {
        e.flags |= kCacheEntryInactive;  // expired before 1970
      }
    }
    Profile profile;
    for (std::size_t r = 0; r < board_readers.size(); ++r) {
      const core::Reader* reader = site.find_reader(board_readers[r]);
      if (reader == nullptr) continue;
      const core::ZoneId& zone = site.target_zone(*reader);
      for (const auto& level_id : holder->person.access_levels()) {
        const core::AccessLevel* level = site.find_access_level(level_id);
        if (level == nullptr || !level->covers(zone)) continue;
        e.readers = static_cast<std::uint8_t>(e.readers | (1u << r));
        for (const auto& w : level->schedule) {
          profile.emplace_back(w.weekdays, w.start_minute, w.end_minute, 1 << r);
        }
      }
    }
    profile = merge(std::move(profile));
    auto [it, added] = schedules.try_emplace(profile, static_cast<std::uint8_t>(schedules.size()));
    if (added && schedules.size() > 255) {
      result.error = "more than 255 distinct schedules on one board";
      return result;
    }
    e.schedule = it->second;
    result.image.entries.push_back(e);
  }
  std::sort(result.image.entries.begin(), result.image.entries.end(),
            [](const CacheEntry& a, const CacheEntry& b) { return a.key < b.key; });
  const auto dup =
      std::adjacent_find(result.image.entries.begin(), result.image.entries.end(),
                         [](const CacheEntry& a, const CacheEntry& b) { return a.key == b.key; });
  if (dup != result.image.entries.end()) {
    result.error = "two cards share a cache key";
    return result;
  }
  for (const auto& [profile, id] : schedules) {
    for (const auto& [days, start, end, readers] : profile) {
      result.image.windows.push_back({id, static_cast<std::uint8_t>(readers),
                                      static_cast<std::uint8_t>(days),
                                      static_cast<std::uint16_t>(std::clamp(start, 0, 1440)),
                                      static_cast<std::uint16_t>(std::clamp(end, 0, 1440))});
    }
  }
  if (result.image.windows.size() > max_windows) {
    result.error = "more schedule windows than the board holds";
  }
  return result;
}

std::vector<CacheChunk> CacheImage::chunks() const {
  std::vector<CacheChunk> out;
  for (std::size_t i = 0; i < windows.size(); i += kMaxChunkWindows) {
    CacheChunk c;
    c.kind = CacheChunkKind::schedules;
    c.count = static_cast<std::uint8_t>(std::min(kMaxChunkWindows, windows.size() - i));
    std::copy_n(windows.begin() + static_cast<std::ptrdiff_t>(i), c.count, c.windows.begin());
    out.push_back(c);
  }
  for (std::size_t i = 0; i < entries.size() || (i == 0 && out.empty()); i += kMaxChunkEntries) {
    CacheChunk c;
    c.kind = CacheChunkKind::entries;
    c.count = static_cast<std::uint8_t>(std::min(kMaxChunkEntries, entries.size() - i));
    std::copy_n(entries.begin() + static_cast<std::ptrdiff_t>(i), c.count, c.entries.begin());
    out.push_back(c);
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].version = version;
    out[i].index = static_cast<std::uint16_t>(i);
    out[i].chunk_count = static_cast<std::uint16_t>(out.size());
  }
  return out;
}

std::optional<std::vector<CacheDelta>> cache_deltas(const CacheImage& from, const CacheImage& to) {
  if (from.windows != to.windows || from.version == 0) return std::nullopt;
  std::vector<std::pair<std::uint8_t, CacheEntry>> ops;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < from.entries.size() || j < to.entries.size()) {
    if (j == to.entries.size() ||
        (i < from.entries.size() && from.entries[i].key < to.entries[j].key)) {
      ops.emplace_back(kCacheDeltaRemove, CacheEntry{from.entries[i++].key, 0, 0, 0, 0, 0});
    } else if (i == from.entries.size() || to.entries[j].key < from.entries[i].key) {
      ops.emplace_back(0, to.entries[j++]);
    } else {
      if (!(from.entries[i] == to.entries[j])) ops.emplace_back(0, to.entries[j]);
      ++i;
      ++j;
    }
  }
  const std::size_t messages = (ops.size() + kMaxDeltaEntries - 1) / kMaxDeltaEntries;
  if (messages > to.chunks().size()) return std::nullopt;
  std::vector<CacheDelta> out;
  std::uint32_t version = from.version;
  for (std::size_t k = 0; k < ops.size(); k += kMaxDeltaEntries) {
    CacheDelta d;
    d.base_version = version;
    d.version = ++version;
    for (std::size_t n = k; n < ops.size() && d.count < kMaxDeltaEntries; ++n) {
      d.ops[d.count] = ops[n].first;
      d.entries[d.count++] = ops[n].second;
    }
    out.push_back(d);
  }
  return out;
}

}  // namespace vigil::fwb
