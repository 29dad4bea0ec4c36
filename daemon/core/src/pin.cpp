#include "vigil/core/pin.hpp"

#include <algorithm>
#include <ostream>
#include <stdexcept>

namespace vigil::core {

// --- PinCode -------------------------------------------------------------------

PinCode::~PinCode() {
  // Through a volatile pointer, so the compiler cannot drop the stores as
  // dead: a PIN should not outlive its value in a core dump.
  volatile char* p = digits_.data();
  for (std::size_t i = 0; i < digits_.size(); ++i) p[i] = 0;
}

std::optional<PinCode> PinCode::from_digits(std::string_view digits) {
  if (digits.empty() || digits.size() > kMaxPinLength) return std::nullopt;
  PinCode pin;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    pin.push_back(c);
  }
  return pin;
}

std::ostream& operator<<(std::ostream& os, const PinCode&) {
  return os << "***";
}

std::string to_string(const PinCode&) {
  return "***";
}

// --- PinEntry ------------------------------------------------------------------

std::string_view to_string(PinEntryStatus status) {
  switch (status) {
    case PinEntryStatus::collecting:
      return "collecting";
    case PinEntryStatus::submitted:
      return "submitted";
    case PinEntryStatus::too_short:
      return "too_short";
    case PinEntryStatus::too_long:
      return "too_long";
    case PinEntryStatus::cleared:
      return "cleared";
    case PinEntryStatus::timed_out:
      return "timed_out";
    case PinEntryStatus::ignored:
      return "ignored";
  }
  return "unknown";
}

PinEntry::PinEntry(PinEntryRules rules) : rules_(rules) {
  if (rules_.min_length < 1 || rules_.min_length > rules_.max_length ||
      rules_.max_length > kMaxPinLength) {
    throw std::invalid_argument("PIN length must satisfy 1 <= min <= max <= " +
                                std::to_string(kMaxPinLength));
  }
  if (rules_.inter_key_timeout <= Duration::zero()) {
    throw std::invalid_argument("PIN inter-key timeout must be positive");
  }
}

void PinEntry::reset() {
  typed_ = PinCode{};
  open_ = false;
  swallowing_ = false;
}

std::optional<MonoTime> PinEntry::deadline() const {
  if (!open_) return std::nullopt;
  return last_key_ + rules_.inter_key_timeout;
}

std::optional<PinEntryStatus> PinEntry::poll(MonoTime now) {
  const auto due = deadline();
  if (!due || now < *due) return std::nullopt;
  reset();
  return PinEntryStatus::timed_out;
}

PinEntryStep PinEntry::on_key(KeypadKey key, MonoTime at) {
  PinEntryStep step;
  // A key at or after the deadline starts afresh: digits typed before a long
  // pause are not joined to the next person's (or the same person's retry).
  if (poll(at)) step.earlier_entry_timed_out = true;
  const bool had_entry = open_;
  open_ = true;
  last_key_ = at;

  if (key == KeypadKey::star) {
    step.status = had_entry ? PinEntryStatus::cleared : PinEntryStatus::ignored;
    reset();
    return step;
  }
  if (key == KeypadKey::hash) {
    if (swallowing_ || typed_.empty()) {
      step.status = PinEntryStatus::ignored;
    } else if (typed_.size() < rules_.min_length) {
      step.status = PinEntryStatus::too_short;
    } else {
      step.status = PinEntryStatus::submitted;
      step.pin = typed_;
    }
    reset();
    return step;
  }
  if (swallowing_) {
    step.status = PinEntryStatus::ignored;
    return step;
  }
  if (typed_.size() == rules_.max_length) {
    // Not truncated to a prefix, which could match a shorter PIN by chance,
    // and not restarted with this digit, which would submit the tail.
    typed_ = PinCode{};
    swallowing_ = true;
    step.status = PinEntryStatus::too_long;
    return step;
  }
  typed_.push_back(keypad_key_char(key));
  step.status = PinEntryStatus::collecting;
  return step;
}

// --- stored hash ---------------------------------------------------------------

namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

template <std::size_t N>
std::string base64(const std::array<std::uint8_t, N>& bytes) {
  std::string text;
  text.reserve((N + 2) / 3 * 4);
  for (std::size_t i = 0; i < N; i += 3) {
    const std::size_t left = N - i;
    std::uint32_t group = std::uint32_t{bytes[i]} << 16;
    if (left > 1) group |= std::uint32_t{bytes[i + 1]} << 8;
    if (left > 2) group |= bytes[i + 2];
    text.push_back(kAlphabet[(group >> 18) & 63]);
    text.push_back(kAlphabet[(group >> 12) & 63]);
    text.push_back(left > 1 ? kAlphabet[(group >> 6) & 63] : '=');
    text.push_back(left > 2 ? kAlphabet[group & 63] : '=');
  }
  return text;
}

// Each character's 6-bit value, or -1: a table instead of a search of the
// alphabet per character (a memchr call each, 68 a hash: ~0.3 us, 0.6 s of
// CPU when vigild loads 2,000,000 PIN hashes; s22-start).
constexpr std::array<std::int8_t, 256> kBase64Values = [] {
  std::array<std::int8_t, 256> values{};
  values.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    values[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return values;
}();

// Exactly N bytes of canonical padded base64, or nullopt. Canonical (the
// bits a short last group leaves unused are zero) so that every stored
// string has one spelling and parse/format round-trips.
template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> unbase64(std::string_view text) {
  if (text.size() != (N + 2) / 3 * 4) return std::nullopt;
  std::array<std::uint8_t, N> bytes{};
  std::size_t out = 0;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const std::size_t want = std::min<std::size_t>(3, N - out);  // bytes in this group
    std::uint32_t group = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      const bool padding = j > want;  // 1 byte needs 2 chars, 2 bytes 3 chars
      if (padding) {
        if (c != '=') return std::nullopt;
        group <<= 6;
        continue;
      }
      const std::int8_t at = kBase64Values[static_cast<unsigned char>(c)];
      if (at < 0) return std::nullopt;
      group = (group << 6) | static_cast<std::uint32_t>(at);
    }
    const std::uint32_t unused_mask = want == 1 ? 0xFFFFu : want == 2 ? 0xFFu : 0u;
    if ((group & unused_mask) != 0) return std::nullopt;
    for (std::size_t k = 0; k < want; ++k) {
      bytes[out++] = static_cast<std::uint8_t>((group >> (16 - 8 * k)) & 0xFFu);
    }
  }
  return bytes;
}

