// Turns a module's index-based callbacks into the core's typed inputs for one
// device: discrete input i becomes PointChanged on PointRef{device,
// discrete_input, i} (initial for the levels read at a (re)connect), coil
// write outcomes become OutputResult on PointRef{device, coil, i} with the
// write id the request was queued with (ModbusBus::set_coil), status
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
  callbacks.on_input = [device, sink](int index, bool value, bool initial, core::TimePoint time,
                                      core::MonoTime mono) {
    sink(core::PointChanged{
        core::PointRef{device, core::PointKind::discrete_input, static_cast<std::uint32_t>(index)},
        value, time, mono, initial});
  };
  callbacks.on_status = [device, sink](bool online, const std::string& detail, core::TimePoint time,
                                       core::MonoTime mono) {
    sink(core::DeviceStatusChanged{device, online, detail, time, mono});
  };
  callbacks.on_output = [device, sink](int index, std::uint64_t write_id, bool value, bool ok,
                                       const std::string& error, core::TimePoint time,
                                       core::MonoTime mono) {
    sink(core::OutputResult{
        core::PointRef{device, core::PointKind::coil, static_cast<std::uint32_t>(index)}, write_id,
        value, ok, error, time, mono});
  };
  return callbacks;
}

}  // namespace vigil::modbus
