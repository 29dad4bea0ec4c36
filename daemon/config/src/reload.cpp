// Which differences a reload applies: the two files are compared as YAML
// trees, key by key, so every difference is named by its key and placed at
// its line, whatever the file's layout. Lists whose items carry an `id` are
// matched by id. A difference under a reloadable key is a change; any other
// is a reason to restart.
#include "vigil/config/reload.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <optional>

namespace vigil::config {
namespace {

// The path to a node: keys, and the ids or positions of list items.
struct Step {
  std::string key;    // a map key, or a list item's id
  bool item = false;  // a list item: printed [key]
};
using Path = std::vector<Step>;

std::string text_of(const Path& path) {
  std::string out;
  for (const auto& s : path) {
    if (s.item) {
      out += "[" + s.key + "]";
    } else {
      out += (out.empty() ? "" : ".") + s.key;
    }
  }
  return out;
}

constexpr std::array kWholeSections{"access_levels", "holiday_schedules", "holiday_calendars",
                                    "operators"};
constexpr std::array kSiteKeys{"escort_window", "return_report_after"};
constexpr std::array kDoorKeys{"unlock_time",    "held_open_time",    "relock_delay",
                               "rex_stuck_time", "unlocked_schedule", "mode"};
constexpr std::array kZoneKeys{"required_clearance", "anti_passback", "occupancy_limit",
                               "two_person_window",  "escort_window", "requires_return_report"};

template <std::size_t N>
bool listed(const std::array<const char*, N>& keys, const std::string& key) {
  return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; });
}

// Whether a difference at `path` is one a reload applies.
bool reloadable(const Path& p) {
  if (p.size() == 1) return listed(kWholeSections, p[0].key);
  if (p.size() == 2) return p[0].key == "site" && listed(kSiteKeys, p[1].key);
  if (p.size() == 3 && p[1].item) {
    if (p[0].key == "doors") return listed(kDoorKeys, p[2].key);
    if (p[0].key == "zones") return listed(kZoneKeys, p[2].key);
  }
  return false;
}

bool defined(const YAML::Node& n) {
  return n.IsDefined() && !n.IsNull();
}

// A key missing from a map reads as an invalid node, which throws when
// asked its type: this one reads as null instead.
YAML::Node or_null(const YAML::Node& n) {
  return n.IsDefined() ? n : YAML::Node();
}

bool same(const YAML::Node& a, const YAML::Node& b) {
  if (!defined(a) || !defined(b)) return defined(a) == defined(b);
  if (a.Type() != b.Type()) return false;
  switch (a.Type()) {
    case YAML::NodeType::Scalar:
      return a.Scalar() == b.Scalar();
    case YAML::NodeType::Sequence:
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same(a[i], b[i])) return false;
      }
      return true;
    case YAML::NodeType::Map: {
      for (const auto& kv : a) {
        if (!same(kv.second, b[kv.first.Scalar()])) return false;
      }
      for (const auto& kv : b) {
        if (!defined(a[kv.first.Scalar()]) && defined(kv.second)) return false;
      }
      return true;
    }
    default:
      return true;
  }
}

// The ids of a list's items, when every item is a map with a scalar id.
std::optional<std::vector<std::string>> item_ids(const YAML::Node& list) {
  std::vector<std::string> ids;
  for (const auto& item : list) {
    if (!item.IsMap() || !item["id"].IsDefined() || !item["id"].IsScalar()) return std::nullopt;
    ids.push_back(item["id"].Scalar());
  }
  return ids;
}

class Differ {
 public:
  Differ(std::string file, ReloadPlan& plan) : file_(std::move(file)), plan_(plan) {}

