#include "vigil/core/debounce.hpp"

namespace vigil::core {

Debouncer::Debouncer(Duration hold) : hold_(hold < Duration::zero() ? Duration::zero() : hold) {}

std::optional<bool> Debouncer::set_initial(bool level) {
  const std::optional<bool> before = known_ ? std::optional<bool>(level_) : std::nullopt;
  level_ = level;
  known_ = true;
  candidate_since_.reset();
  return before;
}

void Debouncer::raw(bool level, Moment at) {
  known_ = true;
  if (level == level_) {
    candidate_since_.reset();  // reverted before it held: a bounce, discarded
    return;
  }
  if (!candidate_since_) candidate_since_ = at;  // a repeated report keeps the first time
}

std::optional<MonoTime> Debouncer::deadline() const {
  if (!candidate_since_) return std::nullopt;
  return candidate_since_->mono + hold_;
}

std::optional<Moment> Debouncer::commit_due(MonoTime now) {
  if (!candidate_since_ || now < candidate_since_->mono + hold_) return std::nullopt;
  const Moment since = *candidate_since_;
  candidate_since_.reset();
  level_ = !level_;
  return since;
}

}  // namespace vigil::core
