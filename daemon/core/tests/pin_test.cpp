// The pure PIN parts: a PIN never prints, key presses assemble into an
// entry, the stored hash string is strict, the duress rule's last digit, and
// five wrong PINs in a row lock a credential until the lock expires.
#include "vigil/core/pin.hpp"

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace vigil::core {
namespace pin_test {

using namespace std::chrono_literals;
using S = PinEntryStatus;

constexpr MonoTime kT0{std::chrono::hours(100)};

PinCode pin(std::string_view digits) {
  auto code = PinCode::from_digits(digits);
  EXPECT_TRUE(code.has_value()) << digits;
  return code.value_or(PinCode{});
}

TEST(PinCode, NeverPrintsItsDigits) {
  const PinCode code = pin("4711");
  std::ostringstream out;
  out << code;
  EXPECT_EQ(out.str(), "***");
  EXPECT_EQ(to_string(code), "***");
  EXPECT_EQ(testing::PrintToString(code), "***");  // gtest failure messages too
  EXPECT_EQ(code.digits(), "4711");
}

TEST(PinCode, AcceptsOnlyOneToTwelveDigits) {
  for (std::string_view bad : {"", "12a4", " 1234", "1234 ", "-123", "1234567890123", "12*4"}) {
    EXPECT_FALSE(PinCode::from_digits(bad).has_value()) << '"' << bad << '"';
  }
  for (std::string_view good : {"0", "0000", "123456789012"}) {
    EXPECT_TRUE(PinCode::from_digits(good).has_value()) << good;
  }
}

// --- entry -------------------------------------------------------------------

KeypadKey key(char c) {
  if (c == '*') return KeypadKey::star;
  if (c == '#') return KeypadKey::hash;
  return *keypad_key_from_code(static_cast<unsigned>(c - '0'));
}

// What each key did, one letter per key so the table lines up with the keys:
// c collecting, s submitted, S too_short, L too_long, x cleared, . ignored.
char letter(PinEntryStatus status) {
  switch (status) {
    case S::collecting:
      return 'c';
    case S::submitted:
      return 's';
    case S::too_short:
      return 'S';
    case S::too_long:
      return 'L';
    case S::cleared:
      return 'x';
    case S::ignored:
      return '.';
    case S::timed_out:
      return 't';
  }
  return '?';
}

struct EntryCase {
  std::string name;
  std::string keys;
  std::string did;                     // letter() per key
  std::vector<Duration> gaps;          // before each key after the first; 1 s when missing
  std::vector<std::string> submitted;  // every PIN submitted, in order
  int earlier_timeouts = 0;
};

TEST(PinEntry, AssemblesKeyPressesIntoEntries) {
  // Rules: 4 to 8 digits, 5 s between keys.
  // clang-format off
  const std::vector<EntryCase> cases = {
      {"digits then hash submit",        "1234#",
                                         "ccccs", {}, {"1234"}},
      {"star clears what was typed",     "12*3456#",
                                         "ccxccccs", {}, {"3456"}},
      {"fewer than four digits",         "123#",
                                         "cccS", {}, {}},
      {"eight digits is the most",       "12345678#",
                                         "ccccccccs", {}, {"12345678"}},
      {"a ninth digit rejects the entry, not truncates it",
                                         "123456789#1234#",
                                         "ccccccccL.ccccs", {}, {"1234"}},
      {"keys after too long are swallowed until star",
                                         "1234567890*5678#",
                                         "ccccccccL.xccccs", {}, {"5678"}},
      {"hash or star with nothing typed change nothing",
                                         "#*1111#",
                                         "..ccccs", {}, {"1111"}},
      {"a pause of the timeout drops the digits before it",
                                         "125678#",
                                         "ccccccs", {1s, 5s}, {"5678"}, 1},
      {"a pause just under the timeout joins the digits",
                                         "1234#",
                                         "ccccs", {1s, 5s - 1us, 1s}, {"1234"}},
      {"hash after the timeout submits nothing",
                                         "1234#",
                                         "cccc.", {1s, 1s, 1s, 5s}, {}, 1},
      {"the timeout also ends swallowing after too long",
                                         "1234567891234#",
                                         "ccccccccLccccs", {1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 6s},
                                         {"1234"}, 1},
  };
  // clang-format on
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    PinEntry entry;
    MonoTime t = kT0;
    std::string did;
    std::vector<std::string> submitted;
    int timeouts = 0;
    for (std::size_t i = 0; i < c.keys.size(); ++i) {
      if (i > 0) t += i - 1 < c.gaps.size() ? c.gaps[i - 1] : Duration{1s};
      const auto step = entry.on_key(key(c.keys[i]), t);
      did.push_back(letter(step.status));
      if (step.earlier_entry_timed_out) ++timeouts;
      EXPECT_EQ(step.pin.has_value(), step.status == S::submitted);
      if (step.pin) submitted.emplace_back(step.pin->digits());
    }
    EXPECT_EQ(did, c.did);
    EXPECT_EQ(submitted, c.submitted);
    EXPECT_EQ(timeouts, c.earlier_timeouts);
  }
}

TEST(PinEntry, PollReportsTheTimeoutAtTheDeadlineAndNotBefore) {
  PinEntry entry(PinEntryRules{.inter_key_timeout = 3s});
  EXPECT_FALSE(entry.deadline().has_value());
  entry.on_key(KeypadKey::k1, kT0);
  entry.on_key(KeypadKey::k2, kT0 + 1s);
  ASSERT_EQ(entry.deadline(), kT0 + 4s);
  EXPECT_EQ(entry.typed(), 2u);
  EXPECT_FALSE(entry.poll(kT0 + 4s - 1us).has_value());
  EXPECT_EQ(entry.poll(kT0 + 4s), S::timed_out);
  EXPECT_EQ(entry.typed(), 0u);
  EXPECT_FALSE(entry.deadline().has_value());
  EXPECT_FALSE(entry.poll(kT0 + 10s).has_value());  // reported once
}

TEST(PinEntry, SubmittingClosesTheEntrySoNothingTimesOutAfterwards) {
  PinEntry entry;
  for (char c : std::string("2468#")) entry.on_key(key(c), kT0);
  EXPECT_FALSE(entry.deadline().has_value());
  EXPECT_FALSE(entry.poll(kT0 + 1h).has_value());
}

TEST(PinEntry, RefusesRulesThatCannotWork) {
  EXPECT_THROW(PinEntry(PinEntryRules{.min_length = 0}), std::invalid_argument);
  EXPECT_THROW(PinEntry(PinEntryRules{.min_length = 6, .max_length = 5}), std::invalid_argument);
  EXPECT_THROW(PinEntry(PinEntryRules{.max_length = kMaxPinLength + 1}), std::invalid_argument);
  EXPECT_THROW(PinEntry(PinEntryRules{.inter_key_timeout = 0s}), std::invalid_argument);
}

// --- stored hash string ---------------------------------------------------------

// Written by Python's hashlib (see pin_peer_check.py for the live check):
// PIN 1234, salt bytes 0..15, 1000 iterations.
constexpr std::string_view kHashlib1234 =
    "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw==$IkDqKiJ1SjxGEDVu+OTXrPJa8qw9LRGGbel6i3gSxSw=";

TEST(PinHashString, ParsesAndWritesBackTheSameString) {
  const auto parsed = parse_pin_hash(kHashlib1234);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->iterations, 1000u);
  for (std::size_t i = 0; i < kPinSaltBytes; ++i) EXPECT_EQ(parsed->salt[i], i);
  EXPECT_EQ(parsed->digest[0], 0x22);   // "IkDq" = 22 40 ea
  EXPECT_EQ(parsed->digest[31], 0x2c);  // "xSw=" = c5 2c
  EXPECT_EQ(format_pin_hash(*parsed), kHashlib1234);
}

