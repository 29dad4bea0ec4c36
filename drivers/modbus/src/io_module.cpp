#include "vigil/modbus/io_module.hpp"

#include <utility>

#include "vigil/modbus/modbus_bus.hpp"

namespace vigil::modbus {
namespace {

std::vector<ModbusBusMember> one_member(const ModbusIoOptions& options,
                                        ModbusIoCallbacks callbacks) {
  std::vector<ModbusBusMember> members;
  members.push_back({options, std::move(callbacks)});
  return members;
}

}  // namespace

ModbusIoModule::ModbusIoModule(ModbusIoOptions options, ModbusIoCallbacks callbacks)
    : options_((validate(options), std::move(options))),
      bus_(std::make_unique<ModbusBus>(one_member(options_, std::move(callbacks)))) {}

ModbusIoModule::~ModbusIoModule() = default;

void ModbusIoModule::set_coil(int index, bool value, std::uint64_t write_id) {
  bus_->set_coil(options_.device, index, value, write_id);
}

void ModbusIoModule::stop() {
  bus_->stop();
}

bool ModbusIoModule::online() const {
  return bus_->online(options_.device);
}

bool ModbusIoModule::watchdog_armed() const {
  return bus_->watchdog_armed(options_.device);
}

ModbusIoCounters ModbusIoModule::counters() const {
  return bus_->counters(options_.device);
}

}  // namespace vigil::modbus
