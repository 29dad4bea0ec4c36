// ModbusIoModule when the device fails: stopped, rebooted, mute, unreachable,
// or answering garbage. Status transitions are reported once each, commanded
// coils come back after a reboot, and nothing crashes.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "recorder.hpp"
#include "vigil/modbus/io_module.hpp"
#include "vigil/sim/modbus_io_server.hpp"

namespace vigil::modbus {
namespace {

using namespace testing;
using sim::ModbusIoServer;

// A loopback port nobody listens on (bound, then released).
std::uint16_t unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Waits until the module has failed `attempts` more times, so that an
// "exactly once" assertion has seen several chances to repeat itself.
bool fails_again(const ModbusIoModule& module, std::uint64_t attempts) {
  const auto errors = module.counters().errors;
  return eventually([&] { return module.counters().errors >= errors + attempts; });
}

TEST(ModbusIoOutage, ReportsOfflineExactlyOnceWhenTheServerStops) {
  ModbusIoServer server;
  Recorder recorder;
  ModbusIoModule module(fast_tcp_options(server.port()), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));

  server.stop();
  ASSERT_TRUE(recorder.wait_status_count(false, 1));
  EXPECT_FALSE(module.online());
  ASSERT_TRUE(fails_again(module, 4));
  EXPECT_EQ(recorder.status_count(false), 1);
  EXPECT_EQ(recorder.status_count(true), 1);
  EXPECT_EQ(recorder.inputs().size(), 8u);
}

TEST(ModbusIoOutage, ComesBackOnlineAndReappliesCommandedCoilsAfterReboot) {
  ModbusIoServer server;
  server.set_input(6, true);
  Recorder recorder;
  ModbusIoModule module(fast_tcp_options(server.port()), recorder.callbacks());
  module.set_coil(2, true);
  ASSERT_TRUE(eventually([&] { return server.coil(2); }));
  ASSERT_TRUE(recorder.wait_inputs(8));

  server.stop();
  ASSERT_TRUE(recorder.wait_status_count(false, 1));
  module.set_coil(5, true);  // commanded while the module is down
  server.start();            // power-on: every relay released

  ASSERT_TRUE(recorder.wait_status_count(true, 2));
  ASSERT_TRUE(eventually([&] { return server.coil(2) && server.coil(5); }));
  EXPECT_FALSE(server.coil(0));           // never commanded, left alone
  ASSERT_TRUE(recorder.wait_inputs(16));  // the real state, reported again
  EXPECT_TRUE(recorder.inputs()[14].value);
  EXPECT_EQ(recorder.status_count(false), 1);
  EXPECT_EQ(module.counters().reconnects, 1u);
}

TEST(ModbusIoOutage, UnreachableDeviceIsOfflineFromTheStartWithoutCrashing) {
  Recorder recorder;
  ModbusIoModule module(fast_tcp_options(unused_port()), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_status_count(false, 1));
  EXPECT_NE(recorder.reports().front().detail.find("connect"), std::string::npos);
  ASSERT_TRUE(fails_again(module, 3));
  EXPECT_EQ(recorder.reports().size(), 1u);
  module.set_coil(0, true);  // queued for a device that may come one day
  EXPECT_FALSE(module.online());
}

TEST(ModbusIoOutage, MuteDeviceIsOfflineFromTheStartAndOnlineWhenItSpeaks) {
  ModbusIoServer server;
  server.set_offline(true);
  Recorder recorder;
  ModbusIoModule module(fast_tcp_options(server.port()), recorder.callbacks());
  module.set_coil(1, true);
  ASSERT_TRUE(recorder.wait_status_count(false, 1));
  // The lock did not move: the daemon hears so once the timeout has passed.
  ASSERT_TRUE(recorder.wait_output(1, true, false));
  EXPECT_NE(recorder.outputs().front().detail.find("not confirmed within 200 ms"),
            std::string::npos)
      << recorder.outputs().front().detail;
  ASSERT_TRUE(fails_again(module, 2));
  EXPECT_EQ(recorder.reports().size(), 2u);

  server.set_offline(false);
  ASSERT_TRUE(recorder.wait_status_count(true, 1));
  ASSERT_TRUE(recorder.wait_inputs(8));
  EXPECT_TRUE(eventually([&] { return server.coil(1); }));
  EXPECT_TRUE(recorder.wait_output(1, true, true));  // and when it finally did
}

TEST(ModbusIoOutage, HungDeviceGoesOfflineOnceAndComesBack) {
  ModbusIoServer server;
  Recorder recorder;
  ModbusIoModule module(fast_tcp_options(server.port()), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));

  server.set_offline(true);
  ASSERT_TRUE(recorder.wait_status_count(false, 1));
  EXPECT_NE(recorder.reports().back().detail.find("timed out"), std::string::npos)
      << recorder.reports().back().detail;
  ASSERT_TRUE(fails_again(module, 2));
  EXPECT_EQ(recorder.status_count(false), 1);

  server.set_offline(false);
  ASSERT_TRUE(recorder.wait_status_count(true, 2));
  server.set_input(3, true);
  EXPECT_TRUE(recorder.wait_input(3, true));
}

TEST(ModbusIoOutage, CorruptResponsesAreCountedAndRetried) {
  ModbusIoServer server;
  Recorder recorder;
  ModbusIoModule module(fast_tcp_options(server.port()), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));

  server.set_corrupt_replies(true);
  ASSERT_TRUE(recorder.wait_status_count(false, 1));  // after several in a row
  ASSERT_TRUE(fails_again(module, 6));
  EXPECT_EQ(recorder.status_count(false), 1);

  server.set_corrupt_replies(false);
  ASSERT_TRUE(recorder.wait_status_count(true, 2));
  module.set_coil(4, true);
  EXPECT_TRUE(eventually([&] { return server.coil(4); }));
}

TEST(ModbusIoOutage, CoilOutsideTheModulesMapIsReportedFailedWithoutGoingOffline) {
  ModbusIoServer server({.coil_count = 4});  // the config claims 8
  Recorder recorder;
  ModbusIoModule module(fast_tcp_options(server.port()), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));

  module.set_coil(6, true);
  ASSERT_TRUE(recorder.wait_output(6, true, false));
  EXPECT_NE(recorder.outputs().front().detail.find("Illegal data address"), std::string::npos)
      << recorder.outputs().front().detail;
  ASSERT_TRUE(eventually([&] { return module.counters().write_failures >= 3; }));  // retried
  EXPECT_EQ(recorder.outputs().size(), 1u);  // but reported once
  EXPECT_EQ(recorder.status_count(false), 0);
  EXPECT_TRUE(module.online());
}

}  // namespace
}  // namespace vigil::modbus
