// Security levels of zones and clearance levels of people. A zone may
// require a clearance level; a person holds one with an expiry date, read in
// the site's time zone (a clearance valid through 2026-12-31 expires at the
// local midnight that ends that day).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "vigil/core/time.hpp"

namespace vigil::core {

// How sensitive a zone is, lowest first (DOMAIN.md: controlled and protected
// restricted zones). `public` and `protected` are C++ keywords, hence the
// trailing underscore; the names print without it.
enum class SecurityLevel : std::uint8_t { public_, controlled, restricted, protected_ };

// Clearance levels, lowest first. `none`: holds no clearance.
enum class ClearanceLevel : std::uint8_t { none, confidential, secret, top_secret };

const char* to_string(SecurityLevel level);
const char* to_string(ClearanceLevel level);
std::optional<SecurityLevel> security_level_from_string(std::string_view s);
std::optional<ClearanceLevel> clearance_level_from_string(std::string_view s);

struct Clearance {
  ClearanceLevel level = ClearanceLevel::none;
  std::optional<LocalDate> expires;  // last valid local day; nullopt = does not expire
  bool operator==(const Clearance&) const = default;
  // Valid on `today` (the site's local date): held and not past its last day.
  bool valid_on(LocalDate today) const { return !expires || today <= *expires; }
};

}  // namespace vigil::core
