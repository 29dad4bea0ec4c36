// The module's own watchdog: the driver arms it at every connect, a master
// that keeps polling never trips it, and a master that vanishes without a
// word (no clean "locks off") leaves the module to drop its coils alone.
#include <gtest/gtest.h>

#include "recorder.hpp"
#include "vigil/modbus/io_module.hpp"
#include "vigil/sim/modbus_io_server.hpp"

namespace vigil::modbus {
namespace {

using namespace testing;
using sim::ModbusIoServer;

ModbusIoOptions with_watchdog(std::uint16_t port, std::chrono::milliseconds timeout,
                              std::vector<bool> safe_coils = {}) {
  auto o = fast_tcp_options(port);
  o.watchdog = ModbusWatchdog{.timeout = timeout, .safe_coils = std::move(safe_coils)};
  return o;
}

TEST(ModbusIoWatchdog, ArmsTheModulesWatchdogWithSafeValuesOnConnect) {
  ModbusIoServer server;
  Recorder recorder;
  std::vector<bool> safe(8, false);
  safe[0] = true;  // a fail-safe door: released on loss of the daemon
  safe[5] = true;
  ModbusIoModule module(with_watchdog(server.port(), 1500ms, safe), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_status_count(true, 1));
  EXPECT_NE(recorder.reports().front().detail.find("watchdog 1500 ms armed"), std::string::npos)
      << recorder.reports().front().detail;
  EXPECT_TRUE(module.watchdog_armed());

  const auto state = server.watchdog();
  EXPECT_EQ(state.timeout, 1500ms);
  EXPECT_EQ(state.safe_coils, safe);
  EXPECT_EQ(server.holding_register(4096), 1500);
  EXPECT_EQ(server.holding_register(4097), 0b100001);
  EXPECT_EQ(state.trips, 0u);
}

TEST(ModbusIoWatchdog, ModuleDropsTheEnergisedCoilWhenItsMasterVanishes) {
  ModbusIoServer server;
  {
    Recorder recorder;
    ModbusIoModule module(with_watchdog(server.port(), 300ms), recorder.callbacks());
    module.set_coil(3, true);  // a door held unlocked
    ASSERT_TRUE(recorder.wait_output(3, true, true));
    ASSERT_TRUE(server.coil(3));
    // The master goes away without commanding anything off.
  }
  EXPECT_TRUE(eventually([&] { return !server.coil(3); }, 5s));
  EXPECT_EQ(server.watchdog_trips(), 1u);
  EXPECT_TRUE(server.watchdog().tripped);
}

TEST(ModbusIoWatchdog, ModuleWhoseMasterKeepsPollingNeverTrips) {
  ModbusIoServer server;
  Recorder recorder;
  const auto options = with_watchdog(server.port(), 300ms);
  ModbusIoModule module(options, recorder.callbacks());
  module.set_coil(1, true);
  ASSERT_TRUE(recorder.wait_output(1, true, true));

  // At a 10 ms period, 150 more polls span several watchdog timeouts.
  const auto polls = module.counters().polls;
  ASSERT_TRUE(eventually([&] { return module.counters().polls >= polls + 150; }, 10s));
  EXPECT_EQ(server.watchdog_trips(), 0u);
  EXPECT_TRUE(server.coil(1));
}

TEST(ModbusIoWatchdog, RefusingWritesStillFeedsTheWatchdog) {
  ModbusIoServer server;
  Recorder recorder;
  ModbusIoModule module(with_watchdog(server.port(), 300ms), recorder.callbacks());
  module.set_coil(1, true);
  ASSERT_TRUE(recorder.wait_output(1, true, true));
  server.set_coil_write_fault(sim::CoilWriteFault::exception);
  module.set_coil(1, false);
  ASSERT_TRUE(recorder.wait_output(1, false, false));
  const auto polls = module.counters().polls;
  ASSERT_TRUE(eventually([&] { return module.counters().polls >= polls + 150; }, 10s));
  EXPECT_EQ(server.watchdog_trips(), 0u);
}

TEST(ModbusIoWatchdog, ModuleWithoutTheWatchdogRegistersStaysOnlineAndSaysSo) {
  ModbusIoServer server({.watchdog_timeout_register = 100, .watchdog_safe_register = 101});
  Recorder recorder;
  ModbusIoModule module(with_watchdog(server.port(), 1000ms), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));
  EXPECT_NE(recorder.reports().front().detail.find("watchdog NOT armed"), std::string::npos)
      << recorder.reports().front().detail;
  EXPECT_FALSE(module.watchdog_armed());
  module.set_coil(0, true);
  EXPECT_TRUE(recorder.wait_output(0, true, true));
}

TEST(ModbusIoWatchdog, RearmsTheWatchdogAfterTheModulePowerCycles) {
  ModbusIoServer server;
  Recorder recorder;
  ModbusIoModule module(with_watchdog(server.port(), 1000ms), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_status_count(true, 1));
  server.stop();
  ASSERT_TRUE(recorder.wait_status_count(false, 1));
  EXPECT_FALSE(module.watchdog_armed());
  server.start();
  ASSERT_TRUE(recorder.wait_status_count(true, 2));
  EXPECT_TRUE(module.watchdog_armed());
  EXPECT_EQ(server.watchdog().timeout, 1000ms);
}

}  // namespace
}  // namespace vigil::modbus
