// Five wrong PINs in a row lock the credential of the person whose card was
// presented, for lock_for; a correct (or duress) PIN resets the count.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vigil/core/pin.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using R = PinAttemptResult;
using V = PinVerdict;

constexpr MonoTime kT0{std::chrono::hours(100)};

struct Attempt {
  Duration at;  // since kT0
  V verdict;
  R expected;
};

struct LockoutCase {
  std::string name;
  std::vector<Attempt> attempts;
};

TEST(PinLockout, FiveWrongInARowLockUntilTheLockExpires) {
  // Rules: 5 wrong in a row, locked for 15 minutes.
  const std::vector<LockoutCase> cases = {
      {"four wrong leave it open",
       {{0s, V::wrong, R::wrong},
        {10s, V::wrong, R::wrong},
        {20s, V::wrong, R::wrong},
        {30s, V::wrong, R::wrong},
        {40s, V::match, R::granted}}},
      {"the fifth wrong locks, even the right PIN is then refused",
       {{0s, V::wrong, R::wrong},
        {1s, V::wrong, R::wrong},
        {2s, V::wrong, R::wrong},
        {3s, V::wrong, R::wrong},
        {4s, V::wrong, R::wrong_now_locked},
        {5s, V::match, R::refused_locked},
        {6s, V::duress, R::refused_locked},
        {7s, V::wrong, R::refused_locked}}},
      {"the lock holds until its last microsecond and ends at lock_for",
       {{0s, V::wrong, R::wrong},
        {0s, V::wrong, R::wrong},
        {0s, V::wrong, R::wrong},
        {0s, V::wrong, R::wrong},
        {1s, V::wrong, R::wrong_now_locked},
        {1s + 15min - 1us, V::match, R::refused_locked},
        {1s + 15min, V::match, R::granted}}},
      {"after expiry a wrong PIN starts a fresh count of five",
       {{0s, V::wrong, R::wrong},
        {0s, V::wrong, R::wrong},
        {0s, V::wrong, R::wrong},
        {0s, V::wrong, R::wrong},
        {0s, V::wrong, R::wrong_now_locked},
        {20min, V::wrong, R::wrong},
        {21min, V::wrong, R::wrong},
        {22min, V::wrong, R::wrong},
        {23min, V::wrong, R::wrong},
        {24min, V::wrong, R::wrong_now_locked}}},
      {"a right PIN resets the count",
       {{0s, V::wrong, R::wrong},
        {1s, V::wrong, R::wrong},
        {2s, V::wrong, R::wrong},
        {3s, V::wrong, R::wrong},
        {4s, V::match, R::granted},
        {5s, V::wrong, R::wrong},
        {6s, V::wrong, R::wrong},
        {7s, V::wrong, R::wrong},
        {8s, V::wrong, R::wrong},
        {9s, V::wrong, R::wrong_now_locked}}},
      {"a duress PIN grants as usual and resets the count",
       {{0s, V::wrong, R::wrong},
        {1s, V::wrong, R::wrong},
        {2s, V::wrong, R::wrong},
        {3s, V::wrong, R::wrong},
        {4s, V::duress, R::granted_duress},
        {5s, V::wrong, R::wrong}}},
      {"wrong PINs days apart are still in a row",
       {{0s, V::wrong, R::wrong},
        {24h, V::wrong, R::wrong},
        {48h, V::wrong, R::wrong},
        {72h, V::wrong, R::wrong},
        {96h, V::wrong, R::wrong_now_locked}}},
  };
  const PersonId alice("alice");
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    PinLockout lockout(LockoutRules{.max_failures = 5, .lock_for = 15min});
    for (std::size_t i = 0; i < c.attempts.size(); ++i) {
      const auto& a = c.attempts[i];
      EXPECT_EQ(lockout.record(alice, a.verdict, kT0 + a.at), a.expected)
          << "attempt " << i << ", expected " << to_string(a.expected);
    }
  }
}

TEST(PinLockout, ReportsTheLockAndItsEndToAskBeforeHashing) {
  PinLockout lockout(LockoutRules{.max_failures = 3, .lock_for = 10min});
  const PersonId bob("bob");
  EXPECT_FALSE(lockout.is_locked(bob, kT0));
  for (int i = 0; i < 2; ++i) lockout.record(bob, V::wrong, kT0);
  EXPECT_EQ(lockout.failures(bob, kT0), 2);
  EXPECT_FALSE(lockout.is_locked(bob, kT0));
  lockout.record(bob, V::wrong, kT0 + 1s);
  EXPECT_TRUE(lockout.is_locked(bob, kT0 + 1s));
  EXPECT_EQ(lockout.locked_until(bob, kT0 + 2s), kT0 + 1s + 10min);
  EXPECT_TRUE(lockout.is_locked(bob, kT0 + 1s + 10min - 1us));
  EXPECT_FALSE(lockout.is_locked(bob, kT0 + 1s + 10min));
  EXPECT_EQ(lockout.failures(bob, kT0 + 1s + 10min), 0);
}

TEST(PinLockout, OnePersonsWrongPinsDoNotLockAnother) {
  PinLockout lockout;
  const PersonId alice("alice");
  const PersonId bob("bob");
  for (int i = 0; i < 5; ++i) lockout.record(alice, V::wrong, kT0);
  EXPECT_TRUE(lockout.is_locked(alice, kT0));
  EXPECT_FALSE(lockout.is_locked(bob, kT0));
  EXPECT_EQ(lockout.record(bob, V::match, kT0), R::granted);
}

TEST(PinLockout, ForgetsExpiredLocksAndGrantedPeople) {
  PinLockout lockout(LockoutRules{.max_failures = 2, .lock_for = 1min});
  const PersonId alice("alice");
  const PersonId bob("bob");
  const PersonId carol("carol");
  for (int i = 0; i < 2; ++i) lockout.record(alice, V::wrong, kT0);
  lockout.record(bob, V::wrong, kT0);
  lockout.record(carol, V::wrong, kT0);
  lockout.record(carol, V::match, kT0);
  EXPECT_EQ(lockout.tracked(), 2u);  // carol's match freed hers
  lockout.forget_expired(kT0 + 1min);
  EXPECT_EQ(lockout.tracked(), 1u);  // alice's lock expired; bob still has a wrong PIN
  EXPECT_EQ(lockout.failures(bob, kT0 + 1min), 1);
}

TEST(PinLockout, RefusesRulesThatCannotWork) {
  EXPECT_THROW(PinLockout(LockoutRules{.max_failures = 0}), std::invalid_argument);
  EXPECT_THROW(PinLockout(LockoutRules{.lock_for = 0s}), std::invalid_argument);
}

}  // namespace
}  // namespace vigil::core
