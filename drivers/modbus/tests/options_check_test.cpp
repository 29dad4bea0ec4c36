// What check() says about a module's options: every problem, each named by
// the option field the config loader maps back to a config key and line.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "vigil/modbus/io_module.hpp"

namespace vigil::modbus {
namespace {

using namespace std::chrono_literals;

ModbusIoOptions valid_tcp() {
  ModbusIoOptions o;
  o.device = core::DeviceId{"io1"};
  return o;
}

ModbusIoOptions valid_rtu() {
  ModbusIoOptions o = valid_tcp();
  o.transport = ModbusTransport::rtu;
  o.serial_device = "/dev/ttyUSB0";
  return o;
}

ModbusIoOptions with_watchdog(ModbusIoOptions o) {
  o.watchdog = ModbusWatchdog{.timeout = 2000ms};
  return o;
}

std::vector<std::string> fields(const ModbusIoOptions& o) {
  std::vector<std::string> out;
  for (const auto& e : check(o)) out.push_back(e.field);
  return out;
}

struct Case {
  const char* name;
  std::function<ModbusIoOptions()> options;
  std::vector<std::string> fields;  // empty = accepted
};

TEST(ModbusIoOptionsCheck, NamesTheFieldOfEveryProblem) {
  const std::vector<Case> cases = {
      {"defaults over tcp", valid_tcp, {}},
      {"defaults over rtu", valid_rtu, {}},
      {"tcp unit 255 (any unit on a gateway)",
       [] {
         auto o = valid_tcp();
         o.unit_id = 255;
         return o;
       },
       {}},
      {"tcp unit 0 (broadcast)",
       [] {
         auto o = valid_tcp();
         o.unit_id = 0;
         return o;
       },
       {"unit_id"}},
      {"tcp unit 256",
       [] {
         auto o = valid_tcp();
         o.unit_id = 256;
         return o;
       },
       {"unit_id"}},
      {"rtu unit 247",
       [] {
         auto o = valid_rtu();
         o.unit_id = 247;
         return o;
       },
       {}},
      {"rtu unit 248 (reserved)",
       [] {
         auto o = valid_rtu();
         o.unit_id = 248;
         return o;
       },
       {"unit_id"}},
      {"rtu unit 0",
       [] {
         auto o = valid_rtu();
         o.unit_id = 0;
         return o;
       },
       {"unit_id"}},
      {"rtu without a device",
       [] {
         auto o = valid_rtu();
         o.serial_device.clear();
         return o;
       },
       {"serial_device"}},
      {"tcp without a host",
       [] {
         auto o = valid_tcp();
         o.host.clear();
         return o;
       },
       {"host"}},
      {"no points",
       [] {
         auto o = valid_tcp();
         o.coil_count = 0;
         o.input_count = 0;
         return o;
       },
       {"coil_count"}},
      {"zero poll period",
       [] {
         auto o = valid_tcp();
         o.poll_period = 0ms;
         return o;
       },
       {"poll_period"}},
      {"two problems at once",
       [] {
         auto o = valid_rtu();
         o.unit_id = 300;
         o.baud = 0;
         return o;
       },
       {"baud", "unit_id"}},
      {"watchdog", [] { return with_watchdog(valid_tcp()); }, {}},
      {"watchdog timeout 0",
       [] {
         auto o = with_watchdog(valid_tcp());
         o.watchdog->timeout = 0ms;
         return o;
       },
       {"watchdog.timeout"}},
      {"watchdog timeout 65536 ms",
       [] {
         auto o = with_watchdog(valid_tcp());
         o.watchdog->timeout = 65536ms;
         return o;
       },
       {"watchdog.timeout"}},
      {"watchdog timeout 65535 ms",
       [] {
         auto o = with_watchdog(valid_tcp());
         o.watchdog->timeout = 65535ms;
         return o;
       },
       {}},
      {"watchdog faster than one slow answer",
       [] {
         auto o = with_watchdog(valid_tcp());
         o.watchdog->timeout = 550ms;
         return o;
       },
       {"watchdog.timeout"}},
      {"safe coils for every coil",
       [] {
         auto o = with_watchdog(valid_tcp());
         o.watchdog->safe_coils.assign(8, true);
         return o;
       },
       {}},
      {"safe coils short of the coil count",
       [] {
         auto o = with_watchdog(valid_tcp());
         o.watchdog->safe_coils.assign(3, true);
         return o;
       },
       {"watchdog.safe_coils"}},
      {"watchdog on a module without coils",
       [] {
         auto o = with_watchdog(valid_tcp());
         o.coil_count = 0;
         return o;
       },
       {"watchdog.safe_coils"}},
      {"bitmap over the timeout register",
       [] {
         auto o = with_watchdog(valid_tcp());
         o.watchdog->safe_register = 4096;
         return o;
       },
       {"watchdog.safe_register"}},
      {"bitmap past register 65535",
       [] {
         auto o = with_watchdog(valid_tcp());
         o.watchdog->safe_register = 65535;
         o.coil_count = 17;
         return o;
       },
       {"watchdog.safe_register"}},
      {"negative timeout register",
       [] {
         auto o = with_watchdog(valid_tcp());
         o.watchdog->timeout_register = -1;
         return o;
       },
       {"watchdog.timeout_register"}},
  };
  for (const auto& c : cases) {
    auto got = fields(c.options());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, c.fields) << c.name;
  }
}

TEST(ModbusIoOptionsCheck, EveryProblemHasAMessage) {
  auto o = valid_rtu();
  o.unit_id = 248;
  const auto errors = check(o);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "must be 1..247 for rtu");
}

TEST(ModbusIoOptionsCheck, ValidateThrowsWithDeviceAndField) {
  auto o = with_watchdog(valid_tcp());
  o.watchdog->safe_coils.assign(2, false);
  try {
    validate(o);
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("modbus device 'io1': watchdog.safe_coils: ", 0), 0u)
        << e.what();
  }
}

}  // namespace
}  // namespace vigil::modbus
