#include "vigil/fwb/codec.hpp"

#include <array>

#include "vigil/fwb/crc32.hpp"
#include "vigil/fwb/wire.hpp"

namespace vigil::fwb {
namespace {

constexpr std::size_t kCacheEntryWire = 19;
constexpr std::size_t kWindowWire = 7;
constexpr std::size_t kChunkHeaderWire = 10;

void put(Writer& w, const FirmwareVersion& v) {
  w.u8(v.major);
  w.u8(v.minor);
  w.u8(v.patch);
}
FirmwareVersion get_version(Reader& r) {
  FirmwareVersion v;
  v.major = r.u8();
  v.minor = r.u8();
  v.patch = r.u8();
  return v;
}
bool get_bool(Reader& r) {
  const std::uint8_t b = r.u8();
  if (b > 1) r.fail();
  return b == 1;
}

void put_entry(Writer& w, const CacheEntry& e) {
  w.u64(e.key);
  w.u32(e.valid_from);
  w.u32(e.valid_until);
  w.u8(e.readers);
  w.u8(e.schedule);
  w.u8(e.flags);
}
void get_entry(Reader& r, CacheEntry& e) {
  e.key = r.u64();
  e.valid_from = r.u32();
  e.valid_until = r.u32();
  e.readers = r.u8();
  e.schedule = r.u8();
  e.flags = r.u8();
}

struct Encode {
  Writer& w;
  void operator()(const Hello& m) {
    w.u8(m.protocol_version);
    put(w, m.firmware);
    w.u32(m.session);
    w.u32(m.peer_session);
    w.u8(m.up ? 1 : 0);
  }
  void operator()(const Heartbeat& m) { w.u32(m.uptime_ms); }
  void operator()(const Ack&) {}
  void operator()(const CardRead& m) {
    if (m.bit_count == 0 || m.bit_count > kMaxCardBits) return w.fail();
    w.u8(m.reader);
    w.u8(m.format_id);
    w.u8(m.bit_count);
    w.u32(m.board_ms);
    for (std::size_t i = 0; i < (m.bit_count + 7u) / 8u; ++i) w.u8(m.bits[i]);
  }
  void operator()(const KeypadKey& m) {
    w.u8(m.reader);
    w.u8(m.key);
    w.u32(m.board_ms);
  }
  void operator()(const InputChanged& m) {
    w.u8(m.input);
    w.u8(m.level ? 1 : 0);
    w.u32(m.board_ms);
  }
  void operator()(const OutputCommand& m) {
    w.u8(m.relay);
    w.u8(static_cast<std::uint8_t>(m.mode));
    w.u32(m.pulse_ms);
  }
  void operator()(const LedBuzzer& m) {
    w.u8(m.reader);
    w.u8(static_cast<std::uint8_t>(m.led));
    w.u8(m.buzzer ? 1 : 0);
    w.u16(m.duration_ms);
  }
  void operator()(const BoardStatus& m) {
    put(w, m.firmware);
    w.u32(m.uptime_ms);
    w.u16(m.supply_mv);
    w.u8(m.tamper ? 1 : 0);
    w.u32(m.cache_version);
    w.u32(m.offline_dropped);
  }
  void operator()(const CacheChunk& m) {
    const std::size_t cap = m.kind == CacheChunkKind::entries ? kMaxChunkEntries : kMaxChunkWindows;
    if (m.count > cap) return w.fail();
    w.u32(m.version);
    w.u16(m.index);
    w.u16(m.chunk_count);
    w.u8(static_cast<std::uint8_t>(m.kind));
    w.u8(m.count);
    for (std::size_t i = 0; i < m.count; ++i) {
      if (m.kind == CacheChunkKind::entries) {
        put_entry(w, m.entries[i]);
      } else {
        const ScheduleWindow& s = m.windows[i];
        w.u8(s.schedule);
        w.u8(s.readers);
        w.u8(s.weekdays);
        w.u16(s.start_minute);
        w.u16(s.end_minute);
      }
    }
  }
  void operator()(const TimeSync& m) {
    w.u64(m.unix_ms);
    w.u32(static_cast<std::uint32_t>(m.utc_offset_s));
    w.u32(m.next_change_unix_s);
    w.u32(static_cast<std::uint32_t>(m.next_offset_s));
  }
  void operator()(const OfflineEvent& m) {
    w.u32(m.event_seq);
    w.u64(m.unix_ms);
    w.u32(m.dropped_before);
    w.u8(m.reader);
    w.u32(m.facility);
    w.u64(m.number);
    w.u8(m.granted ? 1 : 0);
    w.u8(m.reason);
  }
  void operator()(const CacheDelta& m) {
    if (m.count > kMaxDeltaEntries) return w.fail();
    w.u32(m.base_version);
    w.u32(m.version);
    w.u8(m.count);
    for (std::size_t i = 0; i < m.count; ++i) {
      w.u8(m.ops[i]);
      put_entry(w, m.entries[i]);
    }
  }
  void operator()(const OfflineAck& m) {
    w.u32(m.board_session);
    w.u32(m.event_seq);
  }
};

template <class T>
void parse_into(Reader& r, T& m);

template <>
void parse_into(Reader& r, Hello& m) {
  m.protocol_version = r.u8();
  m.firmware = get_version(r);
  m.session = r.u32();
  m.peer_session = r.u32();
  m.up = get_bool(r);
}
template <>
void parse_into(Reader& r, Heartbeat& m) {
  m.uptime_ms = r.u32();
}
template <>
void parse_into(Reader&, Ack&) {}
template <>
void parse_into(Reader& r, CardRead& m) {
  m.reader = r.u8();
  m.format_id = r.u8();
  m.bit_count = r.u8();
  m.board_ms = r.u32();
  if (m.bit_count == 0 || m.bit_count > kMaxCardBits) return r.fail_value();
  for (std::size_t i = 0; i < (m.bit_count + 7u) / 8u; ++i) m.bits[i] = r.u8();
}
template <>
void parse_into(Reader& r, KeypadKey& m) {
  m.reader = r.u8();
  m.key = r.u8();
  m.board_ms = r.u32();
  if (m.key > 11) r.fail_value();
}
template <>
void parse_into(Reader& r, InputChanged& m) {
  m.input = r.u8();
  m.level = get_bool(r);
  m.board_ms = r.u32();
}
template <>
void parse_into(Reader& r, OutputCommand& m) {
  m.relay = r.u8();
  const std::uint8_t mode = r.u8();
  if (mode > 2) r.fail_value();
  m.mode = static_cast<OutputMode>(mode);
  m.pulse_ms = r.u32();
}
template <>
void parse_into(Reader& r, LedBuzzer& m) {
  m.reader = r.u8();
  const std::uint8_t led = r.u8();
  if (led > 3) r.fail_value();
  m.led = static_cast<LedColour>(led);
  m.buzzer = get_bool(r);
  m.duration_ms = r.u16();
}
template <>
void parse_into(Reader& r, BoardStatus& m) {
  m.firmware = get_version(r);
  m.uptime_ms = r.u32();
  m.supply_mv = r.u16();
  m.tamper = get_bool(r);
  m.cache_version = r.u32();
  m.offline_dropped = r.u32();
}
template <>
void parse_into(Reader& r, CacheChunk& m) {
  m.version = r.u32();
  m.index = r.u16();
  m.chunk_count = r.u16();
  const std::uint8_t kind = r.u8();
  m.count = r.u8();
  if (kind > 1) return r.fail_value();
  m.kind = static_cast<CacheChunkKind>(kind);
  const bool entries = m.kind == CacheChunkKind::entries;
  if (m.count > (entries ? kMaxChunkEntries : kMaxChunkWindows)) return r.fail_value();
  if (m.index >= m.chunk_count) return r.fail_value();
  // Check the length before reading so a short payload reads as bad_length.
  if (r.remaining() != m.count * (entries ? kCacheEntryWire : kWindowWire)) return r.fail();
  for (std::size_t i = 0; i < m.count; ++i) {
    if (entries) {
      get_entry(r, m.entries[i]);
    } else {
      ScheduleWindow& s = m.windows[i];
      s.schedule = r.u8();
      s.readers = r.u8();
      s.weekdays = r.u8();
      s.start_minute = r.u16();
      s.end_minute = r.u16();
      if (s.start_minute > 1440 || s.end_minute > 1440) r.fail_value();
    }
  }
}
template <>
void parse_into(Reader& r, TimeSync& m) {
  m.unix_ms = r.u64();
  m.utc_offset_s = static_cast<std::int32_t>(r.u32());
  m.next_change_unix_s = r.u32();
  m.next_offset_s = static_cast<std::int32_t>(r.u32());
}
template <>
void parse_into(Reader& r, OfflineEvent& m) {
  m.event_seq = r.u32();
  m.unix_ms = r.u64();
  m.dropped_before = r.u32();
  m.reader = r.u8();
  m.facility = r.u32();
  m.number = r.u64();
  m.granted = get_bool(r);
  m.reason = r.u8();
}
template <>
void parse_into(Reader& r, CacheDelta& m) {
  m.base_version = r.u32();
  m.version = r.u32();
  m.count = r.u8();
  if (m.count > kMaxDeltaEntries || m.version == 0) return r.fail_value();
  if (r.remaining() != m.count * (1 + kCacheEntryWire)) return r.fail();
  for (std::size_t i = 0; i < m.count; ++i) {
    m.ops[i] = r.u8();
    if (m.ops[i] != 0 && m.ops[i] != kCacheDeltaRemove) r.fail_value();
    get_entry(r, m.entries[i]);
  }
}
template <>
void parse_into(Reader& r, OfflineAck& m) {
  m.board_session = r.u32();
  m.event_seq = r.u32();
}

template <class T>
ParseStatus parse_as(std::span<const std::uint8_t> payload, Message& out) {
  Reader r(payload);
  T m{};
  parse_into(r, m);
  if (r.bad_value()) return ParseStatus::bad_value;
  if (!r.ok() || r.remaining() != 0) return ParseStatus::bad_length;
  out = m;
  return ParseStatus::ok;
}

static_assert(kChunkHeaderWire + kMaxChunkEntries * kCacheEntryWire <= kMaxPayload);
static_assert(kChunkHeaderWire + kMaxChunkWindows * kWindowWire <= kMaxPayload);
static_assert(9 + kMaxDeltaEntries * (1 + kCacheEntryWire) <= kMaxPayload);

}  // namespace

PayloadSize encode_payload(const Message& m, std::span<std::uint8_t, kMaxPayload> out) {
  Writer w(out);
  std::visit(Encode{w}, m);
  return {w.size(), w.ok()};
}

std::size_t encode_frame(FrameHeader header, const Message& m, std::span<std::uint8_t> out) {
  std::array<std::uint8_t, kMaxFrame> raw{};
  header.type = type_of(m);
  Writer h(std::span<std::uint8_t>(raw).first(kHeaderSize));
  h.u8(header.version);
  h.u8(static_cast<std::uint8_t>(header.type));
  h.u16(header.seq);
  h.u16(header.ack);
  const PayloadSize p = encode_payload(
      m, std::span<std::uint8_t, kMaxPayload>(raw.data() + kHeaderSize, kMaxPayload));
  if (!p.ok) return 0;
  const std::size_t body = kHeaderSize + p.size;
  const std::uint32_t crc = crc32(std::span<const std::uint8_t>(raw).first(body));
  Writer c(std::span<std::uint8_t>(raw).subspan(body, kCrcSize));
  c.u32(crc);
  const std::size_t n = cobs_encode(std::span<const std::uint8_t>(raw).first(body + kCrcSize), out);
  if (n == 0 || n >= out.size()) return 0;
  out[n] = 0;
  return n + 1;
}

ParseStatus parse_payload(std::uint8_t type, std::span<const std::uint8_t> payload, Message& out) {
  switch (static_cast<MessageType>(type)) {
    case MessageType::hello:
      return parse_as<Hello>(payload, out);
    case MessageType::heartbeat:
      return parse_as<Heartbeat>(payload, out);
    case MessageType::ack:
      return parse_as<Ack>(payload, out);
    case MessageType::card_read:
      return parse_as<CardRead>(payload, out);
    case MessageType::keypad_key:
      return parse_as<KeypadKey>(payload, out);
    case MessageType::input_changed:
      return parse_as<InputChanged>(payload, out);
    case MessageType::output_command:
      return parse_as<OutputCommand>(payload, out);
    case MessageType::led_buzzer:
      return parse_as<LedBuzzer>(payload, out);
    case MessageType::board_status:
      return parse_as<BoardStatus>(payload, out);
    case MessageType::cache_chunk:
      return parse_as<CacheChunk>(payload, out);
    case MessageType::time_sync:
      return parse_as<TimeSync>(payload, out);
    case MessageType::offline_event:
      return parse_as<OfflineEvent>(payload, out);
    case MessageType::offline_ack:
      return parse_as<OfflineAck>(payload, out);
    case MessageType::cache_delta:
      return parse_as<CacheDelta>(payload, out);
  }
  return ParseStatus::unknown_type;
}

const char* to_string(ParseStatus s) {
  switch (s) {
    case ParseStatus::ok:
      return "ok";
    case ParseStatus::unknown_type:
      return "unknown_type";
    case ParseStatus::bad_length:
      return "bad_length";
    case ParseStatus::bad_value:
      return "bad_value";
  }
  return "?";
}

}  // namespace vigil::fwb
