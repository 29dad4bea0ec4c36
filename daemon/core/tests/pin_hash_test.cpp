// PBKDF2 PIN hashes: known answers from Python's hashlib, fresh salts, and
// the verdicts a door needs, duress included, always against the hash of
// the person whose card was presented.
#include "vigil/core/pin_hash.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace vigil::core {
namespace {

using V = PinVerdict;

// Tests hash at the floor count; the cost is not under test here.
constexpr std::uint32_t kFast = kMinPinIterations;

PinCode pin(std::string_view digits) {
  auto code = PinCode::from_digits(digits);
  EXPECT_TRUE(code.has_value()) << digits;
  return code.value_or(PinCode{});
}

PinHash hashed(std::string_view digits) {
  return hash_pin(pin(digits), kFast);
}

TEST(PinHash, VerifiesHashesWrittenByPythonHashlib) {
  // hashlib.pbkdf2_hmac("sha256", pin, bytes(range(16)), iterations)
  const std::vector<std::tuple<std::string, std::string>> cases = {
      {"1234",
       "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw==$IkDqKiJ1SjxGEDVu+OTXrPJa8qw9LRGGbel6i3gSxSw="},
      {"0000",
       "pbkdf2-sha256$2000$AAECAwQFBgcICQoLDA0ODw==$mUwX4T5/znNbKjjFCo1lYAKyutjcIj964uF7CQTdjkE="},
  };
  for (const auto& [digits, encoded] : cases) {
    const auto stored = parse_pin_hash(encoded);
    ASSERT_TRUE(stored.has_value()) << encoded;
    EXPECT_TRUE(verify_pin(pin(digits), *stored)) << digits;
    EXPECT_FALSE(verify_pin(pin("1111"), *stored)) << digits;
    EXPECT_EQ(format_pin_hash(hash_pin_with_salt(pin(digits), stored->iterations, stored->salt)),
              encoded);
  }
}

TEST(PinHash, EveryHashGetsItsOwnSalt) {
  const PinHash first = hashed("2580");
  const PinHash second = hashed("2580");
  EXPECT_NE(first.salt, second.salt);
  EXPECT_NE(first.digest, second.digest);
  EXPECT_TRUE(verify_pin(pin("2580"), first));
  EXPECT_TRUE(verify_pin(pin("2580"), second));
  EXPECT_EQ(hash_pin(pin("2580")).iterations, kDefaultPinIterations);
}

TEST(PinHash, RefusesIterationCountsOutsideTheStoredRange) {
  EXPECT_THROW(hash_pin(pin("1234"), kMinPinIterations - 1), std::runtime_error);
  EXPECT_THROW(hash_pin(pin("1234"), kMaxPinIterations + 1), std::runtime_error);
  PinHash planted = hashed("1234");
  planted.iterations = 4'000'000'000u;  // would take an hour to verify
  EXPECT_FALSE(verify_pin(pin("1234"), planted));
  EXPECT_FALSE(verify_pin(PinCode{}, hashed("1234")));
}

TEST(PinHash, VerdictForTheCardholdersStoredPin) {
  struct Case {
    std::string stored;
    std::string entered;
    V verdict;
  };
  const std::vector<Case> cases = {
      {"1234", "1234", V::match},      {"1234", "1235", V::duress},
      {"1234", "1233", V::wrong},      {"1234", "1244", V::wrong},  // only the last digit
      {"1234", "12345", V::wrong},     {"1234", "123", V::wrong},
      {"1239", "1230", V::duress},                                  // 9 wraps to 0
      {"1239", "12310", V::wrong},     {"1239", "1240", V::wrong},  // no carry
      {"1230", "1231", V::duress},     {"1230", "1239", V::wrong},  // 0 minus one is not duress
      {"9", "0", V::duress},           {"0000", "0001", V::duress},
      {"987654", "987655", V::duress}, {"987654", "987654", V::match},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(check_pin(pin(c.entered), hashed(c.stored)), c.verdict)
        << "stored " << c.stored << " entered " << c.entered;
  }
}

TEST(PinHash, ConfiguredDuressCodeIsDuressAndThePinItselfWinsOverIt) {
  const PinHash stored = hashed("4711");
  const PinHash duress_code = hashed("9110");
  EXPECT_EQ(check_pin(pin("9110"), stored, duress_code), V::duress);
  EXPECT_EQ(check_pin(pin("4712"), stored, duress_code), V::duress);  // both rules apply
  EXPECT_EQ(check_pin(pin("4711"), stored, duress_code), V::match);
  EXPECT_EQ(check_pin(pin("9111"), stored, duress_code), V::wrong);
  EXPECT_EQ(check_pin(pin("9110"), stored), V::wrong);  // without the code configured
  // A code set equal to the PIN (a config slip): typing the PIN is a match.
  EXPECT_EQ(check_pin(pin("4711"), stored, hashed("4711")), V::match);
}

TEST(PinHash, DuressPinThatIsAnotherPersonsPinIsDuressOfTheCardholder) {
  // Alice's PIN is 1234, Bob's is 1235: Alice's duress PIN. What the PIN
  // means depends only on whose card was presented.
  const PersonId alice("alice");
  const PersonId bob("bob");
  const PinHash alice_pin = hashed("1234");
  const PinHash bob_pin = hashed("1235");
  const auto typed = pin("1235");
  PinLockout lockout;
  const MonoTime t{std::chrono::hours(1)};

  const V at_alices_card = check_pin(typed, alice_pin);
  EXPECT_EQ(at_alices_card, V::duress);
  EXPECT_EQ(lockout.record(alice, at_alices_card, t), PinAttemptResult::granted_duress);

  const V at_bobs_card = check_pin(typed, bob_pin);
  EXPECT_EQ(at_bobs_card, V::match);
  EXPECT_EQ(lockout.record(bob, at_bobs_card, t), PinAttemptResult::granted);

  // Bob's own duress PIN is 1236; Alice typing Bob's duress PIN is just wrong.
  const V wrong_for_alice = check_pin(pin("1236"), alice_pin);
  EXPECT_EQ(wrong_for_alice, V::wrong);
  EXPECT_EQ(lockout.record(alice, wrong_for_alice, t), PinAttemptResult::wrong);
  EXPECT_EQ(lockout.failures(alice, t), 1);
  EXPECT_EQ(lockout.failures(bob, t), 0);
}

}  // namespace
}  // namespace vigil::core
