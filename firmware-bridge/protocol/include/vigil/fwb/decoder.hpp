// Streaming frame decoder: fed one byte at a time as the UART delivers them
// (it fits an interrupt handler: no allocation, bounded work per byte). A
// 0x00 ends a frame; whatever came before it is checked (COBS, length, CRC,
// version, type, payload layout) and either yields a Frame or is dropped and
// counted with its reason. Garbage costs at most the frame it touches: the
// decoder is back in step at the next 0x00.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "vigil/fwb/codec.hpp"

namespace vigil::fwb {

enum class FrameError : std::uint8_t {
  bad_cobs,      // not valid COBS
  too_long,      // more bytes than the largest frame before a delimiter
  too_short,     // shorter than header + CRC
  bad_crc,       // CRC-32 does not match
  bad_version,   // header version is not kProtocolVersion
  unknown_type,  // no message with this type
  bad_length,    // payload length does not fit the type's layout
  bad_value,     // a field out of its range (e.g. bit count 0)
};
inline constexpr std::size_t kFrameErrorCount = 8;
const char* to_string(FrameError e);

struct Frame {
  FrameHeader header;
  Message message;
};

struct DecoderCounters {
  std::uint32_t frames = 0;
  std::array<std::uint32_t, kFrameErrorCount> errors{};
  std::uint32_t of(FrameError e) const { return errors[static_cast<std::size_t>(e)]; }
  std::uint32_t dropped() const;
};

class FrameDecoder {
 public:
  enum class Result : std::uint8_t { none, frame, error };

  // Feeds one byte. On Result::frame, frame() holds it until the next push;
  // on Result::error, last_error() says why the frame was dropped.
  Result push(std::uint8_t byte);

  const Frame& frame() const { return frame_; }
  FrameError last_error() const { return last_error_; }
  const DecoderCounters& counters() const { return counters_; }

 private:
  Result finish();
  Result fail(FrameError e);

  std::array<std::uint8_t, kMaxWireFrame> buf_{};
  std::size_t len_ = 0;
  bool overflow_ = false;
  Frame frame_{};
  FrameError last_error_ = FrameError::bad_cobs;
  DecoderCounters counters_{};
};

}  // namespace vigil::fwb
