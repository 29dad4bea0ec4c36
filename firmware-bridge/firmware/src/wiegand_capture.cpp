#include "vigil/fwb/wiegand_capture.hpp"

namespace vigil::fwb {
namespace {

bool bit_at(const std::array<std::uint8_t, 16>& bits, unsigned i) {
  return ((bits[i / 8] >> (7 - i % 8)) & 1u) != 0;
}

}  // namespace

void WiegandCapture::on_edge(WiegandLine line, std::uint32_t now_us) {
  if (bits_ > 0 && now_us - last_edge_us_ < config_.min_bit_spacing_us) {
    ++counters_.glitches;
    return;
  }
  last_edge_us_ = now_us;
  if (bits_ >= kMaxCardBits) {
    overflow_ = true;
    ++bits_;
    return;
  }
  if (line == WiegandLine::d1) {
    building_.bits[bits_ / 8] =
        static_cast<std::uint8_t>(building_.bits[bits_ / 8] | (0x80u >> (bits_ % 8)));
  }
  ++bits_;
}

bool WiegandCapture::poll(std::uint32_t now_us, CapturedFrame& out) {
  if (bits_ == 0 || now_us - last_edge_us_ < config_.frame_gap_us) return false;
  const unsigned n = bits_;
  CapturedFrame f = building_;
  const bool overflow = overflow_;
  building_ = {};
  bits_ = 0;
  overflow_ = false;
  if (overflow) {
    ++counters_.overflows;
    return false;
  }
  f.bit_count = static_cast<std::uint8_t>(n);
  if (n == 4 || n == 8) {
    const unsigned high = f.bits[0] >> 4;
    const unsigned low = f.bits[0] & 0x0Fu;
    // 4 bits: the key. 8 bits: the key's complement, then the key.
    const unsigned key = n == 4 ? high : low;
    const bool valid = key <= 11 && (n == 4 || high == (~low & 0x0Fu));
    if (!valid) {
      ++counters_.runts;
      return false;
    }
    f.kind = CapturedFrame::Kind::key;
    f.key = static_cast<std::uint8_t>(key);
  } else if (n < 4) {
    ++counters_.runts;
    return false;
  }
  ++counters_.frames;
  out = f;
  return true;
}

BoardCard card_from_bits(std::uint8_t bit_count, const std::array<std::uint8_t, 16>& bits) {
  BoardCard c;
  if (bit_count == 26) {
    unsigned even = 0;
    unsigned odd = 0;
    for (unsigned i = 0; i < 13; ++i) even += bit_at(bits, i) ? 1 : 0;
    for (unsigned i = 13; i < 26; ++i) odd += bit_at(bits, i) ? 1 : 0;
    if (even % 2 != 0 || odd % 2 != 1) return c;
    for (unsigned i = 1; i <= 8; ++i) c.facility = (c.facility << 1) | (bit_at(bits, i) ? 1u : 0u);
    for (unsigned i = 9; i <= 24; ++i) c.number = (c.number << 1) | (bit_at(bits, i) ? 1u : 0u);
    c.ok = true;
    return c;
  }
  for (unsigned i = 0; i < bit_count && i < kMaxCardBits; ++i) {
    c.number = (c.number << 1) | (bit_at(bits, i) ? 1u : 0u);
  }
  c.ok = true;
  return c;
}

}  // namespace vigil::fwb
