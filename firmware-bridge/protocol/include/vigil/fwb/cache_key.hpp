// The offline cache's key for a card. Exact for every card a real format
// yields (facility below 2^15, number below 2^48): facility << 48 | number.
// Anything larger is hashed into the keys with bit 63 set, so a hashed key
// never equals an exact one; a collision between two hashed keys (odds about
// n^2 / 2^64) would let one such card act as the other offline.
#pragma once

#include <cstdint>

namespace vigil::fwb {

constexpr std::uint64_t card_key(std::uint32_t facility, std::uint64_t number) {
  if (facility < (1u << 15) && number < (std::uint64_t{1} << 48)) {
    return (std::uint64_t{facility} << 48) | number;
  }
  // splitmix64 finaliser over both fields.
  std::uint64_t h = number ^ (std::uint64_t{facility} * 0x9E3779B97F4A7C15ull);
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
  h ^= h >> 31;
  return h | (std::uint64_t{1} << 63);
}

}  // namespace vigil::fwb
