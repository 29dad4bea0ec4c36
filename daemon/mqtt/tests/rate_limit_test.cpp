#include "vigil/mqtt/rate_limit.hpp"

#include <gtest/gtest.h>

namespace vigil::mqtt {
namespace {

using std::chrono::milliseconds;
using RateClock = RateLimit::Clock;

const RateClock::time_point kRateT0 = RateClock::time_point{} + std::chrono::hours(1);

// How many of `offered` messages, offered at once at `at`, the limit lets go.
int rate_taken(RateLimit& limit, RateClock::time_point at, int offered) {
  int taken = 0;
  for (int i = 0; i < offered; ++i) taken += limit.take(at) ? 1 : 0;
  return taken;
}

TEST(RateLimit, ZeroMeansNoLimit) {
  RateLimit limit(0, milliseconds(100));
  EXPECT_FALSE(limit.limited());
  EXPECT_EQ(rate_taken(limit, kRateT0, 100'000), 100'000);
}

TEST(RateLimit, AFreshLimitLetsItsCreditGoAtOnceThenPacesAtTheRate) {
  RateLimit limit(1'000, milliseconds(100));  // one per ms, 100 ms of credit
  EXPECT_EQ(rate_taken(limit, kRateT0, 1'000), 100);
  EXPECT_EQ(limit.next(), kRateT0 + milliseconds(1));  // the credit is spent
  EXPECT_EQ(rate_taken(limit, kRateT0 + milliseconds(10), 1'000), 10);
  EXPECT_EQ(rate_taken(limit, kRateT0 + milliseconds(10), 1'000), 0);
}

TEST(RateLimit, AStallIsMadeUpForUpToTheCreditNotBeyond) {
  // A sender held up (a slow PUBACK, a delete) for `stall` may then send
  // what the rate allowed meanwhile, but never more than the credit.
  struct Case {
    milliseconds stall;
    int expected;
  };
  for (const Case c : {Case{milliseconds(1), 1}, Case{milliseconds(20), 20},
                       Case{milliseconds(100), 100}, Case{milliseconds(5'000), 100}}) {
    RateLimit limit(1'000, milliseconds(100));
    rate_taken(limit, kRateT0, 1'000);  // the initial credit
    EXPECT_EQ(rate_taken(limit, kRateT0 + c.stall, 1'000), c.expected) << c.stall.count() << " ms";
  }
}

TEST(RateLimit, OverAnySecondNoMoreThanTheRatePlusTheCreditGo) {
  RateLimit limit(20'000, milliseconds(100));
  int sent = 0;
  // Offered far faster than the rate: every 10 µs for one second.
  for (int us = 0; us < 1'000'000; us += 10) {
    sent += limit.take(kRateT0 + std::chrono::microseconds(us)) ? 1 : 0;
  }
  EXPECT_LE(sent, 20'000 + 2'000);
  EXPECT_GE(sent, 20'000);
}

}  // namespace
}  // namespace vigil::mqtt
