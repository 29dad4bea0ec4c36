#include "vigil/mqtt/topics.hpp"

#include <stdexcept>

namespace vigil::mqtt {
namespace {

// One topic level must be usable as a literal: no separator, no wildcard, no
// NUL (MQTT forbids it in topic names), not empty.
void check_level(std::string_view what, std::string_view level, bool allow_separator) {
  if (level.empty()) throw std::invalid_argument(std::string(what) + " is empty");
  for (char c : level) {
    if (c == '+' || c == '#' || c == '\0' || (c == '/' && !allow_separator)) {
      throw std::invalid_argument(
          std::string(what) + " \"" + std::string(level) + "\" may not contain '" +
          (c == '\0' ? std::string("\\0") : std::string(1, c)) + "' in an MQTT topic");
    }
  }
}

void check_root(std::string_view root) {
  check_level("topic root", root, true);
  if (root.front() == '$') {
    throw std::invalid_argument("topic root \"" + std::string(root) +
                                "\" may not start with '$' (reserved for the broker)");
  }
  if (root.front() == '/' || root.back() == '/' || root.find("//") != std::string_view::npos) {
    throw std::invalid_argument("topic root \"" + std::string(root) + "\" has an empty level");
  }
}

}  // namespace

std::string topic_level(std::string_view id) {
  if (id.empty()) return "_";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(id.size());
  for (char c : id) {
    if (c == '/' || c == '+' || c == '#' || c == '\0' || c == '%') {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

TopicTree::TopicTree(std::string root, core::SiteId site, core::GatewayId gateway)
    : site_(std::move(site)), gateway_(std::move(gateway)) {
  check_root(root);
  check_level("site id", site_.str(), false);
  check_level("gateway id", gateway_.str(), false);
  prefix_ = root + "/" + kContractVersion + "/" + site_.str() + "/" + gateway_.str();
}

std::string TopicTree::status() const {
  return prefix_ + "/status";
}

std::string TopicTree::incident(const core::Incident& incident) const {
  const auto& zone = incident.event.zone;
  return prefix_ + "/incident/" + core::to_string(incident.severity) + "/" +
         (zone ? topic_level(zone->str()) : std::string{"_site"});
}

std::string TopicTree::incident_filter() const {
  return prefix_ + "/incident/#";
}

std::string TopicTree::event(const core::Event& event) const {
  return prefix_ + "/event/" + (event.zone ? topic_level(event.zone->str()) : std::string{"_site"});
}

std::string TopicTree::door_state(const core::DoorId& door) const {
  return prefix_ + "/state/door/" + topic_level(door.str());
}

std::string TopicTree::zone_state(const core::ZoneId& zone) const {
  return prefix_ + "/state/zone/" + topic_level(zone.str());
}

std::string TopicTree::muster(const core::ZoneId& zone) const {
  return prefix_ + "/muster/" + topic_level(zone.str());
}

std::string TopicTree::digest() const {
  return prefix_ + "/digest";
}

std::string TopicTree::incident_state(std::uint64_t seq, const std::string& segment) const {
  return prefix_ + "/incident-state/" + (segment.empty() ? "" : topic_level(segment) + "/") +
         std::to_string(seq);
}

std::string TopicTree::checkpoint() const {
  return prefix_ + "/checkpoint";
}

}  // namespace vigil::mqtt
