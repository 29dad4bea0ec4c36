#include "vigil/gpio/gpiod_chip.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <vector>

#include "sim_test_support.hpp"

namespace vigil::gpio {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

std::string first_kernel_chip() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/dev", ec)) {
    if (entry.path().filename().string().rfind("gpiochip", 0) == 0) return entry.path().string();
  }
  return {};
}

TEST(GpiodChip, MissingChipIsReportedOfflineNamingItAndDoesNotStopTheDaemon) {
  GpiodChip chip(GpiodChip::Options{"/dev/gpiochip-vigil-none", "vigil-test", 20ms});
  std::mutex mutex;
  std::vector<std::pair<bool, std::string>> statuses;
  chip.on_status([&](bool online, const std::string& detail) {
    std::lock_guard lock(mutex);
    statuses.emplace_back(online, detail);
  });
  chip.request_input(0, LineSettings{true, Bias::pull_up, 5ms});
  chip.request_output(1, false);
  chip.start();  // no throw: the chip may appear later (module loaded, overlay applied)
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return !statuses.empty();
  }));
  EXPECT_EQ(chip.set_output(1, true), SetStatus::pending);
  EXPECT_EQ(chip.set_output(2, true), SetStatus::not_an_output);
  EXPECT_EQ(chip.input_level(0), std::nullopt);
  chip.stop();
  std::lock_guard lock(mutex);
  ASSERT_EQ(statuses.size(), 1u) << "one report per distinct failure, not one per retry";
  EXPECT_FALSE(statuses[0].first);
  EXPECT_NE(statuses[0].second.find("gpiochip-vigil-none"), std::string::npos)
      << statuses[0].second;
}

TEST(GpiodChip, FactoryPicksTheBackendByName) {
  EXPECT_NE(dynamic_cast<GpiodChip*>(make_gpio_chip("gpiod", "gpiochip0").get()), nullptr);
  EXPECT_THROW(make_gpio_chip("spi", "x"), std::invalid_argument);
}

TEST(GpiodChip, OpensAKernelChipAndReadsALine) {
  const std::string path = first_kernel_chip();
  if (path.empty()) GTEST_SKIP() << "no /dev/gpiochip* on this machine";
  GpiodChip chip(GpiodChip::Options{path, "vigil-test"});
  std::atomic<int> levels{0};
  chip.on_level([&](const LevelReport&) { ++levels; });
  chip.request_input(0);
  chip.start();
  ASSERT_TRUE(eventually([&] { return chip.online(); }));
  EXPECT_TRUE(chip.input_level(0).has_value());
  EXPECT_EQ(levels.load(), 1) << "the initial level is reported once";
  chip.stop();
}

}  // namespace
}  // namespace vigil::gpio
