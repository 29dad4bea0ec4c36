// The simulated I/O module, spoken to by a bare libmodbus client: proves the
// server before the driver tests lean on it.
#include "vigil/sim/modbus_io_server.hpp"

#include <gtest/gtest.h>
#include <modbus/modbus.h>

#include <array>
#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "recorder.hpp"

namespace vigil::sim {
namespace {

using modbus::testing::eventually;
using namespace std::chrono_literals;

struct ContextDeleter {
  void operator()(modbus_t* ctx) const {
    modbus_close(ctx);
    modbus_free(ctx);
  }
};
using Client = std::unique_ptr<modbus_t, ContextDeleter>;

Client connect_client(modbus_t* raw, int unit_id = 1) {
  Client client(raw);
  modbus_set_slave(client.get(), unit_id);
  modbus_set_response_timeout(client.get(), 0, 200'000);
  EXPECT_EQ(modbus_connect(client.get()), 0) << modbus_strerror(errno);
  return client;
}

Client tcp_client(const ModbusIoServer& server) {
  return connect_client(modbus_new_tcp("127.0.0.1", server.port()));
}

Client rtu_client(const ModbusIoServer& server, int unit_id = 1) {
  return connect_client(modbus_new_rtu(server.device_path().c_str(), 115200, 'N', 8, 1), unit_id);
}

TEST(ModbusIoServer, PicksAFreePortWhenAskedForPortZero) {
  ModbusIoServer server;
  EXPECT_NE(server.port(), 0);
  EXPECT_TRUE(server.running());
}

TEST(ModbusIoServer, AppliesCoilWritesAndReportsEachChange) {
  std::mutex mutex;  // outlives the server, whose thread reports through it
  std::vector<std::pair<int, bool>> changes;
  ModbusIoServer server;
  server.on_coil_change([&](int index, bool value) {
    std::lock_guard lock(mutex);
    changes.emplace_back(index, value);
  });
  auto client = tcp_client(server);

  ASSERT_EQ(modbus_write_bit(client.get(), 3, 1), 1);
  EXPECT_TRUE(server.coil(3));
  ASSERT_EQ(modbus_write_bit(client.get(), 3, 1), 1);  // no change, no report
  ASSERT_EQ(modbus_write_bit(client.get(), 3, 0), 1);
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return changes.size() >= 2;
  }));
  std::lock_guard lock(mutex);
  EXPECT_EQ(changes, (std::vector<std::pair<int, bool>>{{3, true}, {3, false}}));
}