  // `place`: the nearest node of the new file to point at.
  void compare(const YAML::Node& was_in, const YAML::Node& now_in, const Path& path,
               const YAML::Node& place) {
    const YAML::Node was = or_null(was_in);
    const YAML::Node now = or_null(now_in);
    const YAML::Node here = defined(now) ? now : place;
    if (reloadable(path)) {
      if (same(was, now)) return;
      if (path.size() == 3 && path[0].key == "doors" && path[2].key == "mode" &&
          (mode_needs_restart(was) || mode_needs_restart(now))) {
        restart(here, "'" + text_of(path) +
                          "' changed to or from card_and_pin, which changes how the door's "
                          "readers decode keys: restart vigild to apply it");
        return;
      }
      plan_.changed.push_back(text_of(path));
      return;
    }
    if (was.IsMap() && now.IsMap()) {
      for (const auto& kv : now) {
        Path p = path;
        p.push_back({kv.first.Scalar()});
        compare(was[kv.first.Scalar()], kv.second, p, kv.second);
      }
      for (const auto& kv : was) {
        if (now[kv.first.Scalar()].IsDefined()) continue;
        Path p = path;
        p.push_back({kv.first.Scalar()});
        compare(kv.second, YAML::Node(), p, here);
      }
      return;
    }
    if (was.IsSequence() && now.IsSequence()) {
      const auto was_ids = item_ids(was);
      const auto now_ids = item_ids(now);
      if (was_ids && now_ids) {
        if (*was_ids != *now_ids) {
          restart(here, "'" + text_of(path) +
                            "': items added, taken out or reordered: restart vigild to apply it");
          return;
        }
        for (std::size_t i = 0; i < now.size(); ++i) {
          Path p = path;
          p.push_back({(*now_ids)[i], true});
          compare(was[i], now[i], p, now[i]);
        }
        return;
      }
      if (was.size() == now.size()) {
        for (std::size_t i = 0; i < now.size(); ++i) {
          Path p = path;
          p.push_back({std::to_string(i), true});
          compare(was[i], now[i], p, now[i]);
        }
        return;
      }
    }
    if (!same(was, now)) {
      restart(here, "'" + text_of(path) + "' changed: a reload cannot apply it; restart vigild");
    }
  }

 private:
  static bool mode_needs_restart(const YAML::Node& mode) {
    return defined(mode) && mode.IsScalar() && mode.Scalar() == "card_and_pin";
  }
  void restart(const YAML::Node& at, std::string message) {
    const YAML::Mark m = at.IsDefined() ? at.Mark() : YAML::Mark::null_mark();
    const bool placed = !m.is_null() && m.line >= 0;
    plan_.needs_restart.push_back(
        {file_, placed ? m.line + 1 : 0, placed ? m.column + 1 : 0, std::move(message)});
  }

  std::string file_;
  ReloadPlan& plan_;
};

void take_rules(core::Site& site, const core::Site& next) {
  site.access_levels = next.access_levels;
  site.holiday_calendars = next.holiday_calendars;
  site.escort_window = next.escort_window;
  site.return_report_destinations = next.return_report_destinations;
  for (auto& door : site.doors) {
    const core::Door* n = next.find_door(door.id);
    if (n == nullptr) continue;  // cannot happen: the doors are the same
    door.unlock_time = n->unlock_time;
    door.held_open_time = n->held_open_time;
    door.relock_delay = n->relock_delay;
    door.rex_stuck_time = n->rex_stuck_time;
    door.mode = n->mode;
    door.unlocked_schedule = n->unlocked_schedule;
  }
  for (auto& zone : site.zones) {
    const core::Zone* n = next.find_zone(zone.id);
    if (n == nullptr) continue;
    zone.required_clearance = n->required_clearance;
    zone.anti_passback = n->anti_passback;
    zone.occupancy_limit = n->occupancy_limit;
    zone.two_person_window = n->two_person_window;
    zone.escort_window = n->escort_window;
    zone.requires_return_report = n->requires_return_report;
  }
  site.build_index();
}

}  // namespace

ReloadPlan plan_reload(std::string_view running_yaml, const core::Site& running_site,
                       const SiteConfig& next) {
  ReloadPlan plan;
  plan.site = running_site;
  YAML::Node was;
  YAML::Node now;
  try {
    was = YAML::Load(std::string(running_yaml));
    now = YAML::Load(next.source_text);
  } catch (const YAML::Exception& e) {
    // Both loaded once already; a text that no longer parses is not the one loaded.
    plan.needs_restart.push_back({next.source_path, 0, 0, "cannot compare the files: " + e.msg});
    return plan;
  }
  Differ(next.source_path, plan).compare(was, now, {}, now);
  if (plan.ok()) {
    take_rules(plan.site, next.site);
    plan.operators = next.operators;
  }
  return plan;
}

}  // namespace vigil::config
