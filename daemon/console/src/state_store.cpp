#include "vigil/console/state_store.hpp"

#include <algorithm>

#include "vigil/console/meeting_report.hpp"

namespace vigil::console {
namespace {

using nlohmann::json;

// Resolved incidents are kept this long (by count) so a late copy of the
// incident message (an outbox replay) does not bring one back into the queue.
constexpr std::size_t kResolvedKept = 1000;

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto slash = s.find('/');
    parts.push_back(s.substr(0, slash));
    if (slash == std::string_view::npos) break;
    s.remove_prefix(slash + 1);
  }
  return parts;
}

bool has_strings(const json& j, std::initializer_list<const char*> keys) {
  if (!j.is_object()) return false;
  const auto v = j.find("v");
  if (v == j.end() || !v->is_number_integer() || v->get<int>() != 1) return false;
  return std::all_of(keys.begin(), keys.end(), [&](const char* k) {
    const auto it = j.find(k);
    return it != j.end() && it->is_string();
  });
}

// Site and gateway ids as daemon/config accepts them; anything else in a
// topic is not a gateway of this contract (and may not even be UTF-8).
bool is_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

}  // namespace

int severity_rank(std::string_view severity) {
  if (severity == "critical") return 4;
  if (severity == "major" || severity.empty()) return 3;
  if (severity == "warning") return 2;
  if (severity == "info") return 1;
  return 0;
}

json to_json(const QueueEntry& e) {
  return json{{"id", e.id},       {"site", e.site},         {"gateway", e.gateway},
              {"seq", e.seq},     {"severity", e.severity}, {"kind", e.kind},
              {"state", e.state}, {"opened", e.opened},     {"zone", e.zone},
              {"door", e.door},   {"summary", e.summary},   {"acknowledged_by", e.acknowledged_by}};
}

StateStore::StateStore(std::string topic_root) : prefix_(std::move(topic_root) + "/v1/") {}

StateStore::Gateway& StateStore::gateway(const std::string& site, const std::string& gw) {
  auto& g = gateways_[site + "/" + gw];
  g.site = site;
  g.gateway = gw;
  return g;
}

bool StateStore::knows_gateway(const std::string& site, const std::string& gw) const {
  return gateways_.contains(site + "/" + gw);
}

std::optional<json> StateStore::apply(std::string_view topic, std::string_view payload) {
  const auto c = change(topic, payload);
  if (!c) return std::nullopt;
  if (c->kind == StoreChange::Kind::gateway) return gateway_update(c->gateway_key);
  if (c->kind == StoreChange::Kind::digest) return digest_update(c->gateway_key);
  auto update = queue_update();
  if (c->raised) update["raised"] = *c->raised;
  return update;
}

json StateStore::gateway_update(const std::string& key) const {
  const auto it = gateways_.find(key);
  return json{{"type", "gateway"},
              {"gateway", it == gateways_.end() ? json() : gateway_json(it->second)}};
}

json StateStore::digest_update(const std::string& key) const {
  const auto it = gateways_.find(key);
  if (it == gateways_.end()) return json{{"type", "digest"}, {"digest", json()}};
  const auto& g = it->second;
  return json{{"type", "digest"}, {"site", g.site}, {"gateway", g.gateway}, {"digest", g.digest}};
}

json StateStore::queue_update() const {
  return json{{"type", "queue"}, {"queue", queue_json()}};
}

