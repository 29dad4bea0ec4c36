// Logins: a session per good password, a pause after too many bad ones.
#include "vigil/console/sessions.hpp"

#include <gtest/gtest.h>

namespace vigil::console::sessions_test {

using std::chrono::seconds;
const Sessions::Time t0{};

TEST(ConsoleSessions, LocksAUserOutAfterTooManyFailuresUntilTheLockoutEnds) {
  Sessions s(3, seconds(60), seconds(3600));
  for (int i = 0; i < 2; ++i) s.record_failure("ben", t0 + seconds(i));
  EXPECT_FALSE(s.locked("ben", t0 + seconds(2)));
  s.record_failure("ben", t0 + seconds(2));
  EXPECT_TRUE(s.locked("ben", t0 + seconds(3)));
  EXPECT_TRUE(s.locked("ben", t0 + seconds(61)));
  EXPECT_FALSE(s.locked("ann", t0 + seconds(3))) << "per user";
  EXPECT_FALSE(s.locked("ben", t0 + seconds(62)));
  // After the lockout one more failure does not lock at once.
  s.record_failure("ben", t0 + seconds(63));
  EXPECT_FALSE(s.locked("ben", t0 + seconds(63)));
}

TEST(ConsoleSessions, AGoodLoginOpensASessionAndClearsFailures) {
  Sessions s(3, seconds(60), seconds(3600));
  s.record_failure("ben", t0);
  s.record_failure("ben", t0);
  const auto token = s.open("ben", t0 + seconds(1));
  EXPECT_EQ(token.size(), 64U);
  EXPECT_EQ(s.user_of(token, t0 + seconds(2)), "ben");
  s.record_failure("ben", t0 + seconds(3));
  EXPECT_FALSE(s.locked("ben", t0 + seconds(3)));
  EXPECT_NE(s.open("ben", t0 + seconds(4)), token) << "fresh token each login";
}

TEST(ConsoleSessions, SessionsExpireAndEndAtLogout) {
  Sessions s(3, seconds(60), seconds(3600));
  const auto token = s.open("ben", t0);
  EXPECT_EQ(s.user_of(token, t0 + seconds(3599)), "ben");
  EXPECT_EQ(s.user_of(token, t0 + seconds(3600)), std::nullopt);
  const auto other = s.open("ann", t0);
  s.close(other);
  EXPECT_EQ(s.user_of(other, t0), std::nullopt);
  EXPECT_EQ(s.user_of("", t0), std::nullopt);
  EXPECT_EQ(s.user_of("guess", t0), std::nullopt);
}

}  // namespace vigil::console::sessions_test
