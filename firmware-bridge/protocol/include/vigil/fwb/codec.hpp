// Frames on the wire: COBS( header | payload | CRC-32 ) 0x00.
// header = version u8, type u8, seq u16 LE, ack u16 LE; the CRC (LE) covers
// header and payload. docs/firmware-bridge.md has the byte-level spec.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "vigil/fwb/cobs.hpp"
#include "vigil/fwb/message.hpp"

namespace vigil::fwb {

struct FrameHeader {
  std::uint8_t version = kProtocolVersion;
  MessageType type = MessageType::ack;
  std::uint16_t seq = 0;  // sender's sequence number (reliable types only)
  std::uint16_t ack = 0;  // next sequence number the sender expects
  bool operator==(const FrameHeader&) const = default;
};

inline constexpr std::size_t kHeaderSize = 6;
inline constexpr std::size_t kCrcSize = 4;
inline constexpr std::size_t kMaxPayload = 240;
inline constexpr std::size_t kMaxFrame = kHeaderSize + kMaxPayload + kCrcSize;
// Encoded frame plus the trailing delimiter.
inline constexpr std::size_t kMaxWireFrame = cobs_max_encoded(kMaxFrame) + 1;

// Writes the message's payload; returns its size, or 0 with ok = false when
// a field is out of range (e.g. bit_count > kMaxCardBits, count > capacity).
struct PayloadSize {
  std::size_t size = 0;
  bool ok = false;
};
PayloadSize encode_payload(const Message& m, std::span<std::uint8_t, kMaxPayload> out);

// The whole wire frame, delimiter included. Returns its size, or 0 when the
// message is invalid or `out` is too small. header.type is taken from `m`.
std::size_t encode_frame(FrameHeader header, const Message& m, std::span<std::uint8_t> out);

enum class ParseStatus : std::uint8_t { ok, unknown_type, bad_length, bad_value };
const char* to_string(ParseStatus s);

// Reads a payload of the given type into `out`. Exact lengths only: a
// payload longer or shorter than its type's layout is bad_length.
ParseStatus parse_payload(std::uint8_t type, std::span<const std::uint8_t> payload, Message& out);

}  // namespace vigil::fwb
