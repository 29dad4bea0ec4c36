#include <gtest/gtest.h>

#include "vigil/fwb/board_io.hpp"

namespace vigil::fwb {
namespace {

TEST(InputDebouncer, ReportsALevelOnlyAfterItHeld) {
  InputDebouncer d(Millis{20});
  EXPECT_FALSE(d.update(true, Millis{100}));
  EXPECT_FALSE(d.update(false, Millis{105})) << "bounce";
  EXPECT_FALSE(d.update(true, Millis{110}));
  EXPECT_FALSE(d.update(true, Millis{129}));
  EXPECT_EQ(d.update(true, Millis{130}), true);
  EXPECT_FALSE(d.update(true, Millis{200})) << "reported once";
  EXPECT_TRUE(d.level());
}

std::array<RelayConfig, kMaxRelays> relays() {
  std::array<RelayConfig, kMaxRelays> r{};
  r[0] = {false, false};  // fail-secure strike: energise to unlock
  r[1] = {false, true};   // fail-safe maglock: energised to hold
  r[2] = {true, false};   // an output whose safe state is energised
  return r;
}

TEST(RelayBank, BootsInTheFailStateUntilArmed) {
  RelayBank bank(relays());
  EXPECT_FALSE(bank.level(0));
  EXPECT_FALSE(bank.level(1));
  EXPECT_TRUE(bank.level(2));
  bank.arm();
  EXPECT_FALSE(bank.level(0));
  EXPECT_TRUE(bank.level(1)) << "armed maglock holds";
  EXPECT_FALSE(bank.level(2));
}

TEST(RelayBank, APulseReleasesTheLockForItsDuration) {
  RelayBank bank(relays());
  bank.command({0, OutputMode::pulse, 5000}, Millis{1000});
  bank.pulse(1, Millis{3000}, Millis{1000});
  EXPECT_TRUE(bank.level(0));
  EXPECT_FALSE(bank.level(1));
  bank.tick(Millis{3999});
  EXPECT_FALSE(bank.level(1)) << "maglock still released";
  bank.tick(Millis{4000});
  EXPECT_TRUE(bank.level(1));
  bank.tick(Millis{5999});
  EXPECT_TRUE(bank.level(0));
  bank.tick(Millis{6000});
  EXPECT_FALSE(bank.level(0));
}

TEST(RelayBank, SteadyCommandsCancelAPulse) {
  RelayBank bank(relays());
  bank.command({0, OutputMode::pulse, 5000}, Millis{0});
  bank.command({0, OutputMode::on, 0}, Millis{10});
  bank.tick(Millis{10'000});
  EXPECT_TRUE(bank.level(0));
  bank.command({0, OutputMode::off, 0}, Millis{10'001});
  EXPECT_FALSE(bank.level(0));
  bank.command({kMaxRelays, OutputMode::on, 0}, Millis{0});  // ignored
}

}  // namespace
}  // namespace vigil::fwb
