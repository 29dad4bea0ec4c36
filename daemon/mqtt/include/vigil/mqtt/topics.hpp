// The MQTT topic tree of one gateway. Every topic starts with
// <root>/<site>/<gateway>, so a console subscribes to a whole campus with
// "<root>/+/+/incident/#" and to one gateway's health with ".../status":
//
//   <root>/<site>/<gateway>/status            retained, {"v":1,"state":"online"|"offline",...}
//   <root>/<site>/<gateway>/incident/<kind>   QoS 1, not retained, one message per incident
//   <root>/<site>/<gateway>/checkpoint        retained, QoS 1, the newest signed journal checkpoint
//
// Ids become topic levels, so they may not contain '/', '+', '#' or NUL, nor
// be empty: a site called "a/+" would publish where another site's console
// listens. The check runs at start-up (a bad config refuses to start).
#pragma once

#include <string>

#include "vigil/core/ids.hpp"
#include "vigil/core/incident.hpp"

namespace vigil::mqtt {

class TopicTree {
 public:
  // root may have several levels ("acme/vigil") but no wildcards, no empty
  // level, and may not start with '$' (reserved for broker topics). Throws
  // std::invalid_argument naming the offending part.
  TopicTree(std::string root, core::SiteId site, core::GatewayId gateway);

  const core::SiteId& site() const { return site_; }
  const core::GatewayId& gateway() const { return gateway_; }

  // <root>/<site>/<gateway>
  const std::string& prefix() const { return prefix_; }
  // <root>/<site>/<gateway>/status
  std::string status() const;
  // <root>/<site>/<gateway>/incident/<kind>, kind printed by name
  std::string incident(core::IncidentKind kind) const;
  // <root>/<site>/<gateway>/incident/# : this gateway's incidents
  std::string incident_filter() const;
  // <root>/<site>/<gateway>/checkpoint (docs/journal.md, "Signed checkpoints")
  std::string checkpoint() const;

 private:
  core::SiteId site_;
  core::GatewayId gateway_;
  std::string prefix_;
};

}  // namespace vigil::mqtt
