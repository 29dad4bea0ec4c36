// What the shell feeds the core. Drivers turn hardware activity into these
// typed inputs, each stamped with the time it happened.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "vigil/core/card.hpp"
#include "vigil/core/event.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/keypad.hpp"
#include "vigil/core/lockdown.hpp"
#include "vigil/core/pin.hpp"
#include "vigil/core/point.hpp"
#include "vigil/core/time.hpp"

namespace vigil::core {

// Every input carries two clocks: `time` (wall clock, for schedules and the
// journal) and `mono` (monotonic, for every duration).

// An input point changed level (door contact: true = open; REX: true = pressed).
// `initial` marks a level read at start or after a (re)connect: it sets the
// state, it is never a press or an opening.
struct PointChanged {
  PointRef point;
  bool value = false;
  TimePoint time{};
  MonoTime mono{};
  bool initial = false;
};

// A reader produced a well-formed card read.
struct CardPresented {
  ReaderId reader;
  CardNumber card;
  std::string format;  // e.g. "H10301"
  TimePoint time{};
  MonoTime mono{};
};

// A reader produced a frame that failed a check. Installers debug readers
// with exactly these fields, so none of them is optional.
struct ReadFailed {
  ReaderId reader;
  std::string raw_bits;  // "0110..." in arrival order
  int bit_count = 0;
  std::string check_failed;  // "even_parity", "odd_parity", "unknown_length", "noise"
  TimePoint time{};
  MonoTime mono{};
};

// A device (I/O module, GPIO chip) went offline or came back.
struct DeviceStatusChanged {
  DeviceId device;
  bool online = false;
  std::string detail;
  TimePoint time{};
  MonoTime mono{};
};

// The driver's answer to a SetOutput: the write was confirmed (acknowledged,
// and read back where the device supports it) or it failed / timed out.
// The journal's door_unlocked / door_relocked come from these, not from the
// command, so it records what the hardware did. `write_id` is the id of the
// SetOutput it answers: a driver answers one point's writes in the order it
// was given them, and may drop a write superseded before it was confirmed
// (it then never answers it).
struct OutputResult {
  PointRef point;
  std::uint64_t write_id = 0;  // SetOutput::write_id of the write answered
  bool value = false;          // the value that was written (or attempted)
  bool ok = false;
  std::string error;  // why it failed, when !ok
  TimePoint time{};
  MonoTime mono{};
};

// Both clocks, read by the shell now and then when nothing else happens, so
// the core sees deadlines pass and wall-clock steps without reading a clock.
struct ClockTick {
  TimePoint time{};
  MonoTime mono{};
};

// A decision a door board took from its offline credential cache while its
// link to the gateway was down, handed up once the link returned (the
// firmware bridge, docs/firmware-bridge.md). The board already drove its
// lock, so the core only records the decision: it changes no door state.
// `time` is the board's wall time of the decision when it had one, else
// when the gateway received it (`received`).
struct OfflineDecision {
  DeviceId device;
  ReaderId reader;
  CardNumber card;
  bool granted = false;
  DenyReason reason = DenyReason::none;
  std::uint32_t board_session = 0;   // the board's boot session
  std::uint32_t board_seq = 0;       // the board's own event number in that session
  std::uint32_t dropped_before = 0;  // events the board's full ring lost just before this one
  bool board_had_time = true;
  TimePoint time{};
  TimePoint received{};
  MonoTime mono{};
};

// One key of a reader's keypad (a Wiegand keypad burst). The key is a PIN
// digit: never logged or journalled.
struct KeyPressed {
  ReaderId reader;
  KeypadKey key = KeypadKey::hash;
  TimePoint time{};
  MonoTime mono{};
};

// The shell's answer to a PinCheck: what the PIN typed for attempt
// `attempt` at `reader` turned out to be against the person's stored hash.
struct PinChecked {
  ReaderId reader;
  std::uint64_t attempt = 0;
  PinVerdict verdict = PinVerdict::wrong;
  TimePoint time{};
  MonoTime mono{};
};

// The lockdown orders in force, as the shell loaded them at start and after
// every roster change (the orders themselves are journalled by whoever
// gave them). Replaces the Controller's orders; doors into a zone that has
// just been locked down relock at once.
struct LockdownChanged {
  Lockdowns lockdowns;
  TimePoint time{};
  MonoTime mono{};
};

using Input =
    std::variant<PointChanged, CardPresented, ReadFailed, DeviceStatusChanged, OutputResult,
                 ClockTick, OfflineDecision, KeyPressed, PinChecked, LockdownChanged>;

// What the core asks the shell to do to the hardware. The core numbers the
// writes of each point (1, 2, ...); the driver echoes the number in its
// OutputResult, so a result is matched to its write, not to a value that
// two writes may share.
struct SetOutput {
  PointRef point;
  bool value = false;  // true = energise (unlock for fail-secure locks)
  std::uint64_t write_id = 0;
};

// Check a typed PIN against the holder's stored hash, off the event loop
// (PBKDF2 takes tens of milliseconds), and answer with PinChecked carrying
// the same reader and attempt. The stored hash travels with the request so
// the verifier needs no roster of its own.
struct PinCheck {
  ReaderId reader;
  std::uint64_t attempt = 0;
  PersonId person;
  PinCode entered;
  PinHash stored;
};

}  // namespace vigil::core
