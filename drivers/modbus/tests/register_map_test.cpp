// A module's register map: coils and discrete inputs where the module type
// puts them, and analog registers read every poll and reported scaled.
#include <gtest/gtest.h>

#include <mutex>

#include "recorder.hpp"
#include "vigil/modbus/io_module.hpp"
#include "vigil/sim/modbus_io_server.hpp"

namespace vigil::modbus {
namespace {

using namespace testing;
using sim::ModbusIoServer;

struct RegisterReport {
  int index;
  std::uint16_t raw;
  double value;
  bool initial;
};

class RegisterLog {
 public:
  void attach(ModbusIoCallbacks& c) {
    c.on_register = [this](int index, std::uint16_t raw, double value, bool initial,
                           core::TimePoint, core::MonoTime) {
      std::lock_guard lock(mutex_);
      reports_.push_back({index, raw, value, initial});
    };
  }
  std::vector<RegisterReport> reports() const {
    std::lock_guard lock(mutex_);
    return reports_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<RegisterReport> reports_;
};

TEST(ModbusRegisterMap, CoilsAndInputsAreAddressedWhereTheModuleTypePutsThem) {
  // ADAM-6050 style: 12 inputs from 0, 6 relays from coil 16.
  ModbusIoServer server({.coil_count = 24, .input_count = 16});
  server.set_input(4 + 2, true);
  Recorder recorder;
  auto options = fast_tcp_options(server.port());
  options.coil_address = 16;
  options.coil_count = 6;
  options.input_address = 4;
  options.input_count = 8;
  ModbusIoModule module(options, recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));
  EXPECT_TRUE(recorder.inputs()[2].value);
  EXPECT_FALSE(recorder.inputs()[0].value);

  module.set_coil(1, true);
  ASSERT_TRUE(recorder.wait_output(1, true, true));
  EXPECT_TRUE(server.coil(17));
  EXPECT_FALSE(server.coil(1));
}

TEST(ModbusRegisterMap, RegistersAreReportedScaledAsStateAfterConnectThenOnChange) {
  ModbusIoServer server({.input_register_count = 4});
  server.set_input_register(2, 1234);
  server.set_input_register(3, 50);
  Recorder recorder;
  RegisterLog log;
  auto options = fast_tcp_options(server.port());
  options.registers = {{RegisterKind::input, 3, 1.0, 0.0}, {RegisterKind::input, 2, 0.01, -1.0}};
  auto callbacks = recorder.callbacks();
  log.attach(callbacks);
  ModbusIoModule module(options, callbacks);
  ASSERT_TRUE(eventually([&] { return log.reports().size() >= 2; }));
  auto r = log.reports();
  for (const auto& x : r) EXPECT_TRUE(x.initial);
  const auto& second = r[0].index == 1 ? r[0] : r[1];
  EXPECT_EQ(second.raw, 1234);
  EXPECT_DOUBLE_EQ(second.value, 11.34);

  server.set_input_register(2, 2000);
  ASSERT_TRUE(eventually([&] { return log.reports().size() >= 3; }));
  r = log.reports();
  EXPECT_EQ(r.size(), 3u);  // the unchanged register is not reported again
  EXPECT_EQ(r[2].index, 1);
  EXPECT_FALSE(r[2].initial);
  EXPECT_DOUBLE_EQ(r[2].value, 19.0);
  EXPECT_EQ(module.counters().errors, 0u);
}

TEST(ModbusRegisterMap, RegisterOutsideTheModulesMapCountsAsAFailedRead) {
  ModbusIoServer server({.input_register_count = 2});
  Recorder recorder;
  auto options = fast_tcp_options(server.port());
  options.registers = {{RegisterKind::input, 9, 1.0, 0.0}};
  ModbusIoModule module(options, recorder.callbacks());
  ASSERT_TRUE(recorder.wait_status_count(false, 1));
  EXPECT_GE(module.counters().exceptions, 3u);  // illegal data address, offline_after in a row
}

}  // namespace
}  // namespace vigil::modbus
