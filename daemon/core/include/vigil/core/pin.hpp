// PINs in the core, pure parts: the PinCode type that never prints its
// digits, the assembler that turns key presses into an entry, the stored hash
// string, the duress rule and the lockout tracker. Hashing itself (OpenSSL
// PBKDF2, 10-20 ms a try) lives in vigil/core/pin_hash.hpp, in its own library,
// because the core links nothing but the standard library and must never
// wait on it: the shell verifies on a worker thread and hands the core a
// PinVerdict (see docs/design.md, "Keypad and PIN").
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "vigil/core/ids.hpp"
#include "vigil/core/keypad.hpp"
#include "vigil/core/time.hpp"

namespace vigil::core {

inline constexpr std::size_t kMaxPinLength = 12;

// Digits a person typed or a roster change carries. Printing one (operator<<,
// to_string) gives "***" whatever it holds, so a PIN never reaches a log by
// accident; digits() is for the hasher only. The digits live inline and are
// wiped when the value dies.
class PinCode {
 public:
  PinCode() = default;
  PinCode(const PinCode& other) = default;
  PinCode& operator=(const PinCode& other) = default;
  ~PinCode();

  // nullopt unless `digits` is 1..kMaxPinLength characters '0'-'9'.
  static std::optional<PinCode> from_digits(std::string_view digits);

  std::string_view digits() const { return {digits_.data(), size_}; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  friend class PinEntry;
  void push_back(char digit) { digits_[size_++] = digit; }

  std::array<char, kMaxPinLength> digits_{};
  std::size_t size_ = 0;
};

std::ostream& operator<<(std::ostream& os, const PinCode& pin);  // "***"
std::string to_string(const PinCode& pin);                       // "***"

// --- entry: key presses to a PIN ---------------------------------------------

struct PinEntryRules {
  std::size_t min_length = 4;
  std::size_t max_length = 8;  // at most kMaxPinLength
  Duration inter_key_timeout = std::chrono::seconds(5);
};

enum class PinEntryStatus {
  collecting,  // a digit was added
  submitted,   // `#` after min_length..max_length digits: PinEntryStep::pin holds them
  too_short,   // `#` after fewer than min_length digits; entry discarded
  too_long,    // a digit past max_length; keys are swallowed until `#`, `*` or the timeout
  cleared,     // `*` discarded the digits typed so far
  timed_out,   // (poll) no key for inter_key_timeout; entry discarded
  ignored,     // a key that changes nothing: `#`/`*` with nothing typed, keys after too_long
};

std::string_view to_string(PinEntryStatus status);

struct PinEntryStep {
  PinEntryStatus status = PinEntryStatus::ignored;
  std::optional<PinCode> pin;  // with `submitted` only
  // The entry before this key had already timed out (nobody polled at its
  // deadline); it was discarded before this key was applied.
  bool earlier_entry_timed_out = false;
};

// One reader's keypad. Times are the monotonic times of the key events; the
// owner calls poll() once deadline() has passed, as with WiegandDecoder.
class PinEntry {
 public:
  // Throws std::invalid_argument unless 1 <= min_length <= max_length <=
  // kMaxPinLength and the timeout is positive (a config error).
  explicit PinEntry(PinEntryRules rules = {});

  PinEntryStep on_key(KeypadKey key, MonoTime at);
  // The last key plus inter_key_timeout while an entry is open, else nullopt.
  std::optional<MonoTime> deadline() const;
  // `timed_out` once `now` reaches deadline(); nullopt otherwise.
  std::optional<PinEntryStatus> poll(MonoTime now);
  // Digits typed so far, for a reader LED or display; never the digits.
  std::size_t typed() const { return typed_.size(); }

 private:
  void reset();