std::optional<StoreChange> StateStore::change(std::string_view topic, std::string_view payload) {
  using Kind = StoreChange::Kind;
  if (!topic.starts_with(prefix_)) return std::nullopt;
  const auto parts = split(topic.substr(prefix_.size()));
  if (parts.size() < 3 || !is_id(parts[0]) || !is_id(parts[1])) return std::nullopt;
  const std::string site(parts[0]);
  const std::string gw(parts[1]);
  const auto kind = parts[2];
  const bool known =
      (kind == "status" && parts.size() == 3) ||
      (kind == "state" && parts.size() == 5 && (parts[3] == "door" || parts[3] == "zone")) ||
      (kind == "muster" && parts.size() == 4) || (kind == "incident" && parts.size() == 5) ||
      (kind == "incident-state" && parts.size() >= 4) || (kind == "digest" && parts.size() == 3);
  if (!known) return std::nullopt;  // events, checkpoints, commands, replies

  json j;
  if (!payload.empty()) {
    j = json::parse(payload, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      ++ignored_;
      return std::nullopt;
    }
  }

  if (kind == "status") {
    if (!has_strings(j, {"state"})) {
      ++ignored_;
      return std::nullopt;
    }
    auto& g = gateway(site, gw);
    if (g.status == j) return std::nullopt;
    g.status = j;
    return StoreChange{Kind::gateway, site + "/" + gw, {}};
  }

  if (kind == "digest") {
    auto summary = payload.empty() ? std::optional<json>(json()) : digest_summary(j, site, gw);
    if (!summary) {
      ++ignored_;
      return std::nullopt;
    }
    auto& g = gateway(site, gw);
    if (g.digest == *summary) return std::nullopt;
    g.digest = std::move(*summary);
    return StoreChange{Kind::digest, site + "/" + gw, {}};
  }

  if (kind == "state") {
    const bool door = parts[3] == "door";
    auto& g = gateway(site, gw);
    auto& slots = door ? g.doors : g.zones;
    const std::string name(parts[4]);
    if (payload.empty()) {
      if (slots.erase(name) == 0) return std::nullopt;
    } else {
      const bool ok = door ? has_strings(j, {"door", "lock", "contact", "alarm"})
                           : has_strings(j, {"zone"}) && j.contains("occupancy") &&
                                 j["occupancy"].is_number_integer();
      if (!ok) {
        ++ignored_;
        return std::nullopt;
      }
      auto& slot = slots[name];
      if (slot == j) return std::nullopt;
      slot = j;
    }
    return StoreChange{Kind::gateway, site + "/" + gw, {}};
  }

  if (kind == "muster") {
    auto& g = gateway(site, gw);
    const std::string name(parts[3]);
    if (payload.empty()) {
      if (g.musters.erase(name) == 0) return std::nullopt;
      return StoreChange{Kind::gateway, site + "/" + gw, {}};
    }
    auto list = muster_list(j);
    if (!list) {
      ++ignored_;
      return std::nullopt;
    }
    auto& slot = g.musters[name];
    if (slot == *list) return std::nullopt;
    slot = std::move(*list);
    return StoreChange{Kind::gateway, site + "/" + gw, {}};
  }

  if (kind == "incident") {
    if (!has_strings(j, {"id", "severity", "kind"})) {
      ++ignored_;
      return std::nullopt;
    }
    gateway(site, gw);
    auto& inc = incidents_[j["id"].get<std::string>()];
    if (inc.raised == j) return std::nullopt;
    inc.raised = j;
    StoreChange c{Kind::queue, {}, {}};
    if (str(inc.state, "state") != "resolved") {
      c.raised = json{{"id", j["id"]}, {"severity", j["severity"]}};
    }
    return c;
  }

  // incident-state
  if (payload.empty()) return std::nullopt;  // a cleared slot says nothing about the incident
  if (!has_strings(j, {"id", "state"}) || !j.contains("seq") || !j["seq"].is_number_unsigned()) {
    ++ignored_;
    return std::nullopt;
  }
  gateway(site, gw);
  const auto id = j["id"].get<std::string>();
  auto& inc = incidents_[id];
  if (inc.state == j) return std::nullopt;
  const bool newly_resolved = j["state"] == "resolved" && str(inc.state, "state") != "resolved";
  inc.state = j;
  if (newly_resolved) {
    resolved_order_.push_back(id);
    prune_resolved();
  }
  return StoreChange{Kind::queue, {}, {}};
}

void StateStore::prune_resolved() {
  while (resolved_order_.size() > kResolvedKept) {
    incidents_.erase(resolved_order_.front());
    resolved_order_.erase(resolved_order_.begin());
  }
}

