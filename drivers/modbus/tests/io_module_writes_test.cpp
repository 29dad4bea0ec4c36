// Coil writes report what the module did, not what was asked: confirmed,
// refused or unanswered. A refusing module stays online and its inputs keep
// flowing; levels read at a (re)connect are states, not events.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "recorder.hpp"
#include "vigil/modbus/io_module.hpp"
#include "vigil/sim/modbus_io_server.hpp"

namespace vigil::modbus {
namespace {

using namespace testing;
using sim::CoilWriteFault;
using sim::ModbusIoServer;

core::MonoTime mono_now() {
  return std::chrono::time_point_cast<core::Duration>(std::chrono::steady_clock::now());
}

TEST(ModbusIoWrites, ConfirmedWriteIsReportedOnceTheServerCoilHoldsTheValue) {
  ModbusIoServer server;
  Recorder recorder;
  ModbusIoModule module(fast_tcp_options(server.port()), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));

  const auto requested = mono_now();
  module.set_coil(2, true);
  ASSERT_TRUE(recorder.wait_output(2, true, true));
  EXPECT_TRUE(server.coil(2));
  const auto report = recorder.outputs().front();
  EXPECT_TRUE(report.detail.empty());
  EXPECT_GE(report.mono, requested);
  EXPECT_LE(report.mono, mono_now());
  EXPECT_GT(report.time.time_since_epoch().count(), 0);

  module.set_coil(2, false);
  ASSERT_TRUE(recorder.wait_output(2, false, true));
  EXPECT_FALSE(server.coil(2));
  EXPECT_EQ(recorder.outputs().size(), 2u);
  EXPECT_EQ(module.counters().write_failures, 0u);
}

TEST(ModbusIoWrites, RefusedWriteIsReportedWithTheExceptionWhileInputsKeepFlowing) {
  ModbusIoServer server;
  Recorder recorder;
  ModbusIoModule module(fast_tcp_options(server.port()), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));

  server.set_coil_write_fault(CoilWriteFault::exception);
  module.set_coil(0, true);
  ASSERT_TRUE(recorder.wait_output(0, true, false));
  EXPECT_NE(recorder.outputs().front().detail.find("server failure"), std::string::npos)
      << recorder.outputs().front().detail;
  EXPECT_FALSE(server.coil(0));

  // The door forced while the lock refuses is still seen.
  server.set_input(3, true);
  ASSERT_TRUE(recorder.wait_input(3, true));
  EXPECT_FALSE(recorder.inputs().back().initial);
  ASSERT_TRUE(eventually([&] { return module.counters().write_failures >= 3; }));
  EXPECT_TRUE(module.online());
  EXPECT_EQ(recorder.status_count(false), 0);
  EXPECT_EQ(recorder.outputs().size(), 1u) << recorder.outputs().back().detail;  // reported once

  server.set_coil_write_fault(CoilWriteFault::none);
  ASSERT_TRUE(recorder.wait_output(0, true, true));  // the retry finally held
  EXPECT_TRUE(server.coil(0));
}

TEST(ModbusIoWrites, UnansweredWriteIsReportedFailedWithinTheTimeout) {
  ModbusIoServer server;
  Recorder recorder;
  const auto options = fast_tcp_options(server.port());
  ModbusIoModule module(options, recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));

  server.set_coil_write_fault(CoilWriteFault::no_answer);
  const auto requested = mono_now();
  module.set_coil(5, true);
  ASSERT_TRUE(recorder.wait_output(5, true, false));
  const auto report = recorder.outputs().front();
  EXPECT_NE(report.detail.find("timed out"), std::string::npos) << report.detail;
  // Reported when the timeout ran out, with slack for a loaded machine.
  EXPECT_GE(report.mono - requested, options.timeout);
  EXPECT_LT(report.mono - requested, options.timeout + std::chrono::milliseconds{400});

  server.set_input(6, true);
  ASSERT_TRUE(recorder.wait_input(6, true));
  EXPECT_EQ(recorder.status_count(false), 0);
  server.set_coil_write_fault(CoilWriteFault::none);
  ASSERT_TRUE(recorder.wait_output(5, true, true));
  EXPECT_TRUE(server.coil(5));
}

