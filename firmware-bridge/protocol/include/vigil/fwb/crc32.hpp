// CRC-32 as in IEEE 802.3, zlib and PNG (reflected polynomial 0xEDB88320,
// initial value and final XOR 0xFFFFFFFF), so any zlib can check a frame.
#pragma once

#include <cstdint>
#include <span>

namespace vigil::fwb {

// crc32(b) == zlib.crc32(b). Chain calls by passing the previous result.
std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t previous = 0);

}  // namespace vigil::fwb
