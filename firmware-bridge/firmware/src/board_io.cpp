#include "vigil/fwb/board_io.hpp"

namespace vigil::fwb {

std::optional<bool> InputDebouncer::update(bool raw, Millis now) {
  if (raw != candidate_) {
    candidate_ = raw;
    since_ = now;
  }
  if (candidate_ != stable_ && now - since_ >= debounce_) {
    stable_ = candidate_;
    return stable_;
  }
  return std::nullopt;
}

RelayBank::RelayBank(const std::array<RelayConfig, kMaxRelays>& config) : config_(config) {
  for (std::size_t i = 0; i < kMaxRelays; ++i) levels_[i] = config_[i].fail_level;
}

void RelayBank::arm() {
  if (armed_) return;
  armed_ = true;
  for (std::size_t i = 0; i < kMaxRelays; ++i) levels_[i] = config_[i].locked_level;
}

void RelayBank::command(const OutputCommand& c, Millis now) {
  if (c.relay >= kMaxRelays) return;
  arm();  // the gateway speaking for a relay ends the fail state
  switch (c.mode) {
    case OutputMode::off:
    case OutputMode::on:
      pulse_until_[c.relay].reset();
      levels_[c.relay] = c.mode == OutputMode::on;
      break;
    case OutputMode::pulse:
      pulse(c.relay, Millis{c.pulse_ms}, now);
      break;
  }
}

void RelayBank::pulse(std::uint8_t relay, Millis duration, Millis now) {
  if (relay >= kMaxRelays) return;
  arm();
  levels_[relay] = !config_[relay].locked_level;
  pulse_until_[relay] = now + duration;
}

void RelayBank::tick(Millis now) {
  for (std::size_t i = 0; i < kMaxRelays; ++i) {
    if (pulse_until_[i] && now >= *pulse_until_[i]) {
      pulse_until_[i].reset();
      levels_[i] = config_[i].locked_level;
    }
  }
}

}  // namespace vigil::fwb