std::vector<QueueEntry> StateStore::queue() const {
  std::vector<QueueEntry> out;
  for (const auto& [id, inc] : incidents_) {
    const auto state = inc.state.is_null() ? std::string("open") : str(inc.state, "state");
    if (state == "resolved") continue;
    QueueEntry e;
    e.id = id;
    e.state = state;
    const json& any = inc.raised.is_null() ? inc.state : inc.raised;
    e.site = str(any, "site");
    e.gateway = str(any, "gateway");
    if (inc.raised.is_object()) {
      e.severity = str(inc.raised, "severity");
      e.kind = str(inc.raised, "kind");
      e.opened = str(inc.raised, "time");
      e.zone = str(inc.raised, "zone");
      e.door = str(inc.raised, "door");
      e.summary = str(inc.raised, "summary");
      if (const auto s = inc.raised.find("seq"); s != inc.raised.end() && s->is_number_unsigned()) {
        e.seq = s->get<std::uint64_t>();
      }
    }
    if (inc.state.is_object()) {
      e.seq = inc.state["seq"].get<std::uint64_t>();
      if (e.opened.empty()) e.opened = str(inc.state, "opened");
      if (e.zone.empty()) e.zone = str(inc.state, "zone");
      e.acknowledged_by = str(inc.state, "acknowledged_by");
    }
    out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(), [](const QueueEntry& a, const QueueEntry& b) {
    const int ra = severity_rank(a.severity);
    const int rb = severity_rank(b.severity);
    if (ra != rb) return ra > rb;
    if (a.opened != b.opened) return a.opened < b.opened;  // ISO 8601 UTC sorts as text
    return a.id < b.id;
  });
  return out;
}

json StateStore::queue_json() const {
  json q = json::array();
  for (const auto& e : queue()) q.push_back(to_json(e));
  return q;
}

json StateStore::gateway_json(const Gateway& g) const {
  json doors = json::array();
  for (const auto& [name, d] : g.doors) doors.push_back(d);
  json zones = json::array();
  for (const auto& [name, z] : g.zones) zones.push_back(z);
  json musters = json::array();
  for (const auto& [name, m] : g.musters) musters.push_back(m);
  return json{{"site", g.site},
              {"musters", musters},
              {"gateway", g.gateway},
              {"status", g.status.is_null() ? "unknown" : str(g.status, "state")},
              {"reason", str(g.status, "reason")},
              {"doors", doors},
              {"zones", zones}};
}

std::vector<json> StateStore::digests() const {
  std::vector<json> out;
  for (const auto& [key, g] : gateways_) {
    if (g.digest.is_object()) out.push_back(g.digest);
  }
  return out;
}

json StateStore::snapshot() const {
  json gws = json::array();
  for (const auto& [key, g] : gateways_) gws.push_back(gateway_json(g));
  return json{
      {"type", "snapshot"}, {"gateways", gws}, {"queue", queue_json()}, {"digests", digests()}};
}

void UpdateBatch::add(const StoreChange& change) {
  if (change.kind == StoreChange::Kind::digest) return;  // sent at once, not batched
  if (change.kind == StoreChange::Kind::gateway) {
    const auto at = std::lower_bound(gateways_.begin(), gateways_.end(), change.gateway_key);
    if (at == gateways_.end() || *at != change.gateway_key) {
      gateways_.insert(at, change.gateway_key);
    }
    return;
  }
  queue_ = true;
  if (change.raised && (!raised_ || severity_rank(str(*change.raised, "severity")) >
                                        severity_rank(str(*raised_, "severity")))) {
    raised_ = change.raised;
  }
}

std::vector<json> UpdateBatch::take(const StateStore& store) {
  auto out = take_gateways(store);
  if (auto queue = take_queue(store)) out.push_back(std::move(*queue));
  return out;
}

std::vector<json> UpdateBatch::take_gateways(const StateStore& store) {
  std::vector<json> out;
  for (const auto& key : gateways_) out.push_back(store.gateway_update(key));
  gateways_.clear();
  return out;
}

std::optional<json> UpdateBatch::take_queue(const StateStore& store) {
  if (!queue_) return std::nullopt;
  auto update = store.queue_update();
  if (raised_) update["raised"] = *raised_;
  queue_ = false;
  raised_.reset();
  return update;
}

}  // namespace vigil::console
