#include "vigil/mqtt/digest.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "vigil/mqtt/payload.hpp"

namespace vigil::mqtt {
namespace {

std::string zone_name(const journal::IncidentRecord& r) {
  return r.incident.event.zone ? r.incident.event.zone->str() : std::string{"_site"};
}

std::int64_t seconds_between(core::TimePoint from, core::TimePoint to) {
  return std::chrono::duration_cast<std::chrono::seconds>(to - from).count();
}

// Deficiencies open when the digest was cut (oldest first, as found) and
// those closed since the previous digest: what the meeting follows up.
nlohmann::ordered_json deficiency_section(const std::vector<core::Deficiency>& deficiencies,
                                          const DigestWindow& window, const core::TimeZone& zone) {
  nlohmann::ordered_json open = nlohmann::ordered_json::array();
  nlohmann::ordered_json closed = nlohmann::ordered_json::array();
  for (const auto& d : deficiencies) {
    if (d.started >= window.now) continue;  // found after the cut
    nlohmann::ordered_json j;
    j["id"] = d.id;
    j["kind"] = core::to_string(d.kind);
    j["item"] = d.item;
    j["zone"] = d.zone ? d.zone->str() : std::string{"_site"};
    j["started"] = core::format_utc(d.started);
    const auto closed_at = d.closed_at();
    if (closed_at && *closed_at < window.now) {
      if (*closed_at < window.since) continue;
      j["closed_at"] = core::format_utc(*closed_at);
      j["how"] = d.fixed ? "fixed" : "cleared";
      j["by"] = d.fixed_by;
      j["note"] = d.fixed ? d.fix_note : std::string{};
      closed.push_back(std::move(j));
      continue;
    }
    j["age_s"] = seconds_between(d.started, window.now);
    j["due"] = d.due ? nlohmann::ordered_json(core::format_date(*d.due)) : nullptr;
    // Overdue once the due day has ended on the site's clock.
    j["overdue"] = d.due && zone.start_of(*d.due + 1) <= window.now;
    j["unit"] = d.unit;
    j["note"] = d.note;
    open.push_back(std::move(j));
  }
  return {{"open", std::move(open)}, {"closed", std::move(closed)}};
}

}  // namespace

core::TimePoint next_digest_time(const DigestSchedule& schedule, core::TimePoint after) {
  const core::LocalDate today = schedule.zone.local(after).date;
  // The slot is a wall-clock time: on a day whose clocks change between
  // midnight and the slot, midnight + `at` is off by the change, so correct
  // by the offset at the slot (twice: the slot may lie on either side of the
  // change). A slot in the skipped hour comes out one hour late in UTC terms
  // (the wall time that follows it); in the repeated hour, the first pass.
  const auto slot_on = [&](core::LocalDate day) {
    const core::TimePoint midnight = schedule.zone.start_of(day);
    const core::TimePoint naive = midnight + schedule.at;
    const auto off_midnight = schedule.zone.offset_at(midnight);
    core::TimePoint slot =
        naive + std::chrono::seconds(off_midnight - schedule.zone.offset_at(naive));
    slot = naive + std::chrono::seconds(off_midnight - schedule.zone.offset_at(slot));
    return slot;
  };
  core::TimePoint slot = slot_on(today);
  if (slot <= after) slot = slot_on(today + 1);
  return slot;
}

DigestClock::DigestClock(DigestSchedule schedule, core::TimePoint start)
    : schedule_(std::move(schedule)), next_(next_digest_time(schedule_, start)) {
  // The first digest covers the day before it, as every later one does.
  since_ = next_ - std::chrono::hours(24);
}

std::optional<DigestWindow> DigestClock::due(core::TimePoint now) {
  if (now < next_) return std::nullopt;
  DigestWindow window{since_, now};
  since_ = now;
  next_ = next_digest_time(schedule_, now);
  return window;
}

std::string digest_payload(const core::SiteId& site, const core::GatewayId& gateway,
                           const std::string& segment, const DigestSources& sources,
                           const DigestWindow& window, const core::TimeZone& zone) {
  const auto& incidents = sources.incidents;
  nlohmann::ordered_json open = nlohmann::ordered_json::array();
  nlohmann::ordered_json resolved = nlohmann::ordered_json::array();
  std::map<std::string, std::uint64_t> by_kind, by_zone;
  std::uint64_t raised = 0;
  for (const auto& r : incidents) {
    const auto& l = r.lifecycle;
    const core::TimePoint opened = l.opened_at;
    if (opened >= window.since && opened < window.now) {
      ++raised;
      ++by_kind[core::to_string(r.incident.kind)];
      ++by_zone[zone_name(r)];
    }
    if (opened >= window.now) continue;  // raised after the digest was cut
    const std::string id = incident_id(site, gateway, r.id(), segment);
    if (l.resolution && l.resolution->at < window.now) {
      if (l.resolution->at >= window.since) {
        nlohmann::ordered_json j;
        j["id"] = id;
        j["kind"] = core::to_string(r.incident.kind);
        j["severity"] = core::to_string(r.incident.severity);
        j["zone"] = zone_name(r);
        j["opened"] = core::format_utc(opened);
        j["resolved_at"] = core::format_utc(l.resolution->at);
        j["resolved_by"] = l.resolution->by;
        j["note"] = l.resolution->note;
        resolved.push_back(std::move(j));
      }
      continue;
    }
    nlohmann::ordered_json j;
    j["id"] = id;
    j["kind"] = core::to_string(r.incident.kind);
    j["severity"] = core::to_string(r.incident.severity);
    j["zone"] = zone_name(r);
    j["opened"] = core::format_utc(opened);
    j["age_s"] = seconds_between(opened, window.now);
    j["state"] = core::to_string(l.state());
    j["level_name"] = l.current().name;
    open.push_back(std::move(j));
  }
  nlohmann::ordered_json j;
  j["v"] = 1;
  j["site"] = site.str();
  j["gateway"] = gateway.str();
  j["time"] = core::format_utc(window.now);
  j["since"] = core::format_utc(window.since);
  j["open"] = std::move(open);
  j["raised"] = {{"total", raised}, {"by_kind", by_kind}, {"by_zone", by_zone}};
  j["resolved"] = std::move(resolved);
  j["deficiencies"] = deficiency_section(sources.deficiencies, window, zone);
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace vigil::mqtt
