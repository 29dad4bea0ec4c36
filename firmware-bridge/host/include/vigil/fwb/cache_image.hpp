// The gateway side of offline mode: compiles the site and people into the
// credential cache image one door board holds, and splits it into
// CacheChunk messages. The board's decide_offline() over this image gives
// the same answer as core::decide() for the cards included, at the board's
// readers, at any time (to the second: validity bounds are rounded up to
// whole seconds).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/card.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/people.hpp"
#include "vigil/core/site.hpp"
#include "vigil/fwb/message.hpp"

namespace vigil::fwb {

struct CacheImage {
  std::uint32_t version = 0;
  std::vector<CacheEntry> entries;      // sorted by key, keys unique
  std::vector<ScheduleWindow> windows;  // grouped by schedule id
  std::vector<CacheChunk> chunks() const;
};

// The CacheDelta messages that turn a board holding `from` (at version
// from.version) into `to`: upserts for new or changed entries, removals for
// the rest, at most kMaxDeltaEntries each, versions from.version + 1 on.
// nullopt when a delta cannot express the change (the schedule windows
// differ) or would cost more messages than the full image.
std::optional<std::vector<CacheDelta>> cache_deltas(const CacheImage& from, const CacheImage& to);

struct CacheImageResult {
  CacheImage image;
  std::string error;                // empty = ok
  std::size_t skipped_unknown = 0;  // cards with no credential (left out)
};

// `board_readers[r]` is the site reader wired to the board's reader r (at
// most 8). `cards` are the credentials to include; unknown ones are skipped.
// Fails (error set) past 255 distinct schedules or `max_windows` windows.
CacheImageResult build_cache_image(const core::Site& site, const core::PeopleDirectory& people,
                                   std::span<const core::ReaderId> board_readers,
                                   std::span<const core::CardNumber> cards, std::uint32_t version,
                                   std::size_t max_windows = 256);

}  // namespace vigil::fwb