TEST(ModbusIoWrites, RefusedReapplyAfterReconnectDoesNotKeepTheDeviceOffline) {
  ModbusIoServer server;
  Recorder recorder;
  ModbusIoModule module(fast_tcp_options(server.port()), recorder.callbacks());
  module.set_coil(2, true);
  ASSERT_TRUE(recorder.wait_output(2, true, true));

  server.stop();
  ASSERT_TRUE(recorder.wait_status_count(false, 1));
  server.set_coil_write_fault(CoilWriteFault::exception);
  server.start();  // relays released, and the re-apply is refused

  ASSERT_TRUE(recorder.wait_status_count(true, 2));
  ASSERT_TRUE(recorder.wait_output(2, true, false));  // the daemon hears the lock fell
  server.set_input(1, true);
  ASSERT_TRUE(recorder.wait_input(1, true));
  EXPECT_EQ(recorder.status_count(false), 1);

  server.set_coil_write_fault(CoilWriteFault::none);
  ASSERT_TRUE(recorder.wait_output(2, true, true, 2));
  EXPECT_TRUE(server.coil(2));
}

TEST(ModbusIoWrites, SilentReapplyOfAConfirmedCoilIsNotReportedAgain) {
  ModbusIoServer server;
  Recorder recorder;
  ModbusIoModule module(fast_tcp_options(server.port()), recorder.callbacks());
  module.set_coil(4, true);
  ASSERT_TRUE(recorder.wait_output(4, true, true));
  server.stop();
  server.start();
  // A connection lost and made again at once is not an outage (one failure,
  // offline_after is 3), but it is a new session: the coil is re-applied.
  ASSERT_TRUE(eventually([&] { return module.counters().reconnects >= 1; }));
  ASSERT_TRUE(eventually([&] { return server.coil(4); }));
  ASSERT_TRUE(eventually([&] { return module.counters().writes_confirmed >= 2; }));
  EXPECT_EQ(recorder.outputs().size(), 1u);
}

TEST(ModbusIoWrites, RapidRequestsForOneCoilEndWithTheLastValueConfirmed) {
  ModbusIoServer server;
  Recorder recorder;
  ModbusIoModule module(fast_tcp_options(server.port()), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));
  for (std::uint64_t id = 1; id <= 20; ++id) module.set_coil(7, id % 2 == 1, id);  // ends false
  module.set_coil(7, true, 21);
  ASSERT_TRUE(eventually([&] {
    const auto outputs = recorder.outputs();
    return !outputs.empty() && outputs.back().write_id == 21 && outputs.back().ok && server.coil(7);
  }));
  // Requests overtaken before they went out are dropped, never reported
  // failed; the ones reported come in request order, each with its own id
  // and value.
  const auto outputs = recorder.outputs();
  EXPECT_LE(outputs.size(), 21u);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    EXPECT_TRUE(outputs[i].ok) << outputs[i].detail;
    EXPECT_EQ(outputs[i].value, outputs[i].write_id % 2 == 1) << "write " << outputs[i].write_id;
    if (i > 0) {
      EXPECT_GT(outputs[i].write_id, outputs[i - 1].write_id);
    }
  }
}

// vigild matches each outcome to its request by id: two requests of the same
// value are two answers (a relock, then the stop's relock), and a failed
// write retried until it holds is answered twice under its one id.
TEST(ModbusIoWrites, EachOutcomeCarriesTheWriteIdOfItsRequest) {
  ModbusIoServer server;
  Recorder recorder;
  ModbusIoModule module(fast_tcp_options(server.port()), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));

  module.set_coil(2, false, 7);
  ASSERT_TRUE(recorder.wait_output(2, false, true));
  module.set_coil(2, false, 8);
  ASSERT_TRUE(recorder.wait_output(2, false, true, 2));

  server.set_coil_write_fault(CoilWriteFault::exception);
  module.set_coil(3, true, 9);
  ASSERT_TRUE(recorder.wait_output(3, true, false));
  server.set_coil_write_fault(CoilWriteFault::none);
  ASSERT_TRUE(recorder.wait_output(3, true, true));

  std::vector<std::uint64_t> ids;
  for (const auto& r : recorder.outputs()) ids.push_back(r.write_id);
  EXPECT_EQ(ids, (std::vector<std::uint64_t>{7, 8, 9, 9}));
}

