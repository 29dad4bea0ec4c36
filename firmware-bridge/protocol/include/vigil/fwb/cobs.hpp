// Consistent Overhead Byte Stuffing (Cheshire and Baker, 1999): removes every
// 0x00 from a frame so that 0x00 can delimit frames on the serial line. A
// receiver that joins mid-stream, or sees garbage, resynchronises at the next
// 0x00. Overhead: one byte per 254 bytes of data, plus one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace vigil::fwb {

// The largest encoding of `n` data bytes (without the delimiter).
constexpr std::size_t cobs_max_encoded(std::size_t n) {
  return n + n / 254 + 1;
}

// Encodes `in` into `out` (no delimiter is appended). Returns the encoded
// size, or 0 when `out` is too small.
std::size_t cobs_encode(std::span<const std::uint8_t> in, std::span<std::uint8_t> out);

// Decodes one frame (delimiter already removed) into `out`. Returns the
// decoded size, or -1 when the input is not valid COBS (a 0x00 inside, a code
// pointing past the end) or `out` is too small. `out` may alias `in`.
long cobs_decode(std::span<const std::uint8_t> in, std::span<std::uint8_t> out);

}  // namespace vigil::fwb
