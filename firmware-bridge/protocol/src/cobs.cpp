#include "vigil/fwb/cobs.hpp"

namespace vigil::fwb {

std::size_t cobs_encode(std::span<const std::uint8_t> in, std::span<std::uint8_t> out) {
  if (out.size() < cobs_max_encoded(in.size())) return 0;
  std::size_t code_at = 0;  // where the current block's code byte goes
  std::size_t w = 1;
  std::uint8_t code = 1;
  for (const std::uint8_t b : in) {
    if (b != 0) {
      out[w++] = b;
      ++code;
    }
    if (b == 0 || code == 0xFF) {
      out[code_at] = code;
      code_at = w++;
      code = 1;
    }
  }
  out[code_at] = code;
  return w;
}

long cobs_decode(std::span<const std::uint8_t> in, std::span<std::uint8_t> out) {
  std::size_t r = 0;
  std::size_t w = 0;
  while (r < in.size()) {
    const std::uint8_t code = in[r++];
    if (code == 0) return -1;
    const std::size_t run = code - 1u;
    if (r + run > in.size()) return -1;
    if (w + run > out.size()) return -1;
    for (std::size_t i = 0; i < run; ++i) {
      if (in[r] == 0) return -1;
      out[w++] = in[r++];
    }
    // A block shorter than 254 data bytes stands for "data, then a zero",
    // except at the very end of the frame, where the zero is implicit.
    if (code != 0xFF && r < in.size()) {
      if (w >= out.size()) return -1;
      out[w++] = 0;
    }
  }
  return static_cast<long>(w);
}

}  // namespace vigil::fwb
