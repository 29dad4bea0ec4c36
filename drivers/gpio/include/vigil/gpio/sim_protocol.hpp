// The wire protocol between vigil-sim's GPIO chip and the daemon's sim
// backend (docs/sim-gpio.md). Framed binary, little-endian:
//   0xA5 | type | length | payload[length] | crc8(type, length, payload)
// A receiver that meets a bad start byte, an unknown type, a length that is
// not the type's, or a bad CRC drops bytes until the next start byte and
// counts the damage: the stream carries door and reader traffic, so garbage
// must never stop it. Protocol changes bump kVersion (sent in hello).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

namespace vigil::gpio::sim_protocol {

inline constexpr std::uint8_t kStartByte = 0xA5;
inline constexpr std::uint16_t kVersion = 2;

enum class FrameType : std::uint8_t {
  hello = 0x01,    // sim -> daemon: version, line count; first frame on a connection
  level = 0x02,    // sim -> daemon: an input's initial level, the reply to its request
  edge = 0x03,     // sim -> daemon: a requested input changed, with the sim's monotonic time
  set = 0x10,      // daemon -> sim: drive an output line
  request = 0x11,  // daemon -> sim: claim a line as input or output, with its wiring
};

enum class Direction : std::uint8_t { input = 0, output = 1 };
// Bias on the wire; the same order as gpio::Bias.
enum class WireBias : std::uint8_t { as_is = 0, disabled = 1, pull_up = 2, pull_down = 3 };

struct Hello {
  std::uint16_t version = kVersion;
  std::uint32_t line_count = 0;
};
struct Level {
  std::uint32_t line = 0;
  bool value = false;              // logical
  std::uint64_t timestamp_ns = 0;  // CLOCK_MONOTONIC of the sim host when read
};
struct Edge {
  std::uint32_t line = 0;
  bool rising = false;
  std::uint64_t timestamp_ns = 0;  // CLOCK_MONOTONIC of the sim host
};
struct Set {
  std::uint32_t line = 0;
  bool value = false;
};

struct Request {
  std::uint32_t line = 0;
  Direction direction = Direction::input;
  bool active_low = false;
  WireBias bias = WireBias::as_is;
  bool initial = false;  // outputs: the logical level to drive at once
};

using Message = std::variant<Hello, Level, Edge, Set, Request>;

std::uint8_t crc8(std::span<const std::uint8_t> bytes);

// Appends one encoded frame to out.
void encode(const Message& message, std::vector<std::uint8_t>& out);
std::vector<std::uint8_t> encode(const Message& message);

// Incremental decoder for a byte stream: push() what read() returned, then
// call next() until it returns nullopt.
class FrameDecoder {
 public:
  void push(std::span<const std::uint8_t> bytes);
  std::optional<Message> next();

  std::uint64_t corrupt_frames() const { return corrupt_; }
  // Frames with a good CRC but impossible content (a level byte of 7).
  std::uint64_t unknown_frames() const { return unknown_; }
  void reset();  // new connection: forget partial frames, keep counters

 private:
  void drop(std::size_t n);
  std::vector<std::uint8_t> buffer_;
  std::size_t begin_ = 0;
  bool in_garbage_ = false;  // counts a run of junk bytes once
  std::uint64_t corrupt_ = 0;
  std::uint64_t unknown_ = 0;
};

}  // namespace vigil::gpio::sim_protocol
