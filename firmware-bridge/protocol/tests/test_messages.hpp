// One filled-in example of every message, shared by the codec tests.
#pragma once

#include <vector>

#include "vigil/fwb/message.hpp"

namespace vigil::fwb::testing {

inline std::vector<Message> every_message() {
  CardRead card;
  card.reader = 1;
  card.format_id = 3;
  card.bit_count = 26;
  card.board_ms = 123456;
  card.bits[0] = 0x81;
  card.bits[1] = 0x01;
  card.bits[2] = 0xF5;
  card.bits[3] = 0x40;
  CacheChunk entries;
  entries.version = 7;
  entries.index = 1;
  entries.chunk_count = 3;
  entries.kind = CacheChunkKind::entries;
  entries.count = 2;
  entries.entries[0] = {0x000C0000000003E9ull, 0, 0, 0x03, 1, 0};
  entries.entries[1] = {0x000C0000000003EAull, 1700000000, 1800000000, 0x01, 2,
                        kCacheEntryInactive};
  CacheChunk windows;
  windows.version = 7;
  windows.index = 0;
  windows.chunk_count = 3;
  windows.kind = CacheChunkKind::schedules;
  windows.count = 1;
  windows.windows[0] = {1, 0x03, 0x1F, 7 * 60, 19 * 60};
  OfflineEvent ev;
  ev.event_seq = 42;
  ev.unix_ms = 1795000000123ull;
  ev.dropped_before = 3;
  ev.reader = 1;
  ev.facility = 12;
  ev.number = 1001;
  ev.granted = true;
  ev.reason = 0;
  CacheDelta delta;
  delta.base_version = 7;
  delta.version = 8;
  delta.count = 2;
  delta.ops = {0, kCacheDeltaRemove};
  delta.entries[0] = {0x000C0000000003EBull, 0, 1800000000, 0x01, 1, 0};
  delta.entries[1] = {0x000C0000000003E9ull, 0, 0, 0, 0, 0};
  return {
      Hello{kProtocolVersion, {1, 2, 3}, 0xA1B2C3D4u, 0x01020304u, true},
      Heartbeat{99000},
      Ack{},
      card,
      KeypadKey{0, 11, 5000},
      InputChanged{2, true, 777},
      OutputCommand{0, OutputMode::pulse, 5000},
      LedBuzzer{1, LedColour::green, true, 300},
      BoardStatus{{1, 0, 0}, 3600000, 12050, true, 7, 2},
      entries,
      windows,
      TimeSync{1795000000000ull, 3600, 1795500000u, 7200},
      ev,
      OfflineAck{0xB0A0u, 42},
      delta,
  };
}

}  // namespace vigil::fwb::testing
