// A debounced input level. A raw level change becomes a candidate; it counts
// only once it has held for the hold time on the monotonic clock, and a
// change back before then is discarded (contact bounce, a REX wire picking up
// noise). Levels read at start or reconnect are state: they set the level at
// once and cancel any candidate.
#pragma once

#include <optional>

#include "vigil/core/time.hpp"

namespace vigil::core {

class Debouncer {
 public:
  explicit Debouncer(Duration hold);

  // A level read at start or (re)connect. Returns the previous level when
  // it was known, so the caller can tell "found as before" from "changed
  // while we could not see it".
  std::optional<bool> set_initial(bool level);
  // A raw level reported by the driver at `at`.
  void raw(bool level, Moment at);
  // When the pending candidate will count, if one is pending.
  std::optional<MonoTime> deadline() const;
  // Commits the candidate when it has held until `now`; returns the moment
  // the change began (the edge's time), or nothing.
  std::optional<Moment> commit_due(MonoTime now);

  bool level() const { return level_; }
  bool known() const { return known_; }
  // The raw level now differs from the counted one and is being timed.
  bool pending() const { return candidate_since_.has_value(); }
  Duration hold() const { return hold_; }

 private:
  Duration hold_;
  bool level_ = false;
  bool known_ = false;
  std::optional<Moment> candidate_since_;  // the candidate level is !level_
};

}  // namespace vigil::core
