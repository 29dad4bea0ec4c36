// Operators and the control socket: parse (positions kept), validate
// (unknown role, unknown zone, duplicate user), build; and the zone scope
// rule the control server applies (a zone covers its nested zones).
#include "vigil/config/operators.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "draft.hpp"
#include "suggest.hpp"
#include "vigil/core/base64.hpp"

namespace vigil::config {
namespace {

constexpr std::array kRoleNames{
    std::pair{Role::guard, "guard"},     std::pair{Role::facilities, "facilities"},
    std::pair{Role::auditor, "auditor"}, std::pair{Role::supervisor, "supervisor"},
    std::pair{Role::admin, "admin"},
};

constexpr const char* kAllZones = "*";

std::vector<std::string> role_names() {
  std::vector<std::string> names;
  for (const auto& [role, name] : kRoleNames) names.emplace_back(name);
  return names;
}

// A Unix user name as getpwuid() returns it: no blanks, no ':' (the
// passwd separator), no '/', at most 32 bytes (useradd's limit).
bool valid_user_name(const std::string& user) {
  if (user.empty() || user.size() > 32) return false;
  return std::none_of(user.begin(), user.end(), [](char c) {
    return c == ':' || c == '/' || c == ' ' || c == '\t' || static_cast<unsigned char>(c) < 0x20;
  });
}

void parse_operator(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader op(node, "operator", {"user", "name", "roles", "zones", "public_key"}, diag);
  if (!op.ok()) return;
  DraftOperator out;
  out.pos = op.pos();
  if (auto v = op.string("user", Need::required)) {
    if (!valid_user_name(v->value)) {
      diag.error(v->pos,
                 "'user': '" + v->value +
                     "' is not a Unix user name (1 to 32 characters, no blank, ':' or '/')");
    } else {
      out.user = *v;
    }
  }
  if (auto v = op.string("name", Need::optional)) out.name = v->value;
  const YAML::Node roles = op.get("roles", Need::required);
  if (roles.IsDefined() && expect_list(roles, "roles", diag)) {
    for (const auto& item : roles) {
      if (auto v = read_string(item, "roles", diag)) out.roles.push_back(*v);
    }
    if (roles.size() == 0) diag.error(op.key_pos("roles"), "'roles': give at least one role");
  }
  const YAML::Node zones = op.get("zones");
  if (zones.IsDefined() && expect_list(zones, "zones", diag)) {
    for (const auto& item : zones) {
      if (auto v = read_string(item, "zones", diag)) out.zones.push_back(*v);
    }
  }
  if (auto v = op.string("public_key", Need::optional)) {
    const auto raw = core::base64_decode(v->value);
    if (!raw) {
      diag.error(v->pos, "'public_key': not standard base64 (A-Z a-z 0-9 + /, padded with '=')");
    } else if (raw->size() != 32) {
      diag.error(v->pos, "'public_key': an Ed25519 public key is 32 bytes; this is " +
                             std::to_string(raw->size()) +
                             " (paste the line `vigilctl operator keygen` printed)");
    } else {
      out.public_key = *raw;
    }
  }
  draft.operators.push_back(std::move(out));
}

}  // namespace

const char* to_string(Role role) {
  for (const auto& [r, name] : kRoleNames)
    if (r == role) return name;
  return "?";
}

std::optional<Role> role_from_string(std::string_view name) {
  for (const auto& [r, n] : kRoleNames)
    if (name == n) return r;
  return std::nullopt;
}

const std::vector<Role>& all_roles() {
  static const std::vector<Role> roles{Role::guard, Role::facilities, Role::auditor,
                                       Role::supervisor, Role::admin};
  return roles;
}

bool OperatorConfig::has_role(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool zone_in_scope(const core::Site& site, const OperatorConfig& op, const core::ZoneId& zone) {
  if (op.all_zones) return true;
  // Walk up from `zone` through its parents; the config refuses cycles, and
  // the step bound keeps a hand-built Site with one from looping.
  std::optional<core::ZoneId> at = zone;
  for (std::size_t steps = 0; at && steps <= site.zones.size(); ++steps) {
    if (std::find(op.zones.begin(), op.zones.end(), *at) != op.zones.end()) return true;
    const auto it = std::find_if(site.zones.begin(), site.zones.end(),
                                 [&](const core::Zone& z) { return z.id == *at; });
    if (it == site.zones.end()) return false;
    at = it->parent;
  }
  return false;
}

std::vector<core::ZoneId> zones_in_scope(const core::Site& site, const OperatorConfig& op) {
  std::vector<core::ZoneId> out;
  for (const auto& zone : site.zones)
    if (zone_in_scope(site, op, zone.id)) out.push_back(zone.id);
  return out;
}

void parse_control(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader control(node, "control", {"socket"}, diag);
  if (!control.ok()) return;
  if (auto v = control.string("socket", Need::optional)) {
    if (v->value.empty()) {
      diag.error(v->pos, "'socket': must not be empty");
    } else if (v->value.size() > 100) {
      // sun_path holds 108 bytes with its terminator; after resolving
      // against the config's folder the path may grow, checked at start.
      diag.error(v->pos, "'socket': a Unix socket path must be shorter than 100 characters");
    } else {
      draft.control_socket = *v;
    }
  }
}

void parse_operators(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  if (!expect_list(node, "operators", diag)) return;
  for (const auto& item : node) parse_operator(item, draft, diag);
}

void parse_commands(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader commands(node, "commands", {"max_skew"}, diag);
  if (!commands.ok()) return;
  if (auto v = commands.duration("max_skew", Need::optional)) {
    // Below a second a gateway with NTP jitter refuses honest commands;
    // above an hour a captured command stays replayable for too long.
    if (v->value < std::chrono::seconds(1) || v->value > std::chrono::hours(1)) {
      diag.error(v->pos, "'max_skew': must be between 1s and 1h");
    } else {
      draft.command_max_skew = v->value;
    }
  }
}

void validate_operators(const Draft& draft, Diagnostics& diag) {
  std::map<std::string, int> users;
  std::vector<std::string> zone_ids;
  for (const auto& z : draft.zones) zone_ids.push_back(z.id.value);
  for (const auto& op : draft.operators) {
    if (!op.user.value.empty()) {
      auto [it, inserted] = users.emplace(op.user.value, op.user.pos.line);
      if (!inserted) {
        diag.error(op.user.pos, "'user': duplicate operator user '" + op.user.value +
                                    "' (first defined on line " + std::to_string(it->second) + ")");
      }
    }
    for (const auto& role : op.roles) {
      if (!role_from_string(role.value)) {
        diag.error(role.pos, "'roles': unknown role '" + role.value + "'" +
                                 did_you_mean(role.value, role_names()) +
                                 " (guard, facilities, auditor, supervisor, admin)");
      }
    }
    for (const auto& zone : op.zones) {
      if (zone.value == kAllZones) continue;
      if (std::find(zone_ids.begin(), zone_ids.end(), zone.value) == zone_ids.end()) {
        diag.error(zone.pos, "'zones': unknown zone '" + zone.value + "'" +
                                 did_you_mean(zone.value, zone_ids) + " (or \"*\" for the site)");
      }
    }
  }
}

void build_operators(const Draft& draft, SiteConfig& out) {
  out.command_max_skew =
      std::chrono::duration_cast<std::chrono::milliseconds>(draft.command_max_skew);
  out.control_socket = draft.control_socket
                           ? resolve_config_path(draft.source, draft.control_socket->value)
                           : out.journal_path + ".sock";
  for (const auto& d : draft.operators) {
    OperatorConfig op;
    op.user = d.user.value;
    op.name = d.name.empty() ? d.user.value : d.name;
    op.public_key = d.public_key;
    for (const auto& r : d.roles) op.roles.push_back(*role_from_string(r.value));
    for (const auto& z : d.zones) {
      if (z.value == kAllZones) {
        op.all_zones = true;
      } else {
        op.zones.emplace_back(z.value);
      }
    }
    out.operators.push_back(std::move(op));
  }
}

}  // namespace vigil::config
