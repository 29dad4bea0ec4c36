#include "vigil/fwb/door_board.hpp"

namespace vigil::fwb {

DoorBoard::DoorBoard(const BoardConfig& config, ByteSink& uart, CredentialCache& cache,
                     OfflineEventRing& ring)
    : config_(config),
      cache_(cache),
      ring_(ring),
      link_(config.link, uart, *this),
      relays_(config.relays) {
  for (auto& in : inputs_) in = InputDebouncer(config_.input_debounce);
}

void DoorBoard::start(Millis now) {
  now_ = now;
  started_ = now;
  link_.start(now);
}

void DoorBoard::on_uart(std::span<const std::uint8_t> bytes, Millis now) {
  now_ = now;
  link_.receive(bytes, now);
  drain(now);
}

void DoorBoard::on_wiegand(std::uint8_t reader, const CapturedFrame& frame, Millis now) {
  now_ = now;
  const auto board_ms = static_cast<std::uint32_t>(now.count());
  if (frame.kind == CapturedFrame::Kind::key) {
    if (!online() || link_.send(KeypadKey{reader, frame.key, board_ms}, now) != SendResult::sent) {
      ++counters_.lost_offline;  // PINs are not checked offline
    }
    return;
  }
  if (online()) {
    CardRead read;
    read.reader = reader;
    read.bit_count = frame.bit_count;
    read.board_ms = board_ms;
    read.bits = frame.bits;
    if (link_.send(read, now) == SendResult::sent) {
      ++counters_.online_reads;
      return;
    }
  }
  decide_offline_read(reader, frame, now);
}

void DoorBoard::decide_offline_read(std::uint8_t reader, const CapturedFrame& frame, Millis now) {
  ++counters_.offline_reads;
  const BoardCard card = card_from_bits(frame.bit_count, frame.bits);
  OfflineEvent e;
  e.reader = reader;
  e.facility = card.facility;
  e.number = card.number;
  OfflineDecision d;
  if (!clock_.synced()) {
    d = {false, OfflineReason::no_time};
  } else if (!card.ok) {
    d = {false, OfflineReason::unknown_card};
  } else {
    e.unix_ms = clock_.unix_ms(now);
    d = decide_offline(cache_, reader, config_.reader_count, card.facility, card.number, e.unix_ms,
                       clock_.utc_offset_s(e.unix_ms));
  }
  e.granted = d.granted;
  e.reason = static_cast<std::uint8_t>(d.reason);
  if (d.granted) {
    ++counters_.offline_grants;
    relays_.pulse(config_.reader_lock_relay[reader], config_.unlock_time[reader], now);
  }
  // The same signals the gateway gives online: a short green, or red and a beep.
  on_led_buzzer(d.granted ? LedBuzzer{reader, LedColour::green, false, 1000}
                          : LedBuzzer{reader, LedColour::red, true, 500});
  ring_.push(e);
}

void DoorBoard::on_input(std::uint8_t input, bool raw_level, Millis now) {
  now_ = now;
  if (input >= config_.input_count || input >= kMaxInputs) return;
  const auto changed = inputs_[input].update(raw_level, now);
  if (!changed) return;
  const InputChanged m{input, *changed, static_cast<std::uint32_t>(now.count())};
  if (!online() || link_.send(m, now) != SendResult::sent) ++counters_.lost_offline;
}

void DoorBoard::tick(Millis now) {
  now_ = now;
  link_.tick(now);
  relays_.tick(now);
  for (std::size_t r = 0; r < kMaxReaders; ++r) {
    if (signal_until_[r] != Millis{0} && now >= signal_until_[r]) {
      signals_[r] = ReaderSignal{};
      signal_until_[r] = Millis{0};
    }
  }
  drain(now);
}

// Called after every entry point, so between calls either the ring is empty
// or the link's window is full: a new read never overtakes a queued one.
void DoorBoard::drain(Millis now) {
  if (status_due_ && link_.can_send()) {
    if (link_.send(status(now), now) == SendResult::sent) status_due_ = false;
  }
  // Oldest first. An event is handed to the link once per gateway session
  // and leaves the ring only when that gateway's journal has it (OfflineAck).
  while (ring_sent_ < ring_.size() && link_.can_send()) {
    if (link_.send(ring_.at(ring_sent_), now) != SendResult::sent) break;
    ++ring_sent_;
  }
}

void DoorBoard::on_link_up() {
  status_due_ = true;
  // A new gateway (a restarted vigild) may have lost events it never
  // committed: hand every held one up again, oldest first. It drops those
  // its journal already has and acknowledges them.
  if (link_.peer_session() != ring_sent_to_) {
    ring_sent_to_ = link_.peer_session();
    ring_sent_ = 0;
  }
}

void DoorBoard::on_led_buzzer(const LedBuzzer& c) {
  if (c.reader >= config_.reader_count || c.reader >= kMaxReaders) return;
  signals_[c.reader] = ReaderSignal{c.led, c.buzzer};
  signal_until_[c.reader] = c.duration_ms == 0 ? Millis{0} : now_ + Millis{c.duration_ms};
}

void DoorBoard::on_offline_ack(const OfflineAck& a) {
  if (a.board_session != config_.link.session) return;  // meant for an earlier boot
  while (!ring_.empty() && ring_.front().event_seq <= a.event_seq) {
    ring_.pop();
    if (ring_sent_ > 0) --ring_sent_;
  }
}

BoardStatus DoorBoard::status(Millis now) const {
  BoardStatus s;
  s.firmware = config_.link.firmware;
  s.uptime_ms = static_cast<std::uint32_t>((now - started_).count());
  s.supply_mv = config_.supply_mv;
  s.tamper = tamper_;
  s.cache_version = cache_.version();
  s.offline_dropped = ring_.dropped_total();
  return s;
}

void DoorBoard::on_message(const Message& m) {
  if (const auto* c = std::get_if<OutputCommand>(&m)) {
    relays_.command(*c, now_);
  } else if (const auto* t = std::get_if<TimeSync>(&m)) {
    clock_.sync(*t, now_);
  } else if (const auto* led = std::get_if<LedBuzzer>(&m)) {
    on_led_buzzer(*led);
  } else if (const auto* ack = std::get_if<OfflineAck>(&m)) {
    on_offline_ack(*ack);
  } else if (const auto* delta = std::get_if<CacheDelta>(&m)) {
    // Installed or not, the gateway learns the version in use: on a
    // mismatch it pushes a full image.
    if (cache_.apply(*delta) != CacheApply::installed) ++counters_.cache_rejects;
    status_due_ = true;
  } else if (const auto* chunk = std::get_if<CacheChunk>(&m)) {
    const CacheApply r = cache_.apply(*chunk);
    if (r == CacheApply::installed) {
      relays_.arm();
      status_due_ = true;  // tells the gateway which version is in use
    } else if (r != CacheApply::accepted) {
      ++counters_.cache_rejects;
    }
  }
}

}  // namespace vigil::fwb