TEST(PinHashString, RefusesAnythingButTheCanonicalForm) {
  const std::string good(kHashlib1234);
  const std::string salt = "AAECAwQFBgcICQoLDA0ODw==";
  const std::string digest = "IkDqKiJ1SjxGEDVu+OTXrPJa8qw9LRGGbel6i3gSxSw=";
  const auto with = [&](std::string scheme, std::string iterations, std::string s, std::string d) {
    return scheme + "$" + iterations + "$" + s + "$" + d;
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty", ""},
      {"other scheme", with("pbkdf2-sha1", "1000", salt, digest)},
      {"upper-case scheme", with("PBKDF2-SHA256", "1000", salt, digest)},
      {"too few iterations", with("pbkdf2-sha256", "999", salt, digest)},
      {"too many iterations", with("pbkdf2-sha256", "10000001", salt, digest)},
      {"huge iterations", with("pbkdf2-sha256", "99999999999999999999", salt, digest)},
      {"leading zero", with("pbkdf2-sha256", "01000", salt, digest)},
      {"plus sign", with("pbkdf2-sha256", "+1000", salt, digest)},
      {"no iterations", with("pbkdf2-sha256", "", salt, digest)},
      {"missing field", "pbkdf2-sha256$1000$" + salt},
      {"extra field", good + "$x"},
      {"trailing newline", good + "\n"},
      {"salt without padding", with("pbkdf2-sha256", "1000", "AAECAwQFBgcICQoLDA0ODw", digest)},
      {"short salt", with("pbkdf2-sha256", "1000", "AAECAwQFBgcICQoL", digest)},
      {"unused salt bits set", with("pbkdf2-sha256", "1000", "AAECAwQFBgcICQoLDA0ODx==", digest)},
      {"url-safe alphabet",
       with("pbkdf2-sha256", "1000", salt, "IkDqKiJ1SjxGEDVu-OTXrPJa8qw9LRGGbel6i3gSxSw=")},
      {"unused digest bits set",
       with("pbkdf2-sha256", "1000", salt, "IkDqKiJ1SjxGEDVu+OTXrPJa8qw9LRGGbel6i3gSxSx=")},
      {"digest one byte short",
       with("pbkdf2-sha256", "1000", salt, "IkDqKiJ1SjxGEDVu+OTXrPJa8qw9LRGGbel6i3gSxQ==")},
      {"padding inside", with("pbkdf2-sha256", "1000", "AAEC=wQFBgcICQoLDA0ODw==", digest)},
  };
  ASSERT_TRUE(parse_pin_hash(good).has_value());
  for (const auto& [what, text] : cases) {
    EXPECT_FALSE(parse_pin_hash(text).has_value()) << what;
  }
}

// --- duress ------------------------------------------------------------------

TEST(PinDuress, LastDigitPlusOneWrapsNineToZero) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"1234", "1235"}, {"1238", "1239"}, {"1239", "1230"}, {"0000", "0001"},
      {"9999", "9990"}, {"7", "8"},       {"9", "0"},       {"123456789012", "123456789013"},
  };
  for (const auto& [stored, duress] : cases) {
    EXPECT_EQ(duress_form(pin(stored)).digits(), duress) << stored;
    EXPECT_EQ(duress_source(pin(duress)).digits(), stored) << duress;
  }
}

}  // namespace pin_test
}  // namespace vigil::core
