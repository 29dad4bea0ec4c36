// Turns a module's index-based callbacks into the core's typed inputs for one
// device: discrete input i becomes PointRef{device, discrete_input, i}, status
// becomes DeviceStatusChanged. Compose with post_callbacks_to() so the sink
// runs on the daemon's event loop.
#pragma once

#include <functional>
#include <string>
#include <utility>

#include "vigil/core/input.hpp"
#include "vigil/modbus/io_module.hpp"

namespace vigil::modbus {

inline ModbusIoCallbacks core_input_callbacks(core::DeviceId device,
                                              std::function<void(core::Input)> sink) {
  ModbusIoCallbacks callbacks;
  callbacks.on_input = [device, sink](int index, bool value, core::TimePoint time) {
    sink(core::PointChanged{
        core::PointRef{device, core::PointKind::discrete_input, static_cast<std::uint32_t>(index)},
        value, time});
  };
  callbacks.on_status = [device, sink](bool online, const std::string& detail,
                                       core::TimePoint time) {
    sink(core::DeviceStatusChanged{device, online, detail, time});
  };
  return callbacks;
}

}  // namespace vigil::modbus
