#include "vigil/core/eol.hpp"

namespace vigil::core {

const char* to_string(LineState s) {
  switch (s) {
    case LineState::normal:
      return "normal";
    case LineState::alarm:
      return "alarm";
    case LineState::cut:
      return "cut";
    case LineState::short_circuit:
      return "short";
  }
  return "unknown";
}

EolBands single_eol(double r, double hysteresis_fraction) {
  // No cut band: an open loop is an open contact as far as anyone can tell.
  // cut_from is out of reach of any real reading so valid() holds.
  return EolBands{0.5 * r, 1.5 * r, 1e300, hysteresis_fraction * r};
}

EolBands dual_eol(double series, double parallel, double hysteresis_fraction) {
  const double closed = series;
  const double open = series + parallel;
  return EolBands{0.5 * closed, (closed + open) / 2, 1.5 * open, hysteresis_fraction * closed};
}

LineState classify(const EolBands& b, double v) {
  if (v < b.short_below) return LineState::short_circuit;
  if (v < b.alarm_from) return LineState::normal;
  if (v < b.cut_from) return LineState::alarm;
  return LineState::cut;
}

LineState classify(const EolBands& b, double v, LineState current) {
  const double h = b.hysteresis;
  bool stays = false;
  switch (current) {
    case LineState::short_circuit:
      stays = v < b.short_below + h;
      break;
    case LineState::normal:
      stays = v >= b.short_below - h && v < b.alarm_from + h;
      break;
    case LineState::alarm:
      stays = v >= b.alarm_from - h && v < b.cut_from + h;
      break;
    case LineState::cut:
      stays = v >= b.cut_from - h;
      break;
  }
  return stays ? current : classify(b, v);
}

std::optional<EolSupervisor::Change> EolSupervisor::on_value(double value, MonoTime t) {
  if (!state_) {
    state_ = classify(bands_, value);
    pending_.reset();
    return Change{*state_, true};
  }
  const LineState seen = classify(bands_, value, *state_);
  if (seen == *state_) {
    pending_.reset();  // back within the band: the dwell starts again next time
    return std::nullopt;
  }
  if (pending_ != seen) {
    pending_ = seen;
    pending_since_ = t;
  }
  return on_time(t);
}

std::optional<MonoTime> EolSupervisor::deadline() const {
  if (!pending_) return std::nullopt;
  return pending_since_ + dwell_;
}

std::optional<EolSupervisor::Change> EolSupervisor::on_time(MonoTime t) {
  if (!pending_ || t < pending_since_ + dwell_) return std::nullopt;
  state_ = *pending_;
  pending_.reset();
  return Change{*state_, false};
}

void EolSupervisor::reset() {
  state_.reset();
  pending_.reset();
}

}  // namespace vigil::core
