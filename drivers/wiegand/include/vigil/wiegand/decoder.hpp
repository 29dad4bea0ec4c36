// Edge-level Wiegand receiver. Both data lines idle high; a bit is a low
// pulse on D0 (a 0) or D1 (a 1), counted at its falling edge. A frame ends
// when no edge has arrived for `close_after` (25 ms by default: SIA AC-01
// allows bit intervals up to 20 ms, so a shorter close time would cut slow
// readers' frames in two). The decoder never reads a clock: the GPIO driver
// passes each edge's CLOCK_MONOTONIC time, and the owner calls poll() once
// deadline() has passed.
//
// Noise is reported, never decoded: both lines low at once (a crossed or
// floating wire), a pulse outside [min_pulse, max_pulse] (SIA allows
// 20-100 us; the defaults leave room for slow GPIO edge timestamps), a line
// still low when the frame closes, or a falling edge on a line that is
// already low (the driver lost an edge, so a bit may be missing). A noisy
// frame stays open until the lines are quiet, so the tail of a burst cannot
// start a frame that happens to pass parity.
//
// Keypad readers send each key as a 4- or 8-bit burst (see frame.hpp). A
// decoder built with KeypadInput::decode reports those as WiegandKey; the
// default leaves them read errors ("unknown_length"), as before keypads were
// supported, so a reader without a keypad cannot inject key presses.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "vigil/wiegand/format.hpp"
#include "vigil/wiegand/frame.hpp"

namespace vigil::wiegand {

struct DecoderTiming {
  std::chrono::nanoseconds close_after = std::chrono::milliseconds(25);
  std::chrono::nanoseconds min_pulse = std::chrono::microseconds(5);
  std::chrono::nanoseconds max_pulse = std::chrono::milliseconds(5);
};

enum class KeypadInput { ignore, decode };

class WiegandDecoder {
 public:
  enum class Line { d0, d1 };

  // Raw bits kept per frame. A frame past kMaxFrameBits is already an error;
  // keeping a bounded prefix stops a chattering line from growing memory.
  static constexpr int kMaxStoredBits = 2 * kMaxFrameBits;

  // `formats` are the formats this reader accepts, in config order (see
  // decode() for why the order matters).
  explicit WiegandDecoder(std::vector<FormatSpec> formats,
                          std::chrono::nanoseconds close_after = DecoderTiming{}.close_after);
  WiegandDecoder(std::vector<FormatSpec> formats, DecoderTiming timing,
                 KeypadInput keypad = KeypadInput::ignore);

  // An edge at time `t`. An edge at or after the current deadline first
  // closes the frame in progress; poll() returns it.
  void on_edge(Line line, bool rising, std::chrono::nanoseconds t);

  // When poll() will next return a result: the last edge of the frame in
  // progress plus close_after. nullopt when idle.
  std::optional<std::chrono::nanoseconds> deadline() const;

  // A finished frame once `now` has reached deadline(), otherwise nullopt.
  // Call again until nullopt: a late edge can leave two frames ready.
  std::optional<WiegandResult> poll(std::chrono::nanoseconds now);

  // For the daemon's health report. Key presses count as good frames.
  std::uint64_t frames_ok() const { return frames_ok_; }
  std::uint64_t frames_error() const { return frames_error_; }

 private:
  struct ClosedFrame {
    std::chrono::nanoseconds closed_at;
    WiegandResult result;
  };
  struct LineState {
    bool low = false;
    std::chrono::nanoseconds fell_at{0};
  };

  LineState& state(Line line) { return line == Line::d0 ? d0_ : d1_; }
  void close_frame(std::chrono::nanoseconds closed_at);

  std::vector<FormatSpec> formats_;
  DecoderTiming timing_;
  KeypadInput keypad_;
  LineState d0_;
  LineState d1_;
  bool in_frame_ = false;
  bool noise_ = false;
  int bit_count_ = 0;
  std::vector<bool> bits_;
  std::chrono::nanoseconds last_edge_{0};
  std::deque<ClosedFrame> ready_;
  std::uint64_t frames_ok_ = 0;
  std::uint64_t frames_error_ = 0;
};

}  // namespace vigil::wiegand
