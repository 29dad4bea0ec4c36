#include "vigil/mqtt/muster.hpp"

#include <nlohmann/json.hpp>

namespace vigil::mqtt {

Musters::Musters(const core::Site& site, PersonalData personal, NameOf name_of,
                 std::size_t max_names)
    : site_(site), personal_(personal), name_of_(std::move(name_of)), max_names_(max_names) {}

bool Musters::mark_zone(const core::ZoneId& zone) {
  // `outside` and zones the site does not know have no muster topic.
  if (site_.find_zone(zone) == nullptr) return false;
  marked_.insert(zone);
  return true;
}

bool Musters::mark(const core::Occupancy& before, const core::Event& e) {
  if (e.kind != core::EventKind::entry || !e.person || !e.zone) return false;
  bool marked = false;
  if (const core::Presence* was = before.where(*e.person)) marked = mark_zone(was->zone);
  return mark_zone(*e.zone) || marked;
}

ZonePayloads Musters::take(const core::Occupancy& occupancy, core::TimePoint now) {
  ZonePayloads out;
  for (const auto& zone : marked_) out.emplace_back(zone, payload(zone, occupancy, now));
  marked_.clear();
  return out;
}

ZonePayloads Musters::all(const core::Occupancy& occupancy, core::TimePoint now) {
  marked_.clear();
  ZonePayloads out;
  for (const auto& zone : site_.zones) out.emplace_back(zone.id, payload(zone.id, occupancy, now));
  return out;
}

std::string Musters::payload(const core::ZoneId& zone, const core::Occupancy& occupancy,
                             core::TimePoint now) const {
  const auto inside = occupancy.in_zone(zone);
  nlohmann::ordered_json j;
  j["v"] = 1;
  j["site"] = site_.id.str();
  j["gateway"] = site_.gateway.str();
  j["zone"] = zone.str();
  j["personal_data"] = to_string(personal_);
  j["count"] = inside.size();
  auto people = nlohmann::ordered_json::array();
  if (personal_ != PersonalData::none) {
    for (const auto& [person, presence] : inside) {
      if (people.size() == max_names_) break;
      nlohmann::ordered_json p;
      p["person"] = person.str();
      if (personal_ == PersonalData::full_name) p["name"] = name_of_ ? name_of_(person) : "";
      p["since"] = core::format_utc(presence.since);
      people.push_back(std::move(p));
    }
  }
  j["truncated"] = personal_ != PersonalData::none && inside.size() > people.size();
  j["people"] = std::move(people);
  j["time"] = core::format_utc(now);
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace vigil::mqtt
