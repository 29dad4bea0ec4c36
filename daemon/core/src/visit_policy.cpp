// Visits and escorts in decide() (issue 8, item 6; docs/policy.md).
#include "visit_policy.hpp"

#include "vigil/core/occupancy.hpp"

namespace vigil::core {
namespace {

void refuse_visitor(Decision& d, Rule rule, DenyReason reason) {
  d.outcome = Outcome::deny;
  d.rule = rule;
  d.reason = reason;
}

bool covers(const Site& site, const Visit& visit, const ZoneId& zone) {
  for (const auto& allowed : visit.zones) {
    if (zone_within(site, zone, allowed)) return true;
  }
  return false;
}

std::string zones_text(const Visit& visit) {
  std::string out;
  for (const auto& zone : visit.zones) {
    if (!out.empty()) out += ',';
    out += zone.str();
  }
  return out;
}

}  // namespace

const Visit* visit_for(Decision& d, const Site& site, const std::vector<Visit>& visits,
                       LocalDate today) {
  const Visit* active = nullptr;
  for (const auto& visit : visits) {
    if (!visit.active_on(today)) continue;
    if (covers(site, visit, *d.zone)) {
      set_attr(d.attrs, "visit", visit.id);
      return &visit;
    }
    if (active == nullptr) active = &visit;
  }
  if (active != nullptr) {
    refuse_visitor(d, Rule::visit, DenyReason::zone_not_in_visit);
    set_attr(d.attrs, "visit", active->id);
    set_attr(d.attrs, "visit_zones", zones_text(*active));
    return nullptr;
  }
  refuse_visitor(d, Rule::visit, DenyReason::visit_not_active);
  // The latest visit on file, so the report can list the attempt with it.
  const Visit* latest = nullptr;
  for (const auto& visit : visits) {
    if (latest == nullptr || visit.first_day > latest->first_day) latest = &visit;
  }
  if (latest != nullptr) {
    set_attr(d.attrs, "visit", latest->id);
    set_attr(d.attrs, "visit_first_day", format_date(latest->first_day));
    set_attr(d.attrs, "visit_last_day", format_date(latest->last_day));
    if (latest->ended) set_attr(d.attrs, "visit_ended", true);
  }
  return nullptr;
}

void escort_step(Decision& d, const Site& site, const AccessState& state,
                 const AccessRequest& request) {
  const Duration window = site.escort_window_for(*d.zone);
  const EscortBadge* escort =
      d.door != nullptr ? state.escorts.escort(d.door->id, request.mono, window) : nullptr;
  if (escort != nullptr && escort->person != d.person->id()) {
    set_attr(d.attrs, "escort", escort->person.str());
    if (escort->authorised) {
      d.outcome = Outcome::grant;
      d.rule = Rule::escort;
      d.reason = DenyReason::none;
    } else {
      refuse_visitor(d, Rule::escort, DenyReason::escort_not_authorised);
    }
    return;
  }
  d.outcome = Outcome::wait_for_escort;
  d.rule = Rule::escort;
  d.reason = DenyReason::none;
  set_attr(
      d.attrs, "escort_window_s",
      static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(window).count()));
}

}  // namespace vigil::core
