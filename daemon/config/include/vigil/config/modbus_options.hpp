// A Modbus device's config as the driver's options. One mapping, used both by
// vigild (to open the module) and by the config check (to run the driver's
// own option check with a position), so what the check accepts the driver
// accepts too.
#pragma once

#include "vigil/config/site_config.hpp"
#include "vigil/modbus/io_module.hpp"

namespace vigil::config {

modbus::ModbusIoOptions modbus_options(const ModbusDeviceConfig& device);

}  // namespace vigil::config
