// The door's state machine against a model of its driver and lock
// (door_model.hpp), on many random step sequences: the journal's lock events
// follow the hardware's confirmations, and once the hardware answers again
// the coil ends in the state the door must be in, vouched for. The same
// model runs under libFuzzer (tests/fuzz/fuzz_door_answers.cpp).
#include "door_model.hpp"
#include "site_model.hpp"

#include <gtest/gtest.h>

#include <random>

namespace vigil::core {
namespace {

TEST(DoorModel, RandomStepsKeepTheJournalTrueAndTheLockWhereTheDoorWantsIt) {
  std::mt19937 random(20261201);
  for (int sequence = 0; sequence < 3000; ++sequence) {
    std::string bytes;
    const std::size_t steps = 20 + random() % 200;
    for (std::size_t i = 0; i < 2 * steps; ++i) bytes.push_back(static_cast<char>(random()));
    testing::DoorModel model(static_cast<std::uint8_t>(sequence));
    ASSERT_TRUE(model.run(bytes)) << "sequence " << sequence << ": " << model.failure();
  }
}

}  // namespace
}  // namespace vigil::core

namespace vigil::core {
namespace {

TEST(SiteModel, RandomStepsOnTheWholeControllerKeepEveryDoorTrueAndSafe) {
  std::mt19937 random(20261202);
  for (int sequence = 0; sequence < 1500; ++sequence) {
    std::string bytes;
    const std::size_t steps = 20 + random() % 200;
    for (std::size_t i = 0; i < 2 * steps; ++i) bytes.push_back(static_cast<char>(random()));
    testing::SiteModel model(static_cast<std::uint8_t>(sequence));
    ASSERT_TRUE(model.run(bytes)) << "sequence " << sequence << ": " << model.failure();
  }
}

}  // namespace
}  // namespace vigil::core
