#include "vigil/gpio/sim_protocol.hpp"

#include <algorithm>
#include <type_traits>

namespace vigil::gpio::sim_protocol {
namespace {

constexpr std::size_t kHeader = 3;   // start, type, length
constexpr std::size_t kTrailer = 1;  // crc

void put_u8(std::vector<std::uint8_t>& out, std::uint8_t v) {
  out.push_back(v);
}
void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  for (int i = 0; i < 2; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint64_t get_le(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Payload sizes are fixed per type; 0 = not a type of this protocol.
constexpr std::size_t payload_size(std::uint8_t type) {
  switch (static_cast<FrameType>(type)) {
    case FrameType::hello:
      return 6;
    case FrameType::level:
      return 13;
    case FrameType::edge:
      return 13;
    case FrameType::set:
      return 5;
    case FrameType::request:
      return 7;
  }
  return 0;
}

// A header worth waiting for: a known type with its exact length. Checking
// this before waiting keeps junk that starts with 0xA5 from holding back the
// frames behind it.
bool plausible_header(const std::uint8_t* p) {
  const std::size_t len = payload_size(p[1]);
  return len != 0 && p[2] == len;
}

bool complete_frame_at(const std::uint8_t* p, std::size_t avail) {
  if (avail < 3 || p[0] != kStartByte || !plausible_header(p)) return false;
  const std::size_t len = p[2];
  return avail >= len + 4 && crc8(std::span(p + 1, len + 2)) == p[3 + len];
}

std::optional<Message> parse(std::uint8_t type, const std::uint8_t* p) {
  const auto t = static_cast<FrameType>(type);
  // A level byte other than 0 or 1 means the sender is not speaking this protocol.
  switch (t) {
    case FrameType::hello:
      return Hello{static_cast<std::uint16_t>(get_le(p, 2)),
                   static_cast<std::uint32_t>(get_le(p + 2, 4))};
    case FrameType::level:
      if (p[4] > 1) return std::nullopt;
      return Level{static_cast<std::uint32_t>(get_le(p, 4)), p[4] == 1, get_le(p + 5, 8)};
    case FrameType::edge:
      if (p[4] > 1) return std::nullopt;
      return Edge{static_cast<std::uint32_t>(get_le(p, 4)), p[4] == 1, get_le(p + 5, 8)};
    case FrameType::set:
      if (p[4] > 1) return std::nullopt;
      return Set{static_cast<std::uint32_t>(get_le(p, 4)), p[4] == 1};
    case FrameType::request: {
      // direction 0/1; flags: bit 0 active-low, bits 1-2 bias, the rest 0; initial 0/1.
      if (p[4] > 1 || (p[5] & ~0x07u) != 0 || p[6] > 1) return std::nullopt;
      return Request{static_cast<std::uint32_t>(get_le(p, 4)), static_cast<Direction>(p[4]),
                     (p[5] & 0x01u) != 0, static_cast<WireBias>((p[5] >> 1) & 0x03u), p[6] == 1};
    }
  }
  return std::nullopt;
}

}  // namespace

std::uint8_t crc8(std::span<const std::uint8_t> bytes) {
  // CRC-8/SMBUS: polynomial 0x07, init 0, no reflection.
  std::uint8_t crc = 0;
  for (std::uint8_t b : bytes) {
    crc ^= b;
    for (int i = 0; i < 8; ++i) {
      crc = static_cast<std::uint8_t>((crc & 0x80) ? (crc << 1) ^ 0x07 : crc << 1);
    }
  }
  return crc;
}

void encode(const Message& message, std::vector<std::uint8_t>& out) {
  const std::size_t start = out.size();
  put_u8(out, kStartByte);
  put_u8(out, 0);  // type, patched below
  put_u8(out, 0);  // length, patched below
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Hello>) {
          out[start + 1] = static_cast<std::uint8_t>(FrameType::hello);
          put_u16(out, m.version);
          put_u32(out, m.line_count);
        } else if constexpr (std::is_same_v<T, Level>) {
          out[start + 1] = static_cast<std::uint8_t>(FrameType::level);
          put_u32(out, m.line);
          put_u8(out, m.value ? 1 : 0);
          put_u64(out, m.timestamp_ns);
        } else if constexpr (std::is_same_v<T, Edge>) {
          out[start + 1] = static_cast<std::uint8_t>(FrameType::edge);
          put_u32(out, m.line);
          put_u8(out, m.rising ? 1 : 0);
          put_u64(out, m.timestamp_ns);
        } else if constexpr (std::is_same_v<T, Set>) {
          out[start + 1] = static_cast<std::uint8_t>(FrameType::set);
          put_u32(out, m.line);
          put_u8(out, m.value ? 1 : 0);
        } else {
          out[start + 1] = static_cast<std::uint8_t>(FrameType::request);
          put_u32(out, m.line);
          put_u8(out, static_cast<std::uint8_t>(m.direction));
          put_u8(out, static_cast<std::uint8_t>((m.active_low ? 1u : 0u) |
                                                (static_cast<unsigned>(m.bias) << 1)));
          put_u8(out, m.initial ? 1 : 0);
        }
      },
      message);
  out[start + 2] = static_cast<std::uint8_t>(out.size() - start - kHeader);
  out.push_back(crc8(std::span(out).subspan(start + 1)));
}

