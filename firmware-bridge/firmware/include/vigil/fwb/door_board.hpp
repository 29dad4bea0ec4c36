// The door board's firmware core: what runs on the MCU (and, unchanged, on
// the host in tests and vigil-sim). The board layer feeds it UART bytes,
// captured Wiegand frames and raw input levels with board-monotonic times,
// and drives the relays from relay(). Online, card reads, keys and input
// changes go to the gateway, which decides and commands the relays. When the
// read cannot go to the gateway at once (link down, window full, older
// offline events still queued) the board decides from its credential cache,
// drives the lock itself and queues an OfflineEvent, handed up oldest first
// when the link returns. An event stays in the ring until the gateway's
// OfflineAck says its journal committed it: a gateway that restarts before
// the commit gets it again.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "vigil/fwb/board_io.hpp"
#include "vigil/fwb/credential_cache.hpp"
#include "vigil/fwb/link.hpp"
#include "vigil/fwb/offline.hpp"
#include "vigil/fwb/wiegand_capture.hpp"

namespace vigil::fwb {

inline constexpr std::size_t kMaxReaders = 4;
inline constexpr std::size_t kMaxInputs = 8;

struct BoardConfig {
  LinkConfig link;
  std::array<RelayConfig, kMaxRelays> relays{};
  std::uint8_t reader_count = 1;
  std::array<std::uint8_t, kMaxReaders> reader_lock_relay{};  // the lock of each reader's door
  std::array<Millis, kMaxReaders> unlock_time{Millis{5000}, Millis{5000}, Millis{5000},
                                              Millis{5000}};
  std::uint8_t input_count = 0;
  Millis input_debounce{20};
  std::uint16_t supply_mv = 0;  // reported in BoardStatus (the board layer measures it)
};

// What a reader's LED and buzzer show now (the board layer drives them).
struct ReaderSignal {
  LedColour led = LedColour::off;
  bool buzzer = false;
  bool operator==(const ReaderSignal&) const = default;
};

struct BoardCounters {
  std::uint32_t online_reads = 0;
  std::uint32_t offline_reads = 0;
  std::uint32_t offline_grants = 0;
  std::uint32_t lost_offline = 0;  // keys and input changes while offline (not queued)
  std::uint32_t cache_rejects = 0;
};

class DoorBoard final : public LinkListener {
 public:
  // Boot: every relay at its fail level until the gateway commands one or a
  // credential cache is installed.
  DoorBoard(const BoardConfig& config, ByteSink& uart, CredentialCache& cache,
            OfflineEventRing& ring);

  void start(Millis now);
  void on_uart(std::span<const std::uint8_t> bytes, Millis now);
  void on_wiegand(std::uint8_t reader, const CapturedFrame& frame, Millis now);
  void on_input(std::uint8_t input, bool raw_level, Millis now);
  void tick(Millis now);
  void set_tamper(bool tamper) { tamper_ = tamper; }

  bool relay(std::uint8_t index) const { return relays_.level(index); }
  // Off for an unknown reader. A timed LedBuzzer returns to off by itself.
  ReaderSignal reader_signal(std::uint8_t reader) const {
    return reader < kMaxReaders ? signals_[reader] : ReaderSignal{};
  }
  const Link& link() const { return link_; }
  const BoardCounters& counters() const { return counters_; }
  const OfflineEventRing& ring() const { return ring_; }
  const CredentialCache& cache() const { return cache_; }

 private:
  void on_message(const Message& m) override;
  void on_link_up() override;
  void on_link_down() override {}
  // Online once every held offline event is handed to the link (they may
  // still wait for their OfflineAck): a new read never overtakes one.
  bool online() const { return link_.can_send() && ring_sent_ == ring_.size(); }
  void decide_offline_read(std::uint8_t reader, const CapturedFrame& frame, Millis now);
  void drain(Millis now);
  void on_offline_ack(const OfflineAck& a);
  void on_led_buzzer(const LedBuzzer& c);
  BoardStatus status(Millis now) const;

  BoardConfig config_;
  CredentialCache& cache_;
  OfflineEventRing& ring_;
  Link link_;
  RelayBank relays_;
  BoardClock clock_;
  std::array<InputDebouncer, kMaxInputs> inputs_{};
  std::array<ReaderSignal, kMaxReaders> signals_{};
  std::array<Millis, kMaxReaders> signal_until_{};  // 0: until the next command
  Millis now_{0};
  Millis started_{0};
  std::size_t ring_sent_ = 0;       // oldest ring events handed to the link
  std::uint32_t ring_sent_to_ = 0;  // the gateway session they went to
  bool tamper_ = false;
  bool status_due_ = false;
  BoardCounters counters_{};
};

}  // namespace vigil::fwb
