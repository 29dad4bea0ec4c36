// Operators of vigild's control socket (docs/control.md): a Unix user name,
// mapped in the site config to roles and a zone scope. The socket's peer
// credentials name the user, so no password crosses the socket; a user not
// listed here is refused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/ids.hpp"
#include "vigil/core/site.hpp"

namespace vigil::config {

enum class Role : std::uint8_t { guard, facilities, auditor, supervisor, admin };
const char* to_string(Role role);
std::optional<Role> role_from_string(std::string_view name);
const std::vector<Role>& all_roles();

struct OperatorConfig {
  std::string user;  // the Unix user name at the socket's other end
  std::string name;  // as journalled (default: the user name)
  std::vector<Role> roles;
  // Zones the operator's records duty covers; a zone covers its nested
  // zones. `all_zones` ("*" in the config): the whole site.
  std::vector<core::ZoneId> zones;
  bool all_zones = false;
  // The raw 32-byte Ed25519 public key that signs this operator's MQTT
  // commands (docs/commands.md); empty: no MQTT commands from them.
  std::string public_key;

  bool has_role(Role role) const;
};

// True when `zone` is one of `op`'s zones or nested (at any depth) in one.
bool zone_in_scope(const core::Site& site, const OperatorConfig& op, const core::ZoneId& zone);
// Every zone `op` may read, with nested zones, in site order.
std::vector<core::ZoneId> zones_in_scope(const core::Site& site, const OperatorConfig& op);

}  // namespace vigil::config
