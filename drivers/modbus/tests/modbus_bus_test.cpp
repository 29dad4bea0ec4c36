// ModbusBus: several modules on one thread, one request at a time. Three RTU
// modules (unit ids 1, 2, 3) share one simulated RS-485 line; three TCP
// modules share one poller thread, each on its own connection.
#include <gtest/gtest.h>

#include <array>
#include <memory>

#include "recorder.hpp"
#include "vigil/modbus/modbus_bus.hpp"
#include "vigil/sim/modbus_io_server.hpp"
#include "vigil/sim/rtu_line.hpp"

namespace vigil::modbus {
namespace {

using namespace testing;
using sim::ModbusIoServer;
using sim::ModbusSimTransport;

core::DeviceId unit_name(int unit) {
  return core::DeviceId{"io" + std::to_string(unit)};
}

// Three modules on one line and a bus serving all three.
struct RtuSite {
  std::array<std::unique_ptr<ModbusIoServer>, 3> modules;
  std::unique_ptr<sim::RtuLine> line;
  std::array<Recorder, 3> recorders;
  std::unique_ptr<ModbusBus> bus;

  RtuSite() {
    for (int u = 1; u <= 3; ++u) {
      modules[u - 1] = std::make_unique<ModbusIoServer>(
          sim::ModbusIoServerOptions{.transport = ModbusSimTransport::rtu, .unit_id = u});
    }
    line = std::make_unique<sim::RtuLine>(
        std::vector<ModbusIoServer*>{modules[0].get(), modules[1].get(), modules[2].get()});
    std::vector<ModbusBusMember> members;
    for (int u = 1; u <= 3; ++u) {
      ModbusIoOptions o = fast_rtu_options(line->device_path());
      o.device = unit_name(u);
      o.unit_id = u;
      members.push_back({o, recorders[u - 1].callbacks()});
    }
    bus = std::make_unique<ModbusBus>(std::move(members));
  }
  ~RtuSite() { bus->stop(); }
  ModbusIoServer& module(int unit) { return *modules[unit - 1]; }
  Recorder& recorder(int unit) { return recorders[unit - 1]; }
};

TEST(ModbusBusRtu, ThreeUnitsOnOneLineEachReportTheirOwnInputsAndCoils) {
  RtuSite site;
  site.module(2).set_input(5, true);
  for (int u = 1; u <= 3; ++u) ASSERT_TRUE(site.recorder(u).wait_inputs(8)) << "unit " << u;
  EXPECT_FALSE(site.recorder(1).inputs()[5].value);
  EXPECT_FALSE(site.recorder(3).inputs()[5].value);

  site.bus->set_coil(unit_name(3), 1, true, 1);
  ASSERT_TRUE(site.recorder(3).wait_output(1, true, true));
  EXPECT_TRUE(site.module(3).coil(1));
  EXPECT_FALSE(site.module(1).coil(1));
  EXPECT_FALSE(site.module(2).coil(1));

  site.module(1).set_input(0, true);
  ASSERT_TRUE(site.recorder(1).wait_input(0, true));
  for (int u = 1; u <= 3; ++u) EXPECT_EQ(site.bus->counters(unit_name(u)).errors, 0u);
}

TEST(ModbusBusRtu, SilentUnitGoesOfflineInTimeWhileTheOthersKeepReporting) {
  RtuSite site;
  for (int u = 1; u <= 3; ++u) ASSERT_TRUE(site.recorder(u).wait_status_count(true, 1));
  const auto options = site.bus->options(unit_name(2));

  const auto stopped = std::chrono::steady_clock::now();
  site.module(2).stop();
  site.module(1).set_input(4, true);
  ASSERT_TRUE(site.recorder(2).wait_status_count(false, 1));
  const auto offline_at = site.recorder(2).reports().back().mono;
  // offline_after failed polls, each one poll period plus one timeout, and
  // one more exchange with the other units in between each.
  const auto limit = options.offline_after * (options.poll_period + options.timeout) + 500ms;
  EXPECT_LT(offline_at.time_since_epoch() - stopped.time_since_epoch(), limit);
  EXPECT_TRUE(site.recorder(1).wait_input(4, true));
  EXPECT_GE(site.bus->counters(unit_name(2)).timeouts, 3u);
  EXPECT_EQ(site.bus->counters(unit_name(2)).offline_transitions, 1u);
  EXPECT_EQ(site.recorder(1).status_count(false), 0);
  EXPECT_EQ(site.recorder(3).status_count(false), 0);

  // Back: re-read first, and those levels are state, not events.
  site.module(2).set_input(7, true);
  site.module(2).start();
  ASSERT_TRUE(site.recorder(2).wait_status_count(true, 2));
  ASSERT_TRUE(site.recorder(2).wait_input(7, true));
  const auto inputs = site.recorder(2).inputs();
  ASSERT_EQ(inputs.size(), 16u);
  for (std::size_t i = 8; i < inputs.size(); ++i) EXPECT_TRUE(inputs[i].initial) << i;
  EXPECT_EQ(site.bus->counters(unit_name(2)).failure_streak, 0u);
}

TEST(ModbusBusRtu, ExceptionsCrcErrorsAndMalformedRepliesAreCountedForTheirUnitOnly) {
  RtuSite site;
  for (int u = 1; u <= 3; ++u) ASSERT_TRUE(site.recorder(u).wait_inputs(8));

  site.module(1).set_read_exception(true);
  site.module(2).set_corrupt_replies(true);
  site.module(3).set_malformed_replies(true);
  for (int u = 1; u <= 3; ++u) ASSERT_TRUE(site.recorder(u).wait_status_count(false, 1));
  site.module(1).set_read_exception(false);
  site.module(2).set_corrupt_replies(false);
  site.module(3).set_malformed_replies(false);
  for (int u = 1; u <= 3; ++u) ASSERT_TRUE(site.recorder(u).wait_status_count(true, 2));

  const auto c1 = site.bus->counters(unit_name(1));
  const auto c2 = site.bus->counters(unit_name(2));
  const auto c3 = site.bus->counters(unit_name(3));
  EXPECT_GE(c1.exceptions, 3u);
  EXPECT_EQ(c1.crc_errors + c1.bad_frames, 0u);
  EXPECT_GE(c2.crc_errors, 3u);
  EXPECT_EQ(c2.exceptions, 0u);
  EXPECT_GE(c3.bad_frames, 3u);
  EXPECT_EQ(c3.exceptions + c3.crc_errors, 0u);
  EXPECT_EQ(c1.timeouts + c3.timeouts, 0u);
}

TEST(ModbusBusRtu, OneGarbledReplyBelowTheThresholdKeepsTheUnitOnline) {
  RtuSite site;
  ASSERT_TRUE(site.recorder(1).wait_inputs(8));
  site.module(1).set_read_exception(true);
  ASSERT_TRUE(eventually([&] { return site.bus->counters(unit_name(1)).exceptions >= 1; }));
  site.module(1).set_read_exception(false);
  ASSERT_TRUE(eventually([&] { return site.bus->counters(unit_name(1)).failure_streak == 0; }));
  // The streak may have reached two, never offline_after (3), unless the
  // machine stalled for two polls between the two switches.
  EXPECT_LE(site.recorder(1).status_count(false), 1);
}

TEST(ModbusBusTcp, ModulesOnOnePollerThreadEachKeepTheirOwnConnectionAndState) {
  std::array<ModbusIoServer, 3> servers;
  std::array<Recorder, 3> recorders;
  std::vector<ModbusBusMember> members;
  for (int u = 1; u <= 3; ++u) {
    ModbusIoOptions o = fast_tcp_options(servers[u - 1].port());
    o.device = unit_name(u);
    members.push_back({o, recorders[u - 1].callbacks()});
  }
  ModbusBus bus(std::move(members));
  for (auto& r : recorders) ASSERT_TRUE(r.wait_inputs(8));

  servers[0].stop();
  servers[2].set_input(3, true);
  ASSERT_TRUE(recorders[0].wait_status_count(false, 1));
  ASSERT_TRUE(recorders[2].wait_input(3, true));
  bus.set_coil(unit_name(2), 0, true, 1);
  ASSERT_TRUE(recorders[1].wait_output(0, true, true));

  servers[0].start();
  ASSERT_TRUE(recorders[0].wait_status_count(true, 2));
  EXPECT_EQ(bus.counters(unit_name(1)).offline_transitions, 1u);
  EXPECT_EQ(recorders[1].status_count(false) + recorders[2].status_count(false), 0);
  bus.stop();
}

TEST(ModbusBusTcp, ExceptionsAndMalformedRepliesAreCountedPerModule) {
  std::array<ModbusIoServer, 2> servers;
  std::array<Recorder, 2> recorders;
  std::vector<ModbusBusMember> members;
  for (int u = 1; u <= 2; ++u) {
    ModbusIoOptions o = fast_tcp_options(servers[u - 1].port());
    o.device = unit_name(u);
    members.push_back({o, recorders[u - 1].callbacks()});
  }
  ModbusBus bus(std::move(members));
  for (auto& r : recorders) ASSERT_TRUE(r.wait_inputs(8));

  servers[0].set_read_exception(true);
  servers[1].set_malformed_replies(true);
  for (auto& r : recorders) ASSERT_TRUE(r.wait_status_count(false, 1));
  servers[0].set_read_exception(false);
  servers[1].set_malformed_replies(false);
  for (auto& r : recorders) ASSERT_TRUE(r.wait_status_count(true, 2));

  const auto c1 = bus.counters(unit_name(1));
  const auto c2 = bus.counters(unit_name(2));
  EXPECT_GE(c1.exceptions, 3u);
  EXPECT_EQ(c1.bad_frames + c1.crc_errors, 0u);
  EXPECT_GE(c2.bad_frames, 3u);
  EXPECT_EQ(c2.exceptions, 0u);
  // Re-read after recovery: every input again, as state.
  for (auto& r : recorders) {
    ASSERT_TRUE(r.wait_inputs(16));
    const auto inputs = r.inputs();
    ASSERT_EQ(inputs.size(), 16u);
    EXPECT_TRUE(inputs.back().initial);
  }
  bus.stop();
}

TEST(ModbusBusPlan, SerialPortsShareABusAndTcpModulesSpreadOverThePool) {
  auto tcp = [](const char* id) {
    ModbusIoOptions o;
    o.device = core::DeviceId{id};
    return o;
  };
  auto rtu = [](const char* id, const char* port, int unit) {
    ModbusIoOptions o;
    o.device = core::DeviceId{id};
    o.transport = ModbusTransport::rtu;
    o.serial_device = port;
    o.unit_id = unit;
    return o;
  };
  const std::vector<ModbusIoOptions> devices{tcp("t1"),
                                             rtu("a1", "/dev/ttyA", 1),
                                             tcp("t2"),
                                             rtu("b1", "/dev/ttyB", 1),
                                             rtu("a2", "/dev/ttyA", 2),
                                             tcp("t3")};
  const auto buses = plan_buses(devices, 2);
  ASSERT_EQ(buses.size(), 4u);
  EXPECT_EQ(buses[0], (std::vector<std::size_t>{1, 4}));
  EXPECT_EQ(buses[1], (std::vector<std::size_t>{3}));
  EXPECT_EQ(buses[2], (std::vector<std::size_t>{0, 5}));
  EXPECT_EQ(buses[3], (std::vector<std::size_t>{2}));
  EXPECT_TRUE(check_shared_ports(devices).empty());
}

TEST(ModbusBusPlan, SameUnitTwiceOrTwoBaudRatesOnOnePortAreRefused) {
  ModbusIoOptions a;
  a.device = core::DeviceId{"a"};
  a.transport = ModbusTransport::rtu;
  a.serial_device = "/dev/ttyA";
  ModbusIoOptions b = a;
  b.device = core::DeviceId{"b"};
  auto problems = check_shared_ports({a, b});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("unit 1 on /dev/ttyA is already device 'a'"), std::string::npos);

  b.unit_id = 2;
  b.baud = 9600;
  problems = check_shared_ports({a, b});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("19200"), std::string::npos);
  EXPECT_THROW(ModbusBus({{a, {}}, {b, {}}}), std::invalid_argument);
}

}  // namespace
}  // namespace vigil::modbus
