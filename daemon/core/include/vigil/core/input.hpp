// What the shell feeds the core. Drivers turn hardware activity into these
// typed inputs, each stamped with the time it happened.
#pragma once

#include <string>
#include <variant>

#include "vigil/core/card.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/point.hpp"
#include "vigil/core/time.hpp"

namespace vigil::core {

// An input point changed level (door contact: true = open; REX: true = pressed).
struct PointChanged {
  PointRef point;
  bool value = false;
  TimePoint time{};
};

// A reader produced a well-formed card read.
struct CardPresented {
  ReaderId reader;
  CardNumber card;
  std::string format;  // e.g. "H10301"
  TimePoint time{};
};

// A reader produced a frame that failed a check. Installers debug readers
// with exactly these fields, so none of them is optional.
struct ReadFailed {
  ReaderId reader;
  std::string raw_bits;  // "0110..." in arrival order
  int bit_count = 0;
  std::string check_failed;  // "even_parity", "odd_parity", "unknown_length", "noise"
  TimePoint time{};
};

// A device (I/O module, GPIO chip) went offline or came back.
struct DeviceStatusChanged {
  DeviceId device;
  bool online = false;
  std::string detail;
  TimePoint time{};
};

using Input = std::variant<PointChanged, CardPresented, ReadFailed, DeviceStatusChanged>;

// What the core asks the shell to do to the hardware.
struct SetOutput {
  PointRef point;
  bool value = false;  // true = energise (unlock for fail-secure locks)
};

}  // namespace vigil::core
