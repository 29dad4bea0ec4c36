// Lockdown orders (issue 8): given and released by an operator, committed
// with their journal events like every roster change, so a running vigild
// picks them up within a second and a restarted one finds them in force.
#include "risk_rows.hpp"
#include "roster_plan.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::journal {
namespace roster_lockdown_impl {
void require_text(const std::string& text, const char* what) {
  if (text.find_first_not_of(" \t") == std::string::npos) refuse(std::string(what) + " is empty");
}
}  // namespace roster_lockdown_impl
namespace {

core::Event lockdown_event(core::EventKind kind, const ChangeContext& context,
                           const core::ZoneId& zone, const std::string& reason) {
  auto event = roster_event(kind, context);
  event.zone = zone;
  core::set_attr(event.attrs, "reason", reason);
  return event;
}

}  // namespace

RosterChange Roster::set_lockdown(const core::ZoneId& zone, const std::string& reason,
                                  core::TimePoint at) {
  const ChangeContext context{operator_, at};
  return commit([&](sqlite::Database& db) {
    sqlite::ReadTransaction snapshot{db};
    RosterPlan plan;
    plan.based_on_version = read_roster_version(db);
    roster_lockdown_impl::require_text(zone.str(), "the zone");
    roster_lockdown_impl::require_text(reason, "the reason");
    auto event = lockdown_event(core::EventKind::lockdown_set, context, zone, reason);
    const core::Lockdowns before = read_lockdowns(db);
    for (const auto& order : before.orders()) {
      if (order.zone == zone) core::set_attr(event.attrs, "replaces_reason", order.reason);
    }
    plan.events.push_back(std::move(event));
    core::LockdownOrder order{zone, operator_, at, reason};
    plan.writes.push_back([order](sqlite::Database& tx) { write_lockdown(tx, order); });
    return plan;
  });
}

RosterChange Roster::release_lockdown(const core::ZoneId& zone, const std::string& reason,
                                      core::TimePoint at) {
  const ChangeContext context{operator_, at};
  return commit([&](sqlite::Database& db) {
    sqlite::ReadTransaction snapshot{db};
    RosterPlan plan;
    plan.based_on_version = read_roster_version(db);
    roster_lockdown_impl::require_text(reason, "the reason");
    const core::Lockdowns before = read_lockdowns(db);
    const core::LockdownOrder* order = nullptr;
    for (const auto& o : before.orders()) {
      if (o.zone == zone) order = &o;
    }
    if (order == nullptr) return plan;
    auto event = lockdown_event(core::EventKind::lockdown_released, context, zone, reason);
    core::set_attr(event.attrs, "ordered_by", order->ordered_by);
    core::set_attr(event.attrs, "since", core::to_unix_micros(order->since));
    plan.events.push_back(std::move(event));
    plan.writes.push_back([zone](sqlite::Database& tx) { delete_lockdown(tx, zone); });
    return plan;
  });
}

}  // namespace vigil::journal
