#include "vigil/fwb/board_inputs.hpp"

#include "vigil/wiegand/frame.hpp"

namespace vigil::fwb {

core::PointRef relay_point(const core::DeviceId& board, std::uint8_t relay) {
  return core::PointRef{board, core::PointKind::coil, relay};
}

core::PointRef input_point(const core::DeviceId& board, std::uint8_t input) {
  return core::PointRef{board, core::PointKind::discrete_input, input};
}

std::vector<bool> card_bits(const CardRead& read) {
  std::vector<bool> bits;
  const std::size_t n = std::min<std::size_t>(read.bit_count, kMaxCardBits);
  bits.reserve(n);
  for (std::size_t i = 0; i < n; ++i) bits.push_back(((read.bits[i / 8] >> (7 - i % 8)) & 1u) != 0);
  return bits;
}

core::Input card_input(const core::ReaderId& reader, const CardRead& read,
                       const std::vector<wiegand::FormatSpec>& formats, core::TimePoint wall,
                       core::MonoTime mono) {
  const std::vector<bool> bits = card_bits(read);
  const wiegand::WiegandResult r = wiegand::decode(bits, formats);
  if (const auto* card = std::get_if<wiegand::WiegandCard>(&r))
    return core::CardPresented{reader, card->card, card->format, wall, mono};
  if (const auto* err = std::get_if<wiegand::WiegandError>(&r))
    return core::ReadFailed{reader, err->raw_bits, err->bit_count, err->check_failed, wall, mono};
  // decode() never answers with a key; a board sends keys as KeypadKey.
  return core::ReadFailed{
      reader, wiegand::bits_to_string(bits), static_cast<int>(bits.size()), "unknown_length", wall,
      mono};
}

core::DenyReason deny_reason(std::uint8_t offline_reason) {
  switch (offline_reason) {
    case 0:
      return core::DenyReason::none;
    case 1:
      return core::DenyReason::unknown_card;
    case 2:
      return core::DenyReason::inactive_credential;
    case 3:
      return core::DenyReason::no_access_level;
    case 4:
      return core::DenyReason::outside_schedule;
    case 5:
      return core::DenyReason::unknown_reader;
    case 6:
      return core::DenyReason::no_cache;
    case 7:
      return core::DenyReason::no_time;
    default:
      return core::DenyReason::unknown_card;  // parse_payload refuses these
  }
}

OfflineOrder OfflineCursor::order(std::uint32_t session, std::uint32_t event_seq,
                                  std::uint32_t dropped_before) const {
  // A new board session restarts its numbering at 1 (the ring is in RAM).
  const std::uint32_t last = session == session_ ? last_seq_ : 0;
  if (event_seq <= last) return OfflineOrder::duplicate;
  return event_seq == last + 1 + dropped_before ? OfflineOrder::next : OfflineOrder::ahead;
}

OfflineOrder OfflineCursor::accept(std::uint32_t session, std::uint32_t event_seq,
                                   std::uint32_t dropped_before) {
  const OfflineOrder o = order(session, event_seq, dropped_before);
  if (o == OfflineOrder::next) {
    session_ = session;
    last_seq_ = event_seq;
  }
  return o;
}

core::OfflineDecision offline_input(const core::DeviceId& board, const core::ReaderId& reader,
                                    const OfflineEvent& e, std::uint32_t board_session,
                                    core::TimePoint received, core::MonoTime mono) {
  core::OfflineDecision d;
  d.device = board;
  d.reader = reader;
  d.card = core::CardNumber{e.facility, e.number};
  d.granted = e.granted;
  d.reason = e.granted ? core::DenyReason::none : deny_reason(e.reason);
  d.board_session = board_session;
  d.board_seq = e.event_seq;
  d.dropped_before = e.dropped_before;
  // A board that was never synced stamps 0: its time says nothing.
  d.board_had_time = e.unix_ms != 0;
  d.time = d.board_had_time ? core::from_unix_micros(static_cast<std::int64_t>(e.unix_ms) * 1000)
                            : received;
  d.received = received;
  d.mono = mono;
  return d;
}

TimeSync time_sync_for(const core::TimeZone& zone, core::TimePoint now) {
  TimeSync t;
  t.unix_ms = static_cast<std::uint64_t>(core::to_unix_micros(now) / 1000);
  t.utc_offset_s = zone.offset_at(now);
  using std::chrono::seconds;
  constexpr auto kDay = std::chrono::hours(24);
  core::TimePoint lo = now;
  for (int day = 1; day <= 366; ++day) {
    const core::TimePoint hi = now + day * kDay;
    if (zone.offset_at(hi) == t.utc_offset_s) {
      lo = hi;
      continue;
    }
    // The change lies in (lo, hi]: bisect to the second.
    core::TimePoint a = lo;
    core::TimePoint b = hi;
    while (b - a > seconds(1)) {
      const core::TimePoint mid = a + (b - a) / 2;
      (zone.offset_at(mid) == t.utc_offset_s ? a : b) = mid;
    }
    t.next_change_unix_s = static_cast<std::uint32_t>(core::to_unix_micros(b) / 1'000'000);
    t.next_offset_s = zone.offset_at(b);
    break;
  }
  return t;
}

}  // namespace vigil::fwb
