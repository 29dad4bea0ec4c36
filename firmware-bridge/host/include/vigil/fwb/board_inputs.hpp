// What a door board's messages mean to the gateway's core, without any I/O:
// card reads decoded from their raw bits into CardPresented / ReadFailed,
// input changes into PointChanged on the board's points, offline events
// into core::OfflineDecision, deduplicated by (board session, event_seq),
// and the site's time zone into a TimeSync. BoardDriver (board_driver.hpp)
// runs these on the event loop.
//
// A board is addressed like a Modbus I/O module: its relays are
// `{device, coil, r}` and its inputs `{device, input, i}`.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "vigil/core/input.hpp"
#include "vigil/core/point.hpp"
#include "vigil/core/time.hpp"
#include "vigil/fwb/message.hpp"
#include "vigil/wiegand/format.hpp"

namespace vigil::fwb {

core::PointRef relay_point(const core::DeviceId& board, std::uint8_t relay);
core::PointRef input_point(const core::DeviceId& board, std::uint8_t input);

// The bits of a CardRead in wire order, as the Wiegand decoder takes them.
std::vector<bool> card_bits(const CardRead& read);

// A card read at a board reader, decoded with `formats` (in order).
core::Input card_input(const core::ReaderId& reader, const CardRead& read,
                       const std::vector<wiegand::FormatSpec>& formats, core::TimePoint wall,
                       core::MonoTime mono);

// The board's offline reasons are the core's DenyReason values.
core::DenyReason deny_reason(std::uint8_t offline_reason);

// Where an offline event stands against the last one taken from that board.
enum class OfflineOrder : std::uint8_t {
  next,       // the one after it (allowing for the gap the board says it dropped)
  duplicate,  // taken before (resent to a restarted gateway, or after a lost ack)
  ahead,      // a later one while one before it is still missing: dropped, resent
};

// The last offline event taken from a board, per board session. Events are
// taken strictly in order: a board hands every unacknowledged event up again
// to a restarted gateway, oldest first, after what its link was still
// retransmitting, so an event ahead of the next one is dropped (it comes
// again). A new board session restarts the numbering at 1.
class OfflineCursor {
 public:
  OfflineCursor() = default;
  OfflineCursor(std::uint32_t session, std::uint32_t last_seq)
      : session_(session), last_seq_(last_seq) {}
  OfflineOrder order(std::uint32_t session, std::uint32_t event_seq,
                     std::uint32_t dropped_before) const;
  // Records the event when it is the next one; returns where it stood.
  OfflineOrder accept(std::uint32_t session, std::uint32_t event_seq, std::uint32_t dropped_before);
  std::uint32_t session() const { return session_; }
  std::uint32_t last_seq() const { return last_seq_; }

 private:
  std::uint32_t session_ = 0;
  std::uint32_t last_seq_ = 0;
};

core::OfflineDecision offline_input(const core::DeviceId& board, const core::ReaderId& reader,
                                    const OfflineEvent& e, std::uint32_t board_session,
                                    core::TimePoint received, core::MonoTime mono);

// The gateway's wall clock and the zone's offset now and at its next change
// within a year (found by probing day by day, then to the second).
TimeSync time_sync_for(const core::TimeZone& zone, core::TimePoint now);

}  // namespace vigil::fwb
