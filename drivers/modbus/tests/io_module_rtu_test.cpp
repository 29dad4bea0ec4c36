// ModbusIoModule over Modbus RTU: the server works the master side of a pty,
// the module opens the slave path as its serial port.
#include <gtest/gtest.h>

#include "recorder.hpp"
#include "vigil/modbus/io_module.hpp"
#include "vigil/sim/modbus_io_server.hpp"

namespace vigil::modbus {
namespace {

using namespace testing;
using sim::ModbusIoServer;
using sim::ModbusSimTransport;

TEST(ModbusIoRtu, RoundTripsCoilsAndInputsOverThePty) {
  ModbusIoServer server({.transport = ModbusSimTransport::rtu});
  server.set_input(0, true);
  Recorder recorder;
  ModbusIoModule module(fast_rtu_options(server.device_path()), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));
  EXPECT_TRUE(recorder.inputs()[0].value);
  EXPECT_NE(recorder.reports().front().detail.find(server.device_path()), std::string::npos);

  module.set_coil(1, true);
  ASSERT_TRUE(eventually([&] { return server.coil(1); }));
  server.set_input(3, true);
  ASSERT_TRUE(recorder.wait_input(3, true));
  EXPECT_EQ(module.counters().errors, 0u);
}

TEST(ModbusIoRtu, ModuleAtAnotherUnitIdNeverAnswers) {
  ModbusIoServer server({.transport = ModbusSimTransport::rtu, .unit_id = 1});
  Recorder recorder;
  auto options = fast_rtu_options(server.device_path());
  options.unit_id = 2;
  ModbusIoModule module(options, recorder.callbacks());
  ASSERT_TRUE(recorder.wait_status_count(false, 1));
  const auto errors = module.counters().errors;
  ASSERT_TRUE(eventually([&] { return module.counters().errors > errors + 1; }));
  EXPECT_EQ(recorder.reports().size(), 1u);
}

TEST(ModbusIoRtu, BadCrcIsCountedAndRetried) {
  ModbusIoServer server({.transport = ModbusSimTransport::rtu});
  Recorder recorder;
  ModbusIoModule module(fast_rtu_options(server.device_path()), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));

  server.set_corrupt_replies(true);
  ASSERT_TRUE(recorder.wait_status_count(false, 1));
  server.set_corrupt_replies(false);
  ASSERT_TRUE(recorder.wait_status_count(true, 2));
  server.set_input(2, true);
  EXPECT_TRUE(recorder.wait_input(2, true));
  EXPECT_EQ(recorder.status_count(false), 1);
}

TEST(ModbusIoRtu, ReappliesCoilsAfterTheModulePowerCycles) {
  ModbusIoServer server({.transport = ModbusSimTransport::rtu});
  Recorder recorder;
  ModbusIoModule module(fast_rtu_options(server.device_path()), recorder.callbacks());
  module.set_coil(6, true);
  ASSERT_TRUE(eventually([&] { return server.coil(6); }));
  ASSERT_TRUE(recorder.wait_status_count(true, 1));  // the write may precede the first read

  server.stop();
  ASSERT_TRUE(recorder.wait_status_count(false, 1));
  server.start();
  ASSERT_TRUE(recorder.wait_status_count(true, 2));
  EXPECT_TRUE(eventually([&] { return server.coil(6); }));
}

TEST(ModbusIoRtu, RefusedWriteLeavesTheModuleOnlineAndPolled) {
  ModbusIoServer server({.transport = ModbusSimTransport::rtu});
  Recorder recorder;
  ModbusIoModule module(fast_rtu_options(server.device_path()), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));

  server.set_coil_write_fault(sim::CoilWriteFault::exception);
  module.set_coil(0, true);
  ASSERT_TRUE(recorder.wait_output(0, true, false));
  server.set_input(4, true);
  ASSERT_TRUE(recorder.wait_input(4, true));
  EXPECT_EQ(recorder.status_count(false), 0);
  server.set_coil_write_fault(sim::CoilWriteFault::none);
  ASSERT_TRUE(recorder.wait_output(0, true, true));
  EXPECT_TRUE(server.coil(0));
}

}  // namespace
}  // namespace vigil::modbus
