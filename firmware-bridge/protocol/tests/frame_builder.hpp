// Builds wire frames byte by byte, including broken ones, for error-path tests.
#pragma once

#include <vector>

#include "vigil/fwb/cobs.hpp"
#include "vigil/fwb/crc32.hpp"
#include "vigil/fwb/decoder.hpp"

namespace vigil::fwb::testing {

using Bytes = std::vector<std::uint8_t>;

// COBS(body | crc) 0x00, with the CRC of body XOR crc_flip.
inline Bytes wire_of(const Bytes& body, std::uint32_t crc_flip = 0) {
  Bytes raw = body;
  const std::uint32_t crc = crc32(body) ^ crc_flip;
  for (int i = 0; i < 4; ++i) raw.push_back(static_cast<std::uint8_t>(crc >> (8 * i)));
  Bytes out(cobs_max_encoded(raw.size()));
  out.resize(cobs_encode(raw, out));
  out.push_back(0);
  return out;
}

inline Bytes header(std::uint8_t type, std::uint16_t seq = 0, std::uint16_t ack = 0,
                    std::uint8_t version = kProtocolVersion) {
  return {version,
          type,
          static_cast<std::uint8_t>(seq),
          static_cast<std::uint8_t>(seq >> 8),
          static_cast<std::uint8_t>(ack),
          static_cast<std::uint8_t>(ack >> 8)};
}

inline Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

struct Fed {
  std::vector<Frame> frames;
  std::vector<FrameError> errors;
};

inline Fed feed(FrameDecoder& d, const Bytes& bytes) {
  Fed fed;
  for (auto b : bytes) {
    switch (d.push(b)) {
      case FrameDecoder::Result::frame:
        fed.frames.push_back(d.frame());
        break;
      case FrameDecoder::Result::error:
        fed.errors.push_back(d.last_error());
        break;
      case FrameDecoder::Result::none:
        break;
    }
  }
  return fed;
}

inline Bytes encode(const FrameHeader& h, const Message& m) {
  Bytes out(kMaxWireFrame);
  out.resize(encode_frame(h, m, out));
  return out;
}

}  // namespace vigil::fwb::testing
