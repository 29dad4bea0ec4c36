#include "vigil/core/door_mode.hpp"

namespace vigil::core {

const char* to_string(DoorMode mode) {
  switch (mode) {
    case DoorMode::card:
      return "card";
    case DoorMode::card_and_pin:
      return "card_and_pin";
    case DoorMode::locked:
      return "locked";
    case DoorMode::unlocked:
      return "unlocked";
  }
  return "unknown";
}

std::optional<DoorMode> door_mode_from_string(std::string_view s) {
  for (auto mode : {DoorMode::card, DoorMode::card_and_pin, DoorMode::locked, DoorMode::unlocked}) {
    if (s == to_string(mode)) return mode;
  }
  return std::nullopt;
}

}  // namespace vigil::core
