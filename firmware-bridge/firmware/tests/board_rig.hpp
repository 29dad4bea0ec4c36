// A door board and a gateway-side Link joined by a wire the test can cut,
// stepped in 1 ms increments on explicit time. The board can be rebooted:
// its RAM (link, cache, ring, relays) is rebuilt from nothing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/fwb/cache_key.hpp"
#include "vigil/fwb/door_board.hpp"

namespace vigil::fwb::testing {

struct Wire : ByteSink {
  std::vector<std::uint8_t> bytes;
  void write(std::span<const std::uint8_t> b) override {
    bytes.insert(bytes.end(), b.begin(), b.end());
  }
};

struct GatewayEnd : Wire, LinkListener {
  std::vector<Message> received;
  void on_message(const Message& m) override { received.push_back(m); }
};

inline CapturedFrame h10301(std::uint32_t facility, std::uint32_t number) {
  std::string bits;
  for (int i = 7; i >= 0; --i) bits += ((facility >> i) & 1u) ? '1' : '0';
  for (int i = 15; i >= 0; --i) bits += ((number >> i) & 1u) ? '1' : '0';
  const auto ones = [](const std::string& s) { return std::count(s.begin(), s.end(), '1'); };
  bits = std::string(ones(bits.substr(0, 12)) % 2 ? "1" : "0") + bits +
         (ones(bits.substr(12)) % 2 ? "0" : "1");
  CapturedFrame f;
  f.bit_count = 26;
  for (std::size_t i = 0; i < bits.size(); ++i) {
    if (bits[i] == '1')
      f.bits[i / 8] = static_cast<std::uint8_t>(f.bits[i / 8] | (0x80u >> (i % 8)));
  }
  return f;
}

class BoardRig {
 public:
  explicit BoardRig(BoardConfig config, std::size_t ring_capacity = 256)
      : config_(config), ring_capacity_(ring_capacity) {
    boot(0xB0A1);
    restart_gateway(0x6A7E);
  }

  // A gateway (re)started with `session`: what it had not committed is gone.
  void restart_gateway(std::uint32_t session) {
    LinkConfig c;
    c.session = session;
    gateway_.reset();
    gw_end.bytes.clear();
    gw_end.received.clear();
    acked_ = 0;
    pending_acks.clear();
    gateway_.emplace(c, gw_end, gw_end);
    gateway_->start(now);
  }

  void boot(std::uint32_t session) {
    board.reset();
    cache.reset();
    ring.reset();
    storage_.assign(64, StoredEntry{});
    ring_storage_.assign(ring_capacity_, OfflineEvent{});
    config_.link.session = session;
    cache.emplace(storage_);
    ring.emplace(ring_storage_);
    board.emplace(config_, uart, *cache, *ring);
    board->start(now);
  }

  void step() {
    now += Millis{1};
    board->tick(now);
    gateway_->tick(now);
    std::vector<std::uint8_t> up;
    std::vector<std::uint8_t> down;
    up.swap(uart.bytes);
    down.swap(gw_end.bytes);
    if (cut) return;
    if (!up.empty()) gateway_->receive(up, now);
    if (!down.empty()) board->on_uart(down, now);
    // The gateway's journal commits each offline event at once (unless the
    // test holds the commits back) and acknowledges it.
    for (; acked_ < gw_end.received.size(); ++acked_) {
      if (const auto* e = std::get_if<OfflineEvent>(&gw_end.received[acked_]))
        pending_acks.push_back(OfflineAck{gateway_->peer_session(), e->event_seq});
    }
    while (auto_ack && !pending_acks.empty() && gateway_->can_send()) {
      gateway_->send(pending_acks.front(), now);
      pending_acks.erase(pending_acks.begin());
    }
  }
  void run_for(Millis d) {
    const Millis until = now + d;
    while (now < until) step();
  }

  // Sends reliable messages from the gateway, waiting for window space.
  void gateway_send(const Message& m) {
    for (int i = 0; i < 10'000; ++i) {
      if (gateway_->send(m, now) == SendResult::sent) return;
      step();
    }
    ADD_FAILURE() << "gateway could not send";
  }

  // Every card 12:first..last allowed at reader 0, any time.
  void push_cache(std::uint32_t version, std::uint32_t first, std::uint32_t last) {
    CacheChunk windows;
    windows.version = version;
    windows.kind = CacheChunkKind::schedules;
    windows.count = 1;
    windows.windows[0] = {0, 0x01, 0x7F, 0, 1440};
    std::vector<CacheChunk> chunks = {windows};
    for (std::uint32_t n = first; n <= last;) {
      CacheChunk c;
      c.version = version;
      c.kind = CacheChunkKind::entries;
      for (; n <= last && c.count < kMaxChunkEntries; ++n) {
        c.entries[c.count++] = {card_key(12, n), 0, 0, 0x01, 0, 0};
      }
      chunks.push_back(c);
    }
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      chunks[i].index = static_cast<std::uint16_t>(i);
      chunks[i].chunk_count = static_cast<std::uint16_t>(chunks.size());
      gateway_send(chunks[i]);
    }
    run_for(Millis{20});
  }

  void sync_time(std::uint64_t unix_ms) { gateway_send(TimeSync{unix_ms, 0, 0, 0}); }

  void swipe(std::uint8_t reader, std::uint32_t number) {
    board->on_wiegand(reader, h10301(12, number), now);
  }

  // Card numbers the gateway received, online reads and offline events alike.
  std::vector<std::uint64_t> cards_handed_up() const {
    std::vector<std::uint64_t> out;
    for (const auto& m : gw_end.received) {
      if (const auto* r = std::get_if<CardRead>(&m))
        out.push_back(card_from_bits(r->bit_count, r->bits).number);
      if (const auto* e = std::get_if<OfflineEvent>(&m)) out.push_back(e->number);
    }
    return out;
  }

  template <class T>
  std::vector<T> received() const {
    std::vector<T> out;
    for (const auto& m : gw_end.received) {
      if (const auto* x = std::get_if<T>(&m)) out.push_back(*x);
    }
    return out;
  }

  BoardConfig config_;
  Millis now{10'000};
  bool cut = false;
  bool auto_ack = true;
  std::vector<OfflineAck> pending_acks;  // offline events received, not yet acknowledged
  Wire uart;
  GatewayEnd gw_end;
  std::optional<Link> gateway_;
  Link& gateway() { return *gateway_; }
  std::optional<CredentialCache> cache;
  std::optional<OfflineEventRing> ring;
  std::optional<DoorBoard> board;

 private:
  std::size_t ring_capacity_;
  std::size_t acked_ = 0;
  std::vector<StoredEntry> storage_;
  std::vector<OfflineEvent> ring_storage_;
};

}  // namespace vigil::fwb::testing
