#include "vigil/gpio/gpiod_chip.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace vigil::gpio {
namespace {

std::string first_kernel_chip() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/dev", ec)) {
    if (entry.path().filename().string().rfind("gpiochip", 0) == 0) return entry.path().string();
  }
  return {};
}

TEST(GpiodChip, StartOnAMissingChipThrowsNamingIt) {
  GpiodChip chip(GpiodChip::Options{"/dev/gpiochip-vigil-none", "vigil-test"});
  chip.request_input(0);
  try {
    chip.start();
    FAIL() << "start() should throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("gpiochip-vigil-none"), std::string::npos) << e.what();
  }
  EXPECT_EQ(chip.input_level(0), std::nullopt);
}

TEST(GpiodChip, FactoryPicksTheBackendByName) {
  EXPECT_NE(dynamic_cast<GpiodChip*>(make_gpio_chip("gpiod", "gpiochip0").get()), nullptr);
  EXPECT_THROW(make_gpio_chip("spi", "x"), std::invalid_argument);
}

TEST(GpiodChip, OpensAKernelChipAndReadsALine) {
  const std::string path = first_kernel_chip();
  if (path.empty()) GTEST_SKIP() << "no /dev/gpiochip* on this machine";
  GpiodChip chip(GpiodChip::Options{path, "vigil-test"});
  chip.request_input(0);
  chip.start();
  EXPECT_TRUE(chip.input_level(0).has_value());
  chip.stop();
}

}  // namespace
}  // namespace vigil::gpio