std::vector<std::uint8_t> encode(const Message& message) {
  std::vector<std::uint8_t> out;
  encode(message, out);
  return out;
}

void FrameDecoder::push(std::span<const std::uint8_t> bytes) {
  if (begin_ == buffer_.size()) {
    buffer_.clear();
    begin_ = 0;
  } else if (begin_ > 4096) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(begin_));
    begin_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

void FrameDecoder::reset() {
  buffer_.clear();
  begin_ = 0;
  in_garbage_ = false;
}

void FrameDecoder::drop(std::size_t n) {
  begin_ = std::min(buffer_.size(), begin_ + n);
}

std::optional<Message> FrameDecoder::next() {
  for (;;) {
    const std::size_t avail = buffer_.size() - begin_;
    if (avail == 0) return std::nullopt;
    const std::uint8_t* p = buffer_.data() + begin_;
    if (p[0] != kStartByte) {
      // One run of junk counts once, however long it is.
      if (!in_garbage_) ++corrupt_;
      in_garbage_ = true;
      const auto* found = std::find(p, p + avail, kStartByte);
      drop(static_cast<std::size_t>(found - p));
      continue;
    }
    if (avail < kHeader) return std::nullopt;
    const std::size_t len = p[2];
    if (!plausible_header(p)) {
      if (!in_garbage_) ++corrupt_;
      in_garbage_ = true;
      drop(1);
      continue;
    }
    if (avail < kHeader + len + kTrailer) {
      // Wait for the rest, unless a whole valid frame already sits behind
      // this header: then the header was junk, and waiting would hold that
      // frame (a door contact, a lock command) until the next one arrives.
      std::size_t k = 1;
      while (k < avail && !complete_frame_at(p + k, avail - k)) ++k;
      if (k == avail) return std::nullopt;
      if (!in_garbage_) ++corrupt_;
      in_garbage_ = true;
      drop(k);
      continue;
    }
    if (crc8(std::span(p + 1, len + 2)) != p[kHeader + len]) {
      // The start byte may have been junk that looked like one: resync one byte on.
      if (!in_garbage_) ++corrupt_;
      in_garbage_ = true;
      drop(1);
      continue;
    }
    in_garbage_ = false;
    auto message = parse(p[1], p + kHeader);
    drop(kHeader + len + kTrailer);
    if (message) return message;
    ++unknown_;
  }
}

}  // namespace vigil::gpio::sim_protocol
