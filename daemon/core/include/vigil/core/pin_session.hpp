// A card + PIN read in progress at one reader: the card was accepted, the
// Controller now collects the holder's PIN from the same reader's keypad.
// Holds ids, never pointers into the people directory, which a roster
// reload may replace while the person is typing.
#pragma once

#include <cstdint>
#include <string>

#include "vigil/core/attr.hpp"
#include "vigil/core/card.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/pin.hpp"
#include "vigil/core/time.hpp"

namespace vigil::core {

struct PinSession {
  std::uint64_t attempt = 0;  // matches the shell's PinChecked to this read
  CardNumber card;
  std::string format;
  PersonId person;
  DoorId door;
  ZoneId zone;
  Attrs attrs;            // the card decision's attributes (e.g. a watch flag)
  MonoTime expires{};     // card time + PinPolicy::entry_time
  PinEntry entry;         // the keys typed so far
  bool checking = false;  // submitted; waiting for the shell's verdict
};

}  // namespace vigil::core
