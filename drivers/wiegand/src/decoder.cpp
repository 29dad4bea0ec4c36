#include "vigil/wiegand/decoder.hpp"

#include <utility>

namespace vigil::wiegand {

WiegandDecoder::WiegandDecoder(std::vector<FormatSpec> formats,
                               std::chrono::nanoseconds close_after)
    : WiegandDecoder(std::move(formats), DecoderTiming{.close_after = close_after}) {}

WiegandDecoder::WiegandDecoder(std::vector<FormatSpec> formats, DecoderTiming timing,
                               KeypadInput keypad)
    : formats_(std::move(formats)), timing_(timing), keypad_(keypad) {}

void WiegandDecoder::on_edge(Line line, bool rising, std::chrono::nanoseconds t) {
  // The owner polls late sometimes; an edge past the deadline belongs to the
  // next frame, so the current one is finished at the time it should have been.
  if (in_frame_ && t >= last_edge_ + timing_.close_after) {
    close_frame(last_edge_ + timing_.close_after);
  }
  LineState& self = state(line);
  const LineState& other = state(line == Line::d0 ? Line::d1 : Line::d0);

  if (!rising) {
    // Already low: the rising edge was lost, and maybe a bit with it.
    if (self.low) noise_ = true;
    // Both low: no reader drives that; a shorted or floating pair does.
    if (other.low) noise_ = true;
    self.low = true;
    self.fell_at = t;
    in_frame_ = true;
    ++bit_count_;
    if (bits_.size() < static_cast<std::size_t>(kMaxStoredBits)) bits_.push_back(line == Line::d1);
    last_edge_ = t;
    return;
  }

  if (!self.low) {
    // A rising edge on a high line means a lost falling edge, i.e. a lost
    // bit. Outside a frame it is the end of a pulse we never saw start
    // (the line was low when the driver opened it) and carries no bit.
    if (in_frame_) {
      noise_ = true;
      last_edge_ = t;
    }
    return;
  }
  self.low = false;
  // The end of a pulse already reported as stuck when its frame closed.
  if (!in_frame_) return;
  const auto width = t - self.fell_at;
  if (width < timing_.min_pulse || width > timing_.max_pulse) noise_ = true;
  last_edge_ = t;
}

std::optional<std::chrono::nanoseconds> WiegandDecoder::deadline() const {
  if (!ready_.empty()) return ready_.front().closed_at;
  if (in_frame_) return last_edge_ + timing_.close_after;
  return std::nullopt;
}

std::optional<WiegandResult> WiegandDecoder::poll(std::chrono::nanoseconds now) {
  if (ready_.empty() && in_frame_ && now >= last_edge_ + timing_.close_after) {
    close_frame(last_edge_ + timing_.close_after);
  }
  // Frames closed by a late edge are final whatever `now` says.
  if (ready_.empty()) return std::nullopt;
  WiegandResult result = std::move(ready_.front().result);
  ready_.pop_front();
  return result;
}

void WiegandDecoder::close_frame(std::chrono::nanoseconds closed_at) {
  // A line still low after close_after of silence is stuck, not pulsing.
  if (d0_.low || d1_.low) noise_ = true;

  WiegandResult result;
  if (noise_ || bit_count_ > kMaxFrameBits) {
    // Built here rather than by decode(): bits_ may be capped, and the count
    // must be the true one.
    result = WiegandError{bits_to_string(bits_), bit_count_,
                          std::string(noise_ ? kCheckNoise : kCheckTooLong)};
  } else if (auto key = keypad_ == KeypadInput::decode ? decode_key(bits_) : std::nullopt) {
    // A 4- or 8-bit frame on a keypad reader is a key even when a custom
    // card format of that length is configured: no real card is that short.
    result = std::move(*key);
  } else {
    result = decode(bits_, formats_);
  }
  if (!std::holds_alternative<WiegandError>(result)) {
    ++frames_ok_;
  } else {
    ++frames_error_;
  }
  ready_.push_back({closed_at, std::move(result)});

  in_frame_ = false;
  noise_ = false;
  bit_count_ = 0;
  bits_.clear();
}

}  // namespace vigil::wiegand
