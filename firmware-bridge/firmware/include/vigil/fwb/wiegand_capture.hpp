// Wiegand capture from edge interrupts. A reader pulls D0 low for a 0 bit and
// D1 low for a 1 bit (pulses of 20 to 100 us, bits 0.2 to 2 ms apart); the
// board's interrupt handler calls on_edge() with the falling edge's
// microsecond timestamp, and the main loop calls poll(), which closes the
// frame once the line has been quiet for frame_gap. Keypad readers send a
// burst of 4 bits per key (HID) or 8 bits (the key's complement, then
// the key); those come out as keys, everything else as card bits.
//
// Concurrency: on_edge() runs in the interrupt, poll() in the main loop; the
// board layer masks the edge interrupts around poll() (a few instructions).
#pragma once

#include <array>
#include <cstdint>

#include "vigil/fwb/message.hpp"

namespace vigil::fwb {

enum class WiegandLine : std::uint8_t { d0, d1 };

struct WiegandCaptureConfig {
  std::uint32_t frame_gap_us = 20'000;     // quiet time that ends a frame
  std::uint32_t min_bit_spacing_us = 150;  // closer edges are glitches
};

struct CapturedFrame {
  enum class Kind : std::uint8_t { card, key };
  Kind kind = Kind::card;
  std::uint8_t bit_count = 0;
  std::array<std::uint8_t, kMaxCardBits / 8> bits{};  // MSB first, as CardRead
  std::uint8_t key = 0;                               // Kind::key: 0..9, 10 '*', 11 '#'
};

struct WiegandCaptureCounters {
  std::uint32_t frames = 0;
  std::uint32_t glitches = 0;   // edges closer than min_bit_spacing
  std::uint32_t overflows = 0;  // frames longer than kMaxCardBits, dropped
  std::uint32_t runts = 0;      // frames of 1..3 bits, or a bad 8-bit key, dropped
};

class WiegandCapture {
 public:
  explicit WiegandCapture(WiegandCaptureConfig config = {}) : config_(config) {}

  void on_edge(WiegandLine line, std::uint32_t now_us);
  // True when a frame closed and was written to `out`.
  bool poll(std::uint32_t now_us, CapturedFrame& out);
  const WiegandCaptureCounters& counters() const { return counters_; }

 private:
  WiegandCaptureConfig config_;
  CapturedFrame building_{};
  unsigned bits_ = 0;
  bool overflow_ = false;
  std::uint32_t last_edge_us_ = 0;
  WiegandCaptureCounters counters_{};
};

// The card a frame carries, as the board decodes it for its offline cache:
// 26-bit H10301 with both parities checked (facility 8 bits, number 16
// bits); any other length as facility 0 and the bits as a number (up to 64
// bits; longer frames keep their last 64). The gateway decodes every format
// from the raw bits it is sent; offline, only H10301 and raw cards match.
struct BoardCard {
  bool ok = false;  // false: H10301 with a parity error
  std::uint32_t facility = 0;
  std::uint64_t number = 0;
};
BoardCard card_from_bits(std::uint8_t bit_count, const std::array<std::uint8_t, 16>& bits);

}  // namespace vigil::fwb
