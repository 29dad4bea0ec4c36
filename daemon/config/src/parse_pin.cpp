// Parse: the `pin` section, the site's rules for card + PIN doors (issue 8).
//   pin: { min_length: 4, max_length: 8, key_timeout: 5s, entry_time: 20s,
//          max_failures: 5, lockout: 15min }
#include "draft.hpp"

namespace vigil::config {

void parse_pin(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader m(node, "pin",
              {"min_length", "max_length", "key_timeout", "entry_time", "max_failures", "lockout"},
              diag);
  if (!m.ok()) return;
  core::PinPolicy& pin = draft.pin;
  const auto max_digits = static_cast<std::int64_t>(core::kMaxPinLength);
  if (auto v = m.integer("min_length", Need::optional, 1, max_digits)) {
    pin.entry.min_length = static_cast<std::size_t>(v->value);
  }
  if (auto v = m.integer("max_length", Need::optional, 1, max_digits)) {
    pin.entry.max_length = static_cast<std::size_t>(v->value);
  }
  if (pin.entry.max_length < pin.entry.min_length) {
    diag.error(m.pos(), "'pin': max_length (" + std::to_string(pin.entry.max_length) +
                            ") must be at least min_length (" +
                            std::to_string(pin.entry.min_length) + ")");
    pin.entry.max_length = pin.entry.min_length;
  }
  // Zero would end every entry at once (and PinEntry refuses it).
  auto positive = [&](const char* key) -> std::optional<core::Duration> {
    auto v = m.duration(key, Need::optional);
    if (!v) return std::nullopt;
    if (v->value.count() <= 0) {
      diag.error(v->pos, std::string("'") + key + "': must be longer than 0s");
      return std::nullopt;
    }
    return v->value;
  };
  if (auto v = positive("key_timeout")) pin.entry.inter_key_timeout = *v;
  if (auto v = positive("entry_time")) pin.entry_time = *v;
  if (auto v = m.integer("max_failures", Need::optional, 1, 100)) {
    pin.lockout.max_failures = static_cast<int>(v->value);
  }
  if (auto v = positive("lockout")) pin.lockout.lock_for = *v;
}

}  // namespace vigil::config