TEST(ModbusIoServer, ServesDiscreteInputsSetByTheScenario) {
  ModbusIoServer server;
  server.set_input(2, true);
  auto client = tcp_client(server);
  std::array<std::uint8_t, 8> bits{};
  ASSERT_EQ(modbus_read_input_bits(client.get(), 0, 8, bits.data()), 8);
  EXPECT_EQ(bits, (std::array<std::uint8_t, 8>{0, 0, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(server.inputs(),
            (std::vector<bool>{false, false, true, false, false, false, false, false}));
}

TEST(ModbusIoServer, PowerCycleKeepsThePortAndReleasesCoils) {
  ModbusIoServer server;
  const auto port = server.port();
  {
    auto client = tcp_client(server);
    ASSERT_EQ(modbus_write_bit(client.get(), 1, 1), 1);
  }
  server.set_input(0, true);
  server.stop();
  EXPECT_FALSE(server.running());
  server.start();
  EXPECT_EQ(server.port(), port);
  EXPECT_FALSE(server.coil(1));
  EXPECT_TRUE(server.input(0));  // the door is still open
  auto client = tcp_client(server);
  std::array<std::uint8_t, 1> bit{};
  EXPECT_EQ(modbus_read_bits(client.get(), 1, 1, bit.data()), 1);
}

TEST(ModbusIoServer, OfflineServerLetsRequestsTimeOut) {
  ModbusIoServer server;
  server.set_offline(true);
  auto client = tcp_client(server);
  std::array<std::uint8_t, 8> bits{};
  EXPECT_EQ(modbus_read_input_bits(client.get(), 0, 8, bits.data()), -1);
  EXPECT_EQ(errno, ETIMEDOUT);
}

TEST(ModbusIoServer, CorruptRepliesAreRejectedByTheClient) {
  ModbusIoServer server;
  server.set_corrupt_replies(true);
  auto client = tcp_client(server);
  std::array<std::uint8_t, 8> bits{};
  EXPECT_EQ(modbus_read_input_bits(client.get(), 0, 8, bits.data()), -1);
  EXPECT_GE(errno, MODBUS_ENOBASE) << modbus_strerror(errno);
}

TEST(ModbusIoServer, RtuAnswersOverThePty) {
  ModbusIoServer server({.transport = ModbusSimTransport::rtu});
  ASSERT_FALSE(server.device_path().empty());
  server.set_input(7, true);
  auto client = rtu_client(server);
  std::array<std::uint8_t, 8> bits{};
  ASSERT_EQ(modbus_read_input_bits(client.get(), 0, 8, bits.data()), 8) << modbus_strerror(errno);
  EXPECT_EQ(bits[7], 1);
  ASSERT_EQ(modbus_write_bit(client.get(), 0, 1), 1) << modbus_strerror(errno);
  EXPECT_TRUE(server.coil(0));
}

TEST(ModbusIoServer, RtuIgnoresRequestsForOtherUnits) {
  ModbusIoServer server({.transport = ModbusSimTransport::rtu, .unit_id = 1});
  auto client = rtu_client(server, 2);
  std::array<std::uint8_t, 8> bits{};
  EXPECT_EQ(modbus_read_input_bits(client.get(), 0, 8, bits.data()), -1);
  EXPECT_EQ(errno, ETIMEDOUT);
}

TEST(ModbusIoServer, RtuCorruptRepliesFailTheCrc) {
  ModbusIoServer server({.transport = ModbusSimTransport::rtu});
  server.set_corrupt_replies(true);
  auto client = rtu_client(server);
  std::array<std::uint8_t, 8> bits{};
  EXPECT_EQ(modbus_read_input_bits(client.get(), 0, 8, bits.data()), -1);
  EXPECT_EQ(errno, EMBBADCRC) << modbus_strerror(errno);
}

TEST(ModbusIoServer, RefusesCoilWritesWithAnExceptionWhenToldTo) {
  ModbusIoServer server;
  server.set_coil_write_fault(CoilWriteFault::exception);
  auto client = tcp_client(server);
  EXPECT_EQ(modbus_write_bit(client.get(), 0, 1), -1);
  EXPECT_EQ(errno, EMBXSFAIL) << modbus_strerror(errno);
  const std::array<std::uint8_t, 2> bits{1, 1};
  EXPECT_EQ(modbus_write_bits(client.get(), 0, 2, bits.data()), -1);
  EXPECT_EQ(errno, EMBXSFAIL) << modbus_strerror(errno);
  EXPECT_FALSE(server.coil(0));
  std::array<std::uint8_t, 8> inputs{};
  EXPECT_EQ(modbus_read_input_bits(client.get(), 0, 8, inputs.data()), 8);  // reads still served
}

TEST(ModbusIoServer, LeavesCoilWritesUnansweredWhenToldTo) {
  ModbusIoServer server;
  server.set_coil_write_fault(CoilWriteFault::no_answer);
  auto client = tcp_client(server);
  EXPECT_EQ(modbus_write_bit(client.get(), 0, 1), -1);
  EXPECT_EQ(errno, ETIMEDOUT);
  EXPECT_FALSE(server.coil(0));
  std::array<std::uint8_t, 8> inputs{};
  EXPECT_EQ(modbus_read_input_bits(client.get(), 0, 8, inputs.data()), 8);
}

TEST(ModbusIoServer, WatchdogIsDisarmedUntilTheMasterWritesATimeout) {
  ModbusIoServer server;
  const auto state = server.watchdog();
  EXPECT_EQ(state.timeout.count(), 0);
  EXPECT_EQ(state.safe_coils, std::vector<bool>(8, false));
  EXPECT_EQ(server.holding_register(4096), 0);
  EXPECT_THROW(server.holding_register(4095), std::out_of_range);
}

TEST(ModbusIoServer, SilentMasterTripsTheWatchdogToTheSafeValuesAndAnyRequestRearmsIt) {
  ModbusIoServer server;
  auto client = tcp_client(server);
  const std::array<std::uint16_t, 1> safe{0b10};  // coil 1 safe on, the rest off
  ASSERT_EQ(modbus_write_registers(client.get(), 4097, 1, safe.data()), 1);
  ASSERT_EQ(modbus_write_bit(client.get(), 0, 1), 1);
  ASSERT_EQ(modbus_write_register(client.get(), 4096, 100), 1);  // armed: 100 ms
  EXPECT_EQ(server.watchdog().timeout.count(), 100);

  // Silence: the module makes its coils safe by itself, once.
  ASSERT_TRUE(eventually([&] { return server.watchdog().tripped; }));
  EXPECT_FALSE(server.coil(0));
  EXPECT_TRUE(server.coil(1));
  EXPECT_EQ(server.watchdog_trips(), 1u);

  // The master speaks again: re-armed, and it trips again on the next silence.
  std::array<std::uint8_t, 8> inputs{};
  ASSERT_EQ(modbus_read_input_bits(client.get(), 0, 8, inputs.data()), 8);
  EXPECT_FALSE(server.watchdog().tripped);
  ASSERT_EQ(modbus_write_bit(client.get(), 0, 1), 1);
  ASSERT_TRUE(eventually([&] { return server.watchdog_trips() == 2; }));
  EXPECT_FALSE(server.coil(0));
}

}  // namespace
}  // namespace vigil::sim