std::optional<std::uint32_t> parse_iterations(std::string_view text) {
  if (text.empty() || text.size() > 8 || text.front() == '0') return std::nullopt;
  std::uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (value < kMinPinIterations || value > kMaxPinIterations) return std::nullopt;
  return value;
}

}  // namespace

std::optional<PinHash> parse_pin_hash(std::string_view encoded) {
  std::array<std::string_view, 4> parts;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto dollar = encoded.find('$');
    const bool last = i + 1 == parts.size();
    if (last != (dollar == std::string_view::npos)) return std::nullopt;
    parts[i] = encoded.substr(0, dollar);
    encoded = last ? std::string_view{} : encoded.substr(dollar + 1);
  }
  if (parts[0] != kScheme) return std::nullopt;
  const auto iterations = parse_iterations(parts[1]);
  const auto salt = unbase64<kPinSaltBytes>(parts[2]);
  const auto digest = unbase64<kPinDigestBytes>(parts[3]);
  if (!iterations || !salt || !digest) return std::nullopt;
  return PinHash{*iterations, *salt, *digest};
}

std::string format_pin_hash(const PinHash& hash) {
  return std::string(kScheme) + "$" + std::to_string(hash.iterations) + "$" + base64(hash.salt) +
         "$" + base64(hash.digest);
}

// --- duress --------------------------------------------------------------------

namespace {

PinCode with_last_digit_shifted(const PinCode& pin, int by) {
  std::string digits(pin.digits());
  if (!digits.empty()) {
    const int last = digits.back() - '0';
    digits.back() = static_cast<char>('0' + (last + by + 10) % 10);
  }
  auto shifted = PinCode::from_digits(digits);
  std::fill(digits.begin(), digits.end(), '\0');
  return shifted.value_or(PinCode{});
}

}  // namespace

PinCode duress_form(const PinCode& pin) {
  return with_last_digit_shifted(pin, +1);
}

PinCode duress_source(const PinCode& entered) {
  return with_last_digit_shifted(entered, -1);
}

std::string_view to_string(PinVerdict verdict) {
  switch (verdict) {
    case PinVerdict::match:
      return "match";
    case PinVerdict::duress:
      return "duress";
    case PinVerdict::wrong:
      return "wrong";
  }
  return "unknown";
}

// --- lockout -------------------------------------------------------------------

std::string_view to_string(PinAttemptResult result) {
  switch (result) {
    case PinAttemptResult::granted:
      return "granted";
    case PinAttemptResult::granted_duress:
      return "granted_duress";
    case PinAttemptResult::wrong:
      return "wrong";
    case PinAttemptResult::wrong_now_locked:
      return "wrong_now_locked";
    case PinAttemptResult::refused_locked:
      return "refused_locked";
  }
  return "unknown";
}

PinLockout::PinLockout(LockoutRules rules) : rules_(rules) {
  if (rules_.max_failures < 1) throw std::invalid_argument("PIN lockout needs max_failures >= 1");
  if (rules_.lock_for <= Duration::zero()) {
    throw std::invalid_argument("PIN lockout time must be positive");
  }
}

const PinLockout::Entry* PinLockout::live(const PersonId& person, MonoTime now) const {
  const auto it = entries_.find(person);
  if (it == entries_.end()) return nullptr;
  // An expired lock counts as no entry: the person starts with a clean slate.
  if (it->second.locked_until && now >= *it->second.locked_until) return nullptr;
  return &it->second;
}

bool PinLockout::is_locked(const PersonId& person, MonoTime now) const {
  return locked_until(person, now).has_value();
}

std::optional<MonoTime> PinLockout::locked_until(const PersonId& person, MonoTime now) const {
  const Entry* entry = live(person, now);
  return entry ? entry->locked_until : std::nullopt;
}

int PinLockout::failures(const PersonId& person, MonoTime now) const {
  const Entry* entry = live(person, now);
  return entry ? entry->failures : 0;
}

PinAttemptResult PinLockout::record(const PersonId& person, PinVerdict verdict, MonoTime at) {
  // A verdict computed while another attempt locked the credential (they run
  // off the event loop) is not counted and grants nothing.
  if (is_locked(person, at)) return PinAttemptResult::refused_locked;
  if (verdict != PinVerdict::wrong) {
    entries_.erase(person);
    return verdict == PinVerdict::match ? PinAttemptResult::granted
                                        : PinAttemptResult::granted_duress;
  }
  if (!live(person, at)) entries_.erase(person);  // an expired lock: start again
  Entry& entry = entries_[person];
  if (++entry.failures < rules_.max_failures) return PinAttemptResult::wrong;
  entry.locked_until = at + rules_.lock_for;
  return PinAttemptResult::wrong_now_locked;
}

void PinLockout::forget_expired(MonoTime now) {
  std::erase_if(entries_, [now](const auto& item) {
    return item.second.locked_until && now >= *item.second.locked_until;
  });
}

}  // namespace vigil::core
