// Module types: register maps as data, the shipped library under
// config/modules/, and a site device that names its type.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "vigil/config/load.hpp"

namespace vigil::config {
namespace {

namespace fs = std::filesystem;

const fs::path kLibrary = VIGIL_MODULES_DIR;

std::string site_with(const std::string& library, const std::string& device,
                      const std::string& lock = "coil: 0") {
  return "site: { id: hq, gateway: gw1, time_zone: UTC, module_library: " + library + " }\n" +
         "journal: { path: run/journal.db }\n" +
         "devices:\n"
         "  - " +
         device + "\n" +
         "zones:\n"
         "  - { id: lobby }\n"
         "doors:\n"
         "  - { id: d1, from: outside, to: lobby, lock: { device: io1, " +
         lock + " }, contact: { device: io1, input: 0 } }\n";
}

Result<SiteConfig> load(const std::string& yaml) {
  return load_site_config_from_string(yaml, "/etc/vigil/site.yaml");
}

std::vector<std::string> messages(const Result<SiteConfig>& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics()) out.push_back(to_string(d));
  return out;
}

TEST(ModuleTypes, EveryShippedTypeLoadsAndServesADoor) {
  int types = 0;
  for (const auto& entry : fs::directory_iterator(kLibrary)) {
    const std::string name = entry.path().stem().string();
    const auto r = load(site_with(kLibrary.string(),
                                  "{ id: io1, type: modbus_tcp, host: 10.0.0.9, "
                                  "module: " +
                                      name + " }"));
    ASSERT_TRUE(r.ok()) << name << ": " << ::testing::PrintToString(messages(r));
    EXPECT_EQ(r.value().modbus_devices.at(0).module_type, name);
    ++types;
  }
  EXPECT_GE(types, 3);
}

TEST(ModuleTypes, DeviceTakesCoilsInputsAndRegistersFromItsType) {
  auto r = load(site_with(kLibrary.string(),
                          "{ id: io1, type: modbus_tcp, host: 10.0.0.9, module: adam-6050, "
                          "watchdog: { timeout: 2s } }",
                          "coil: 5"));
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
  const auto& io1 = r.value().modbus_devices.at(0);
  EXPECT_EQ(io1.coil_address, 16);
  EXPECT_EQ(io1.coil_count, 6);
  EXPECT_EQ(io1.input_count, 12);
  EXPECT_EQ(io1.watchdog->timeout_register, 4096);

  r = load(
      site_with(kLibrary.string(),
                "{ id: io1, type: modbus_rtu, serial: /dev/ttyUSB0, module: generic-8in-8out }"));
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
  const auto& gen = r.value().modbus_devices.at(0);
  ASSERT_EQ(gen.registers.size(), 4u);
  EXPECT_EQ(gen.registers[2].name, "loop2");
  EXPECT_EQ(gen.registers[2].address, 2);
  EXPECT_DOUBLE_EQ(gen.registers[2].scale, 1.0);
}

TEST(ModuleTypes, SupervisedInputOnATypesRegisterGetsItsBands) {
  const auto r = load(site_with(
      kLibrary.string(),
      "{ id: io1, type: modbus_tcp, host: 10.0.0.9, module: generic-8in-8out, supervised_inputs: "
      "[{ register: loop1, wiring: dual_eol, series: 2200, parallel: 4700, dwell: 300ms }] }"));
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
  const auto& in = r.value().modbus_devices.at(0).supervised_inputs.at(0);
  EXPECT_EQ(in.register_index, 1);
  EXPECT_DOUBLE_EQ(in.bands.short_below, 1100);
  EXPECT_DOUBLE_EQ(in.bands.alarm_from, 4550);
  EXPECT_DOUBLE_EQ(in.bands.cut_from, 10350);
  EXPECT_EQ(in.dwell, std::chrono::milliseconds(300));
}

TEST(ModuleTypes, SupervisedInputOnAnUnknownRegisterOrWithoutResistorsIsRefused) {
  const auto r = load(site_with(
      kLibrary.string(),
      "{ id: io1, type: modbus_tcp, host: 10.0.0.9, module: generic-8in-8out, supervised_inputs: "
      "[{ register: lop1, wiring: dual_eol, series: 1000, parallel: 1000 }, "
      "{ register: loop2, wiring: dual_eol, series: 1000 }] }"));
  const auto m = messages(r);
  ASSERT_EQ(m.size(), 2u) << ::testing::PrintToString(m);
  EXPECT_NE(m[0].find("'register': device 'io1' has no register 'lop1' (did you mean 'loop1'?)"),
            std::string::npos)
      << m[0];
  EXPECT_NE(m[1].find("supervised input is missing required key 'parallel'"), std::string::npos)
      << m[1];
}

TEST(ModuleTypes, PointBeyondTheTypesCoilsIsRefusedWithItsPosition) {
  const auto r = load(site_with(kLibrary.string(),
                                "{ id: io1, type: modbus_tcp, host: 10.0.0.9, module: adam-6050 }",
                                "coil: 6"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(messages(r), std::vector<std::string>{
                             "/etc/vigil/site.yaml:8:68: 'coil': device 'io1' has 6 coils (0-5), "
                             "got 6"});
}

TEST(ModuleTypes, UnknownTypeNamesTheLibraryAndTheClosestType) {
  const auto r = load(site_with(
      kLibrary.string(), "{ id: io1, type: modbus_tcp, host: 10.0.0.9, module: adam-6005 }"));
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics().size(), 1u);
  const std::string m = messages(r)[0];
  EXPECT_EQ(m.find("/etc/vigil/site.yaml:4:58: 'module': no module type 'adam-6005' in " +
                       kLibrary.lexically_normal().string() + " (did you mean 'adam-6050'?)",
                   0),
            0u)
      << m;
}

TEST(ModuleTypes, CountsBesideATypeAreRefused) {
  const auto r =
      load(site_with(kLibrary.string(),
                     "{ id: io1, type: modbus_tcp, host: 10.0.0.9, module: adam-6050, coils: 4 }"));
  EXPECT_EQ(messages(r),
            std::vector<std::string>{
                "/etc/vigil/site.yaml:4:69: 'coils': device 'io1' has 6 coils from its "
                "module type 'adam-6050'; remove 'coils'"});
}

TEST(ModuleTypes, MistakeInATypeFileIsReportedAtItsPlaceInThatFile) {
  const fs::path dir = fs::temp_directory_path() / ("vigil-modules-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "odd.yaml") << "name: odd\n"
                                     "coils: { address: 65534, count: 4 }\n"
                                     "input_registers:\n"
                                     "  - { name: ai0, address: 1, scale: lots }\n";
  const auto r =
      load(site_with(dir.string(), "{ id: io1, type: modbus_tcp, host: 10.0.0.9, module: odd }"));
  const std::string file = (dir / "odd.yaml").string();
  EXPECT_EQ(messages(r),
            (std::vector<std::string>{
                file + ":2:33: 'count': coils from address 65534 would pass address 65535",
                file + ":4:37: 'scale': expected a number, got 'lots'"}));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vigil::config
