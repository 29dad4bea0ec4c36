#include <nlohmann/json.hpp>

#include "vigil/core/occupancy.hpp"
#include "watch_command.hpp"

namespace vigil::ctl {
namespace {

constexpr std::size_t kSeenBound = 10000;  // incident ids remembered for de-duplication

// ANSI colours, only without --plain.
const char* colour_of(const std::string& severity) {
  if (severity == "critical") return "\x1b[1;31m";
  if (severity == "major") return "\x1b[31m";
  if (severity == "warning") return "\x1b[33m";
  return "";
}

std::string text(const nlohmann::json& j, const char* key, const char* otherwise = "-") {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return otherwise;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::optional<std::string> zone_of(const nlohmann::json& j) {
  auto it = j.find("zone");
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

WatchLines::WatchLines(const config::SiteConfig& config, std::string zone, bool plain)
    : config_(config),
      prefix_(config.broker.topic_root + "/v1/" + config.site.id.str() + "/" +
              config.site.gateway.str() + "/"),
      zone_(std::move(zone)),
      plain_(plain) {}

std::vector<std::string> WatchLines::filters() const {
  return {prefix_ + "status", prefix_ + "incident/#", prefix_ + "incident-state/#",
          prefix_ + "state/#"};
}

bool WatchLines::wanted(const std::optional<std::string>& zone) const {
  if (zone_.empty()) return true;
  if (!zone) return false;  // site-wide messages have no zone to match
  return core::zone_within(config_.site, core::ZoneId(*zone), core::ZoneId(zone_));
}

bool WatchLines::repeat(const std::string& key) {
  if (!seen_.insert(key).second) return true;
  seen_order_.push_back(key);
  if (seen_order_.size() > kSeenBound) {
    seen_.erase(seen_order_.front());
    seen_order_.pop_front();
  }
  return false;
}

std::optional<std::string> WatchLines::line(const mqtt::WatchMessage& m) {
  if (!m.topic.starts_with(prefix_)) return std::nullopt;
  const std::string kind = m.topic.substr(prefix_.size());
  const auto j = nlohmann::json::parse(m.payload, nullptr, false);
  if (!j.is_object()) return std::nullopt;  // a cleared retained topic, or not ours
  std::string out;
  if (kind == "status") {
    if (!zone_.empty()) return std::nullopt;
    out = "STATUS " + text(j, "state");
    if (j.contains("reason")) out += " reason=" + text(j, "reason");
    return out;
  }
  if (kind.starts_with("incident/")) {
    if (!wanted(zone_of(j)) || repeat("incident " + text(j, "id"))) return std::nullopt;
    const std::string severity = text(j, "severity");
    out = text(j, "time") + " INCIDENT " + severity + " " + text(j, "kind") +
          " zone=" + text(j, "zone") + " door=" + text(j, "door") + " id=" + text(j, "id");
    if (j.contains("summary")) out += " \"" + text(j, "summary") + "\"";
    if (!plain_ && *colour_of(severity) != '\0') out = colour_of(severity) + out + "\x1b[0m";
    return out;
  }
  if (kind.starts_with("incident-state/")) {
    const std::string state = text(j, "state");
    // At subscription the broker replays every incident's retained state:
    // the resolved ones are history, not news.
    if (m.retained && state == "resolved") return std::nullopt;
    if (!wanted(zone_of(j)) || repeat("state " + text(j, "id") + " " + state + " " +
                                      text(j, "time") + " " + text(j, "level")))
      return std::nullopt;
    out = text(j, "time") + " INCIDENT-STATE " + text(j, "id") + " " + state +
          " level=" + text(j, "level_name") + " by=" + text(j, "by");
    return out;
  }
  if (kind.starts_with("state/door/")) {
    const std::string door = text(j, "door", "");
    std::optional<std::string> zone;
    for (const auto& d : config_.site.doors) {
      if (d.id.str() == door) zone = d.to_zone.str();
    }
    if (!wanted(zone)) return std::nullopt;
    return text(j, "since") + " DOOR " + door + " lock=" + text(j, "lock") +
           " contact=" + text(j, "contact") + " alarm=" + text(j, "alarm") +
           " mode=" + text(j, "mode");
  }
  if (kind.starts_with("state/zone/")) {
    if (!wanted(zone_of(j))) return std::nullopt;
    out = text(j, "since") + " ZONE " + text(j, "zone") + " alarm=" + text(j, "alarm") +
          " occupancy=" + text(j, "occupancy") + " lockdown=";
    out += j.value("lockdown", false) ? text(j, "lockdown_zone") : std::string{"none"};
    return out;
  }
  return std::nullopt;  // checkpoints, events, digests: not what a watch shows
}

}  // namespace vigil::ctl
