// The link state machine shared by gateway and board: handshake, sequence
// numbers, cumulative acknowledgements, go-back-N retransmission over a
// bounded window, heartbeats both ways, link up/down detection. Pure: it
// never reads a clock (every call carries `now`, monotonic milliseconds since
// any origin) and never allocates; bytes go out through a ByteSink and
// messages come in through a LinkListener.
//
// Handshake: each side has a session id, new on every boot. A side that is
// not up sends Hello{session, peer_session, up=false} every hello_interval;
// a Hello from a side that is not up is answered. A side is up once it gets a
// Hello naming its own session. A Hello with a new peer session means the
// peer rebooted: sequence numbers restart at 0 both ways and messages still
// unacknowledged are renumbered and sent again.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

#include "vigil/fwb/decoder.hpp"
#include "vigil/fwb/message.hpp"

namespace vigil::fwb {

using Millis = std::chrono::milliseconds;

class ByteSink {
 public:
  virtual void write(std::span<const std::uint8_t> bytes) = 0;

 protected:
  ~ByteSink() = default;
};

class LinkListener {
 public:
  // A reliable message, delivered once and in the sender's order.
  virtual void on_message(const Message& m) = 0;
  virtual void on_link_up() {}
  virtual void on_link_down() {}

 protected:
  ~LinkListener() = default;
};

struct LinkConfig {
  std::uint32_t session = 1;  // non-zero, different on every boot
  FirmwareVersion firmware;
  Millis hello_interval{250};
  Millis heartbeat_interval{500};
  Millis link_timeout{2000};  // nothing received for this long: link down
  Millis retransmit_timeout{200};
};

inline constexpr std::size_t kLinkWindow = 8;

enum class SendResult : std::uint8_t { sent, window_full, link_down, invalid };
const char* to_string(SendResult r);

struct LinkCounters {
  std::uint32_t delivered = 0;
  std::uint32_t duplicates = 0;     // reliable frames seen before (dropped, re-acked)
  std::uint32_t out_of_order = 0;   // reliable frames ahead of the expected one
  std::uint32_t retransmitted = 0;  // frames sent again after a timeout or handshake
  std::uint32_t not_up = 0;         // non-hello frames received while not up
  std::uint32_t version_mismatch = 0;
  std::uint32_t peer_restarts = 0;
  std::uint32_t ups = 0;
  std::uint32_t downs = 0;
};

class Link {
 public:
  Link(const LinkConfig& config, ByteSink& out, LinkListener& listener);

  // Sends the first Hello.
  void start(Millis now);
  void receive(std::span<const std::uint8_t> bytes, Millis now);
  // Hellos, heartbeats, retransmissions and link-down detection; call often
  // (every few ms, or at least every retransmit_timeout / 2).
  void tick(Millis now);
  // Queues a reliable message and sends it. Not up or a full window: the
  // caller keeps the message (the board's offline ring does).
  SendResult send(const Message& m, Millis now);

  bool up() const { return up_; }
  bool can_send() const { return up_ && count_ < kLinkWindow; }
  std::size_t in_flight() const { return count_; }
  std::uint32_t peer_session() const { return peer_session_; }
  const LinkCounters& counters() const { return counters_; }
  const DecoderCounters& decoder_counters() const { return decoder_.counters(); }

 private:
  struct Slot {
    std::uint16_t seq = 0;
    Millis sent_at{0};
    Message message;
  };

  void on_frame(const Frame& f, Millis now);
  void on_hello(const Hello& h, Millis now);
  void process_ack(std::uint16_t ack);
  void transmit(Slot& s, Millis now);
  void send_control(const Message& m, Millis now);
  void send_hello(Millis now);
  void retransmit_all(Millis now);
  void go_down(Millis now);
  Slot& slot(std::size_t i) { return window_[(head_ + i) % kLinkWindow]; }

  LinkConfig config_;
  ByteSink& out_;
  LinkListener& listener_;
  FrameDecoder decoder_;
  std::array<Slot, kLinkWindow> window_{};
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::uint16_t next_seq_ = 0;
  std::uint16_t expected_ = 0;
  std::uint32_t peer_session_ = 0;
  bool up_ = false;
  bool ack_due_ = false;
  Millis last_rx_{0};
  Millis last_tx_{0};
  Millis last_hello_{0};
  LinkCounters counters_{};
};

}  // namespace vigil::fwb
