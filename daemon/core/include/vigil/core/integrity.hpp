// Integrity-risk flags and trips abroad (issue 8, rules 7 and 8): what the
// ethics unit records about a person that changes how their badge is
// answered. Dates are local days in the site's time zone, inclusive.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/time.hpp"

namespace vigil::core {

// watch: entries are granted as usual and each raises an incident ("marked
// for control"); suspend: every attempt is refused and raises an incident.
enum class FlagKind : std::uint8_t { watch, suspend };
const char* to_string(FlagKind kind);
std::optional<FlagKind> flag_kind_from_string(std::string_view s);

struct IntegrityFlag {
  FlagKind kind = FlagKind::watch;
  std::string set_by;              // the operator who set it
  TimePoint set_at{};              // when
  std::string reason;              // why, as the operator wrote it
  std::optional<LocalDate> until;  // last local day it applies; nullopt = until cleared
  bool applies_on(LocalDate today) const { return !until || today <= *until; }
};

struct Trip {
  std::int64_t id = 0;
  LocalDate first_day{};  // away from this local day ...
  LocalDate last_day{};   // ... through this one, inclusive
  std::string destination;
  std::string approval_ref;
  bool returned = false;  // the return report is recorded
  // Abroad today: within the dates and not yet reported back.
  bool abroad_on(LocalDate today) const {
    return !returned && first_day <= today && today <= last_day;
  }
};

// What the ethics unit recorded about one person; most people have none.
struct PersonRisk {
  std::optional<IntegrityFlag> flag;
  std::vector<Trip> trips;
};

}  // namespace vigil::core
