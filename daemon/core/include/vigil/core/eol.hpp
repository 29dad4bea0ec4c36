// End-of-line supervision: an alarm or door input wired with EOL resistors is
// read as an analog value (the loop resistance a module reports in a
// register, in ohms) and classified as normal, alarm, cut (open circuit) or
// short. A cut or short is tampering with the wiring whether or not the zone
// is armed. Pure: the supervisor is fed readings with their time and never
// reads a clock.
//
// Bands, ascending:  [0, short_below) short | [short_below, alarm_from) normal
//                    | [alarm_from, cut_from) alarm | [cut_from, inf) cut
// Hysteresis: once in a state, a reading stays in it until it passes the
// state's band edges by more than `hysteresis` (a value wobbling on an edge
// does not chatter). Minimum dwell: a new state is reported only once the
// readings have stayed in it for `dwell` (a contact bounce or one noisy
// sample is not an alarm).
#pragma once

#include <optional>

#include "vigil/core/time.hpp"

namespace vigil::core {

enum class LineState { normal, alarm, cut, short_circuit };
const char* to_string(LineState s);
// Cut and short are wiring faults: tamper, reported even when disarmed.
inline bool is_tamper(LineState s) {
  return s == LineState::cut || s == LineState::short_circuit;
}

struct EolBands {
  double short_below = 0;
  double alarm_from = 0;
  double cut_from = 0;
  double hysteresis = 0;  // same unit; 0 = none
  bool valid() const {
    return 0 <= short_below && short_below < alarm_from && alarm_from < cut_from && hysteresis >= 0;
  }
};

// Presets, in ohms.
// Single EOL: one resistor `r` at the end of the loop, a normally closed
// contact in series. Open contact and cut line both read as an open loop, so
// single EOL cannot tell them apart: above 1.5 r is `alarm` (the safe reading
// for an armed zone), never `cut`; only a short is a wiring fault.
EolBands single_eol(double r, double hysteresis_fraction = 0.05);
// Dual EOL: `series` in line with the contact, `parallel` across it (1k/1k,
// 2k2/4k7). Closed contact: series; open: series + parallel; cut: far above;
// short: far below. Edges half-way between the nominal values: short below
// series/2, alarm from the mean of the two nominals, cut from 1.5x the alarm
// nominal.
EolBands dual_eol(double series, double parallel, double hysteresis_fraction = 0.05);

// The state a value falls in, without hysteresis.
LineState classify(const EolBands& bands, double value);
// The state a value falls in for a line currently in `current`: `current`
// while the value lies within its band widened by the hysteresis.
LineState classify(const EolBands& bands, double value, LineState current);

class EolSupervisor {
 public:
  EolSupervisor(EolBands bands, Duration dwell) : bands_(bands), dwell_(dwell) {}

  struct Change {
    LineState state;
    bool initial;  // the first reading after a (re)connect: the state, not an event
  };

  // A reading taken at `t`. The first reading (and the first after reset())
  // sets the state at once, marked initial; later readings report a change
  // once it has held for the dwell (checked here and by on_time()).
  std::optional<Change> on_value(double value, MonoTime t);
  // When a pending change would be confirmed, if one is pending.
  std::optional<MonoTime> deadline() const;
  std::optional<Change> on_time(MonoTime t);
  // The line was unreadable (device offline): the next reading is initial.
  void reset();

  std::optional<LineState> state() const { return state_; }

 private:
  EolBands bands_;
  Duration dwell_;
  std::optional<LineState> state_;
  std::optional<LineState> pending_;
  MonoTime pending_since_{};
};

}  // namespace vigil::core