  PinEntryRules rules_;
  PinCode typed_;
  bool open_ = false;        // a key has started an entry
  bool swallowing_ = false;  // after too_long
  MonoTime last_key_{};
};

// --- stored hash -------------------------------------------------------------

inline constexpr std::size_t kPinSaltBytes = 16;
inline constexpr std::size_t kPinDigestBytes = 32;
// A hash string with fewer iterations is refused as too weak to store; one
// with more is refused so that a planted row cannot make a verify take minutes.
inline constexpr std::uint32_t kMinPinIterations = 1'000;
inline constexpr std::uint32_t kMaxPinIterations = 10'000'000;

// A PIN stored as PBKDF2-HMAC-SHA256(pin, salt, iterations): 52 bytes a person
// in memory, `pbkdf2-sha256$<iterations>$<salt base64>$<digest base64>` in
// files, the database and CSV imports.
struct PinHash {
  std::uint32_t iterations = 0;
  std::array<std::uint8_t, kPinSaltBytes> salt{};
  std::array<std::uint8_t, kPinDigestBytes> digest{};
  bool operator==(const PinHash&) const = default;
};

// Strict: the scheme name, a decimal count in [kMinPinIterations,
// kMaxPinIterations] without leading zeros, padded standard base64 of exactly
// kPinSaltBytes and kPinDigestBytes with zero unused bits. Anything else is
// nullopt, so format_pin_hash(*parse_pin_hash(s)) == s.
std::optional<PinHash> parse_pin_hash(std::string_view encoded);
std::string format_pin_hash(const PinHash& hash);

// --- duress ------------------------------------------------------------------

// The duress form of a PIN: its last digit plus one, 9 wrapping to 0.
PinCode duress_form(const PinCode& pin);
// The PIN whose duress form `entered` is (last digit minus one, 0 wrapping to
// 9): what the verifier hashes to test `entered` for duress against the
// stored hash, which cannot be turned into the duress form itself.
PinCode duress_source(const PinCode& entered);

// What a PIN typed after presenting a card turned out to be, always against
// the hash of the person whose card was presented, never searched among
// everyone: a duress PIN that is another person's PIN is still duress.
enum class PinVerdict { match, duress, wrong };
std::string_view to_string(PinVerdict verdict);

// --- lockout -----------------------------------------------------------------

struct LockoutRules {
  int max_failures = 5;  // wrong PINs in a row that lock the credential
  Duration lock_for = std::chrono::minutes(15);
};

enum class PinAttemptResult {
  granted,           // match: the count starts again
  granted_duress,    // duress: grants as usual (the caller raises the silent alarm)
  wrong,             // counted; fewer than max_failures in a row so far
  wrong_now_locked,  // this wrong PIN was the max_failures-th: locked from now
  refused_locked,    // the credential is locked; the verdict is not counted
};
std::string_view to_string(PinAttemptResult result);

// Wrong PINs in a row per person, on monotonic times. Only people with a
// wrong PIN since their last match take memory; a match or an expired lock
// frees the entry.
class PinLockout {
 public:
  // Throws std::invalid_argument unless max_failures >= 1 and lock_for > 0.
  explicit PinLockout(LockoutRules rules = {});

  // Ask before hashing: a locked credential is refused without spending a
  // verify on it (which also bounds the CPU a guessing attacker can burn).
  bool is_locked(const PersonId& person, MonoTime now) const;
  // When the lock ends (the first instant it no longer holds), if locked.
  std::optional<MonoTime> locked_until(const PersonId& person, MonoTime now) const;
  // Wrong PINs in a row now (0 once a lock has expired).
  int failures(const PersonId& person, MonoTime now) const;

  PinAttemptResult record(const PersonId& person, PinVerdict verdict, MonoTime at);
  // Drops entries whose lock has expired; call now and then (e.g. hourly).
  void forget_expired(MonoTime now);
  std::size_t tracked() const { return entries_.size(); }

 private:
  struct Entry {
    int failures = 0;
    std::optional<MonoTime> locked_until;
  };
  const Entry* live(const PersonId& person, MonoTime now) const;

  LockoutRules rules_;
  std::unordered_map<PersonId, Entry> entries_;
};

}  // namespace vigil::core
