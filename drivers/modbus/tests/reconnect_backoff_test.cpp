#include "vigil/modbus/reconnect_backoff.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace vigil::modbus {
namespace {

using std::chrono::milliseconds;

TEST(ReconnectBackoff, DoublesFromFirstDelayUpToCeiling) {
  ReconnectBackoff backoff(milliseconds{100}, milliseconds{5000});
  const std::vector<long> expected{100, 200, 400, 800, 1600, 3200, 5000, 5000};
  for (long ms : expected) EXPECT_EQ(backoff.next(), milliseconds{ms});
}

TEST(ReconnectBackoff, StartsOverAfterReset) {
  ReconnectBackoff backoff(milliseconds{10}, milliseconds{40});
  backoff.next();
  backoff.next();
  backoff.reset();
  EXPECT_EQ(backoff.next(), milliseconds{10});
}

TEST(ReconnectBackoff, CeilingBelowFirstDelayMeansAFixedDelay) {
  ReconnectBackoff backoff(milliseconds{300}, milliseconds{100});
  EXPECT_EQ(backoff.next(), milliseconds{300});
  EXPECT_EQ(backoff.next(), milliseconds{300});
}

}  // namespace
}  // namespace vigil::modbus
