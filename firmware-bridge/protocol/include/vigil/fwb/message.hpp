// The messages between a gateway (vigild) and an MCU door board, as plain
// structs. docs/firmware-bridge.md gives their byte layout; codec.hpp turns
// them into frames and back. Fixed-size members only: no heap, so the same
// header builds for a Cortex-M without exceptions or RTTI.
#pragma once

#include <array>
#include <cstdint>
#include <variant>

namespace vigil::fwb {

inline constexpr std::uint8_t kProtocolVersion = 1;

enum class MessageType : std::uint8_t {
  hello = 0x01,
  heartbeat = 0x02,
  ack = 0x03,
  card_read = 0x10,
  keypad_key = 0x11,
  input_changed = 0x12,
  output_command = 0x20,
  led_buzzer = 0x21,
  board_status = 0x30,
  cache_chunk = 0x40,
  time_sync = 0x41,
  cache_delta = 0x42,
  offline_event = 0x50,
  offline_ack = 0x51,
};
const char* to_string(MessageType t);

struct FirmwareVersion {
  std::uint8_t major = 0;
  std::uint8_t minor = 0;
  std::uint8_t patch = 0;
  bool operator==(const FirmwareVersion&) const = default;
};

// Sent until both sides know each other's session (see link.hpp). `session`
// is new on every boot of the sender; `peer_session` is the sender's idea of
// the receiver's session (0 = none yet).
struct Hello {
  std::uint8_t protocol_version = kProtocolVersion;
  FirmwareVersion firmware;
  std::uint32_t session = 0;
  std::uint32_t peer_session = 0;
  bool up = false;  // the sender considers the link up
  bool operator==(const Hello&) const = default;
};

struct Heartbeat {
  std::uint32_t uptime_ms = 0;
  bool operator==(const Heartbeat&) const = default;
};

// A frame that only carries the header's ack field.
struct Ack {
  bool operator==(const Ack&) const = default;
};

inline constexpr std::size_t kMaxCardBits = 128;

// Raw Wiegand bits as read, MSB first (bit 0 of the frame is the top bit of
// bits[0]); the gateway decodes the format. format_id 0 = unknown/raw.
struct CardRead {
  std::uint8_t reader = 0;
  std::uint8_t format_id = 0;
  std::uint8_t bit_count = 0;  // 1 .. kMaxCardBits
  std::uint32_t board_ms = 0;  // board's monotonic time of the read
  std::array<std::uint8_t, kMaxCardBits / 8> bits{};
  bool operator==(const CardRead&) const = default;
};

// key: 0..9 digits, 10 = '*', 11 = '#'.
struct KeypadKey {
  std::uint8_t reader = 0;
  std::uint8_t key = 0;
  std::uint32_t board_ms = 0;
  bool operator==(const KeypadKey&) const = default;
};

struct InputChanged {
  std::uint8_t input = 0;
  bool level = false;
  std::uint32_t board_ms = 0;
  bool operator==(const InputChanged&) const = default;
};

enum class OutputMode : std::uint8_t { off = 0, on = 1, pulse = 2 };

struct OutputCommand {
  std::uint8_t relay = 0;
  OutputMode mode = OutputMode::off;
  std::uint32_t pulse_ms = 0;  // used with OutputMode::pulse
  bool operator==(const OutputCommand&) const = default;
};

enum class LedColour : std::uint8_t { off = 0, red = 1, green = 2, amber = 3 };

struct LedBuzzer {
  std::uint8_t reader = 0;
  LedColour led = LedColour::off;
  bool buzzer = false;
  std::uint16_t duration_ms = 0;  // 0 = until the next command
  bool operator==(const LedBuzzer&) const = default;
};

struct BoardStatus {
  FirmwareVersion firmware;
  std::uint32_t uptime_ms = 0;
  std::uint16_t supply_mv = 0;
  bool tamper = false;
  std::uint32_t cache_version = 0;    // 0 = no complete cache
  std::uint32_t offline_dropped = 0;  // offline events lost to a full ring, ever
  bool operator==(const BoardStatus&) const = default;
};

// One credential of the offline cache. `key` is card_key(facility, number)
// (see cache_key.hpp); times are Unix seconds, 0 = unbounded.
struct CacheEntry {
  std::uint64_t key = 0;
  std::uint32_t valid_from = 0;
  std::uint32_t valid_until = 0;
  std::uint8_t readers = 0;   // bit r: some access level covers reader r's zone
  std::uint8_t schedule = 0;  // index into the schedule windows
  std::uint8_t flags = 0;     // kCacheEntryInactive
  bool operator==(const CacheEntry&) const = default;
};
inline constexpr std::uint8_t kCacheEntryInactive = 0x01;

// A weekly window of one schedule: [start, end) minutes of local time on
// the weekdays whose bit is set (bit 0 = Monday), at the readers in `readers`.
struct ScheduleWindow {
  std::uint8_t schedule = 0;
  std::uint8_t readers = 0;
  std::uint8_t weekdays = 0;
  std::uint16_t start_minute = 0;
  std::uint16_t end_minute = 0;
  bool operator==(const ScheduleWindow&) const = default;
};

enum class CacheChunkKind : std::uint8_t { schedules = 0, entries = 1 };
inline constexpr std::size_t kMaxChunkEntries = 12;
inline constexpr std::size_t kMaxChunkWindows = 32;

// One chunk of a full cache image of `version`. Chunks go in order
// 0 .. chunk_count-1; schedule chunks first, then entry chunks sorted by key.
struct CacheChunk {
  std::uint32_t version = 0;
  std::uint16_t index = 0;
  std::uint16_t chunk_count = 0;
  CacheChunkKind kind = CacheChunkKind::entries;
  std::uint8_t count = 0;
  std::array<CacheEntry, kMaxChunkEntries> entries{};      // kind entries
  std::array<ScheduleWindow, kMaxChunkWindows> windows{};  // kind schedules
  bool operator==(const CacheChunk&) const = default;
};

// Changes to an installed cache: turns version base_version into version
// (never 0), applied whole or not at all. A board holding another version
// ignores it and reports its own in BoardStatus; the gateway then pushes a
// full image. Entries are upserted by key, or removed (kCacheDeltaRemove).
inline constexpr std::size_t kMaxDeltaEntries = 11;
inline constexpr std::uint8_t kCacheDeltaRemove = 0x80;  // op flag beside CacheEntry::flags
struct CacheDelta {
  std::uint32_t base_version = 0;
  std::uint32_t version = 0;
  std::uint8_t count = 0;
  std::array<std::uint8_t, kMaxDeltaEntries> ops{};  // 0 = upsert, kCacheDeltaRemove
  std::array<CacheEntry, kMaxDeltaEntries> entries{};
  bool operator==(const CacheDelta&) const = default;
};

// The gateway's wall clock and the site's UTC offset now and after its next
// change (for offline schedules across a DST change).
struct TimeSync {
  std::uint64_t unix_ms = 0;
  std::int32_t utc_offset_s = 0;
  std::uint32_t next_change_unix_s = 0;  // 0 = none known
  std::int32_t next_offset_s = 0;
  bool operator==(const TimeSync&) const = default;
};

// A decision the board took while the link was down, handed up later.
struct OfflineEvent {
  std::uint32_t event_seq = 0;       // the board's own, +1 per event, gaps = dropped
  std::uint64_t unix_ms = 0;         // board's wall time (from the last TimeSync)
  std::uint32_t dropped_before = 0;  // events lost to a full ring just before this one
  std::uint8_t reader = 0;
  std::uint32_t facility = 0;
  std::uint64_t number = 0;
  bool granted = false;
  std::uint8_t reason = 0;  // OfflineReason
  bool operator==(const OfflineEvent&) const = default;
};

// The gateway's journal has committed every offline event of board session
// `board_session` up to and including event_seq: the board may forget them.
// Until then it keeps them and hands them up again to a restarted gateway.
struct OfflineAck {
  std::uint32_t board_session = 0;  // the board boot the events belong to
  std::uint32_t event_seq = 0;
  bool operator==(const OfflineAck&) const = default;
};

using Message =
    std::variant<Hello, Heartbeat, Ack, CardRead, KeypadKey, InputChanged, OutputCommand, LedBuzzer,
                 BoardStatus, CacheChunk, TimeSync, OfflineEvent, OfflineAck, CacheDelta>;

MessageType type_of(const Message& m);

// Hello, heartbeat and ack are link control: not sequenced, never
// retransmitted. Every other message is delivered reliably and in order.
bool is_reliable(MessageType t);

}  // namespace vigil::fwb
