// Physical points the core reasons about: an output (lock relay coil, GPIO
// line) or an input (door contact, REX button) on a named device. Drivers
// address hardware by the same (device, kind, index) triple.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>

#include "vigil/core/ids.hpp"

namespace vigil::core {

enum class PointKind : std::uint8_t {
  coil,            // Modbus coil (output)
  discrete_input,  // Modbus discrete input
  gpio_line,       // GPIO line on a chip (input or output)
  // An EOL-supervised loop read from a module register (issue 9): index is
  // the register's index in the module's register map; true = not normal.
  supervised_input,
};

const char* to_string(PointKind kind);

struct PointRef {
  DeviceId device;
  PointKind kind = PointKind::coil;
  std::uint32_t index = 0;
  auto operator<=>(const PointRef&) const = default;
  bool operator==(const PointRef&) const = default;
};

// "io1/coil/0"
std::string to_string(const PointRef& p);

}  // namespace vigil::core

template <>
struct std::hash<vigil::core::PointRef> {
  std::size_t operator()(const vigil::core::PointRef& p) const noexcept {
    return std::hash<std::string>{}(p.device.str()) ^ (std::size_t{p.index} << 8) ^
           static_cast<std::size_t>(p.kind);
  }
};