TEST(ModbusIoWrites, LevelsReadAtEachConnectAreInitialAndLaterChangesAreNot) {
  ModbusIoServer server;
  server.set_input(2, true);
  Recorder recorder;
  ModbusIoModule module(fast_tcp_options(server.port()), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));
  for (const auto& r : recorder.inputs()) EXPECT_TRUE(r.initial) << "input " << r.index;

  server.set_input(5, true);
  ASSERT_TRUE(recorder.wait_inputs(9));
  EXPECT_FALSE(recorder.inputs()[8].initial);

  server.stop();
  ASSERT_TRUE(recorder.wait_status_count(false, 1));
  server.start();
  ASSERT_TRUE(recorder.wait_inputs(17));
  const auto inputs = recorder.inputs();
  for (std::size_t i = 9; i < 17; ++i) EXPECT_TRUE(inputs[i].initial) << "report " << i;
  EXPECT_TRUE(inputs[9 + 2].value);  // still pressed: a state, not a fresh press
  EXPECT_TRUE(inputs[9 + 5].value);
}

// What the door state machine assumes of a driver (daemon/core/tests/
// door_model.hpp), checked on the real driver and the libmodbus server
// under a random mix of requests, refusals, silences and server restarts:
// one coil's answers come in request order (an id may be answered again:
// a failure retried until it holds, a re-apply after a restart that
// failed), each with its own request's value, and once the module is well
// the last request holds and is the last answer.
TEST(ModbusIoWrites, RandomRequestsAndFaultsAnswerInRequestOrderAndEndWithTheLastHeld) {
  ModbusIoServer server;
  Recorder recorder;
  ModbusIoModule module(fast_tcp_options(server.port()), recorder.callbacks());
  ASSERT_TRUE(recorder.wait_inputs(8));
  std::mt19937 random(27);
  std::map<std::uint64_t, bool> requested;
  std::uint64_t id = 0;
  bool value = false;
  const auto answered_at_least = [&](std::uint64_t wanted) {
    return eventually([&] {
      for (const auto& r : recorder.outputs()) {
        if (r.write_id >= wanted) return true;
      }
      return false;
    });
  };
  for (int step = 0; step < 60; ++step) {
    switch (random() % 8) {
      case 0:
        server.set_coil_write_fault(CoilWriteFault::exception);
        break;
      case 1:
        server.set_coil_write_fault(random() % 4 == 0 ? CoilWriteFault::no_answer
                                                      : CoilWriteFault::none);
        break;
      case 2:
        server.stop();  // relays released; the driver re-applies on reconnect
        server.start();
        break;
      default:
        value = random() % 2 == 1;
        requested[++id] = value;
        module.set_coil(3, value, id);
        if (random() % 2 == 0) {
          ASSERT_TRUE(answered_at_least(id)) << "write " << id;
        }
        break;
    }
  }
  server.set_coil_write_fault(CoilWriteFault::none);
  ASSERT_GT(id, 0u);
  ASSERT_TRUE(eventually([&] {
    const auto outputs = recorder.outputs();
    return !outputs.empty() && outputs.back().write_id == id && outputs.back().ok &&
           server.coil(3) == value;
  })) << "the last request ("
      << id << ") never held";

  std::uint64_t previous = 0;
  for (const auto& r : recorder.outputs()) {
    ASSERT_EQ(r.index, 3);
    EXPECT_GE(r.write_id, previous) << "answered out of request order";
    previous = r.write_id;
    ASSERT_TRUE(requested.count(r.write_id)) << "an id never requested: " << r.write_id;
    EXPECT_EQ(r.value, requested[r.write_id]) << "write " << r.write_id;
    if (!r.ok) {
      EXPECT_FALSE(r.detail.empty()) << "a failure without its reason";
    }
  }
}

}  // namespace
}  // namespace vigil::modbus
