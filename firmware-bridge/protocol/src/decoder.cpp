#include "vigil/fwb/decoder.hpp"

#include <span>

#include "vigil/fwb/crc32.hpp"
#include "vigil/fwb/wire.hpp"

namespace vigil::fwb {

std::uint32_t DecoderCounters::dropped() const {
  std::uint32_t n = 0;
  for (const std::uint32_t e : errors) n += e;
  return n;
}

FrameDecoder::Result FrameDecoder::push(std::uint8_t byte) {
  if (byte != 0) {
    if (len_ < buf_.size()) {
      buf_[len_++] = byte;
    } else {
      overflow_ = true;  // keep discarding until the next delimiter
    }
    return Result::none;
  }
  if (overflow_) {
    overflow_ = false;
    len_ = 0;
    return fail(FrameError::too_long);
  }
  if (len_ == 0) return Result::none;  // idle delimiters between frames are allowed
  const Result r = finish();
  len_ = 0;
  return r;
}

FrameDecoder::Result FrameDecoder::fail(FrameError e) {
  last_error_ = e;
  ++counters_.errors[static_cast<std::size_t>(e)];
  return Result::error;
}

FrameDecoder::Result FrameDecoder::finish() {
  const std::span<std::uint8_t> data(buf_.data(), len_);
  const long n = cobs_decode(data, data);  // decodes in place
  if (n < 0) return fail(FrameError::bad_cobs);
  const auto size = static_cast<std::size_t>(n);
  if (size > kMaxFrame) return fail(FrameError::too_long);
  if (size < kHeaderSize + kCrcSize) return fail(FrameError::too_short);
  const std::size_t body = size - kCrcSize;
  Reader crc_reader(std::span<const std::uint8_t>(buf_.data() + body, kCrcSize));
  if (crc_reader.u32() != crc32(std::span<const std::uint8_t>(buf_.data(), body))) {
    return fail(FrameError::bad_crc);
  }
  Reader h(std::span<const std::uint8_t>(buf_.data(), kHeaderSize));
  FrameHeader header;
  header.version = h.u8();
  const std::uint8_t type = h.u8();
  header.seq = h.u16();
  header.ack = h.u16();
  if (header.version != kProtocolVersion) return fail(FrameError::bad_version);
  const std::span<const std::uint8_t> payload(buf_.data() + kHeaderSize, body - kHeaderSize);
  switch (parse_payload(type, payload, frame_.message)) {
    case ParseStatus::ok:
      break;
    case ParseStatus::unknown_type:
      return fail(FrameError::unknown_type);
    case ParseStatus::bad_length:
      return fail(FrameError::bad_length);
    case ParseStatus::bad_value:
      return fail(FrameError::bad_value);
  }
  header.type = static_cast<MessageType>(type);
  frame_.header = header;
  ++counters_.frames;
  return Result::frame;
}

const char* to_string(FrameError e) {
  switch (e) {
    case FrameError::bad_cobs:
      return "bad_cobs";
    case FrameError::too_long:
      return "too_long";
    case FrameError::too_short:
      return "too_short";
    case FrameError::bad_crc:
      return "bad_crc";
    case FrameError::bad_version:
      return "bad_version";
    case FrameError::unknown_type:
      return "unknown_type";
    case FrameError::bad_length:
      return "bad_length";
    case FrameError::bad_value:
      return "bad_value";
  }
  return "?";
}

}  // namespace vigil::fwb
