#include "vigil/fwb/link.hpp"

#include "vigil/fwb/codec.hpp"

namespace vigil::fwb {

Link::Link(const LinkConfig& config, ByteSink& out, LinkListener& listener)
    : config_(config), out_(out), listener_(listener) {}

void Link::start(Millis now) {
  // A leading delimiter ends whatever noise the line held before we spoke.
  const std::uint8_t zero = 0;
  out_.write(std::span<const std::uint8_t>(&zero, 1));
  last_rx_ = now;
  send_hello(now);
}

void Link::receive(std::span<const std::uint8_t> bytes, Millis now) {
  for (const std::uint8_t b : bytes) {
    if (decoder_.push(b) == FrameDecoder::Result::frame) on_frame(decoder_.frame(), now);
  }
  if (ack_due_ && up_) {
    ack_due_ = false;
    send_control(Ack{}, now);
  }
}

void Link::on_frame(const Frame& f, Millis now) {
  if (const auto* h = std::get_if<Hello>(&f.message)) return on_hello(*h, now);
  if (!up_) {
    ++counters_.not_up;
    return;
  }
  last_rx_ = now;
  process_ack(f.header.ack);
  if (!is_reliable(f.header.type)) return;
  ack_due_ = true;
  if (f.header.seq == expected_) {
    ++expected_;
    ++counters_.delivered;
    listener_.on_message(f.message);
  } else if (static_cast<std::uint16_t>(expected_ - f.header.seq) <= 0x8000u) {
    ++counters_.duplicates;  // its ack was lost: acknowledge again
  } else {
    ++counters_.out_of_order;  // an earlier frame was lost: go-back-N resends it
  }
}

void Link::on_hello(const Hello& h, Millis now) {
  if (h.protocol_version != kProtocolVersion || h.session == 0) {
    ++counters_.version_mismatch;
    return;
  }
  last_rx_ = now;
  if (h.session != peer_session_) {
    if (peer_session_ != 0) ++counters_.peer_restarts;
    if (up_) go_down(now);
    peer_session_ = h.session;
    expected_ = 0;
    // The new peer expects seq 0: renumber what it has not acknowledged.
    for (std::size_t i = 0; i < count_; ++i) slot(i).seq = static_cast<std::uint16_t>(i);
    next_seq_ = static_cast<std::uint16_t>(count_);
  }
  if (h.peer_session == config_.session && !up_) {
    up_ = true;
    ++counters_.ups;
    last_rx_ = now;
    listener_.on_link_up();
    if (!h.up) send_hello(now);
    retransmit_all(now);
    return;
  }
  if (!h.up) send_hello(now);
}

void Link::process_ack(std::uint16_t ack) {
  // ack = the next seq the peer expects: everything before it arrived.
  while (count_ > 0) {
    const auto ahead = static_cast<std::uint16_t>(ack - window_[head_].seq);
    if (ahead == 0 || ahead > count_) break;
    head_ = (head_ + 1) % kLinkWindow;
    --count_;
  }
}

void Link::tick(Millis now) {
  if (!up_) {
    if (now - last_hello_ >= config_.hello_interval) send_hello(now);
    return;
  }
  if (now - last_rx_ >= config_.link_timeout) {
    go_down(now);
    send_hello(now);
    return;
  }
  if (count_ > 0 && now - slot(0).sent_at >= config_.retransmit_timeout) retransmit_all(now);
  if (now - last_tx_ >= config_.heartbeat_interval) {
    send_control(Heartbeat{static_cast<std::uint32_t>(now.count())}, now);
  }
}

SendResult Link::send(const Message& m, Millis now) {
  if (!is_reliable(type_of(m))) return SendResult::invalid;
  std::array<std::uint8_t, kMaxPayload> probe{};
  if (!encode_payload(m, probe).ok) return SendResult::invalid;
  if (!up_) return SendResult::link_down;
  if (count_ == kLinkWindow) return SendResult::window_full;
  Slot& s = slot(count_);
  s.seq = next_seq_++;
  s.message = m;
  ++count_;
  transmit(s, now);
  return SendResult::sent;
}

void Link::retransmit_all(Millis now) {
  for (std::size_t i = 0; i < count_; ++i) {
    ++counters_.retransmitted;
    transmit(slot(i), now);
  }
}

void Link::transmit(Slot& s, Millis now) {
  std::array<std::uint8_t, kMaxWireFrame> wire{};
  FrameHeader h;
  h.seq = s.seq;
  h.ack = expected_;
  const std::size_t n = encode_frame(h, s.message, wire);
  s.sent_at = now;
  last_tx_ = now;
  ack_due_ = false;  // every frame carries the ack
  out_.write(std::span<const std::uint8_t>(wire.data(), n));
}

void Link::send_control(const Message& m, Millis now) {
  std::array<std::uint8_t, kMaxWireFrame> wire{};
  FrameHeader h;
  h.ack = expected_;
  const std::size_t n = encode_frame(h, m, wire);
  last_tx_ = now;
  out_.write(std::span<const std::uint8_t>(wire.data(), n));
}

void Link::send_hello(Millis now) {
  Hello h;
  h.firmware = config_.firmware;
  h.session = config_.session;
  h.peer_session = peer_session_;
  h.up = up_;
  last_hello_ = now;
  send_control(h, now);
}

void Link::go_down(Millis now) {
  up_ = false;
  ++counters_.downs;
  last_hello_ = now - config_.hello_interval;
  listener_.on_link_down();
}

const char* to_string(SendResult r) {
  switch (r) {
    case SendResult::sent:
      return "sent";
    case SendResult::window_full:
      return "window_full";
    case SendResult::link_down:
      return "link_down";
    case SendResult::invalid:
      return "invalid";
  }
  return "?";
}

}  // namespace vigil::fwb
