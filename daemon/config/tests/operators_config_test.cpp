// Operators of the control socket in the site config: roles, zone scopes
// (a zone covers its nested zones), the socket path, and the mistakes
// `config check` names with file, line and field.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "vigil/config/load.hpp"

namespace vigil::config {
namespace operators_config_test {

const std::filesystem::path kSource = "/etc/vigil/site.yaml";

// Zones lobby > offices > server-room; `tail` is appended from line 7.
constexpr int kTailLine = 7;
std::string site_with(const std::string& tail) {
  return "site: { id: hq, gateway: gw1, time_zone: UTC }\n"
         "journal: { path: run/journal.db }\n"
         "zones:\n"
         "  - { id: lobby }\n"
         "  - { id: offices, parent: lobby }\n"
         "  - { id: server-room, parent: offices }\n" +
         tail;
}

Result<SiteConfig> load(const std::string& yaml) {
  return load_site_config_from_string(yaml, kSource);
}

TEST(OperatorsConfig, MapsUsersToRolesAndZones) {
  auto result = load(
      site_with("control: { socket: run/ctl.sock }\n"
                "operators:\n"
                "  - { user: alice, name: Alice Auditor, roles: [auditor], zones: [offices] }\n"
                "  - { user: sam, roles: [supervisor, admin], zones: [\"*\"] }\n"));
  ASSERT_TRUE(result) << to_string(result.diagnostics());
  const SiteConfig& c = result.value();
  ASSERT_EQ(c.operators.size(), 2u);
  EXPECT_EQ(c.operators[0].user, "alice");
  EXPECT_EQ(c.operators[0].name, "Alice Auditor");
  EXPECT_TRUE(c.operators[0].has_role(Role::auditor));
  EXPECT_FALSE(c.operators[0].has_role(Role::admin));
  EXPECT_EQ(c.operators[1].name, "sam");
  EXPECT_TRUE(c.operators[1].all_zones);
  EXPECT_EQ(c.control_socket, "/etc/vigil/run/ctl.sock");
}

TEST(OperatorsConfig, SocketDefaultsBesideTheJournal) {
  auto result = load(site_with(""));
  ASSERT_TRUE(result) << to_string(result.diagnostics());
  EXPECT_EQ(result.value().control_socket, result.value().journal_path + ".sock");
  EXPECT_TRUE(result.value().operators.empty());
}

TEST(OperatorsConfig, AZoneScopeCoversItsNestedZonesOnly) {
  auto result =
      load(site_with("operators:\n  - { user: alice, roles: [auditor], zones: [offices] }\n"));
  ASSERT_TRUE(result) << to_string(result.diagnostics());
  const auto& site = result.value().site;
  const auto& alice = result.value().operators.front();
  EXPECT_TRUE(zone_in_scope(site, alice, core::ZoneId("offices")));
  EXPECT_TRUE(zone_in_scope(site, alice, core::ZoneId("server-room")));
  EXPECT_FALSE(zone_in_scope(site, alice, core::ZoneId("lobby")));
  EXPECT_FALSE(zone_in_scope(site, alice, core::ZoneId("nowhere")));
  EXPECT_EQ(zones_in_scope(site, alice),
            (std::vector<core::ZoneId>{core::ZoneId("offices"), core::ZoneId("server-room")}));
}

struct Mistake {
  const char* name;
  const char* tail;  // appended; the error is on the tail's line `line_offset`
  int line_offset;
  std::string expected;  // ":col: message"
};

TEST(OperatorsConfig, MistakesNameLineAndField) {
  const std::vector<Mistake> cases{
      {"UnknownRole", "operators:\n  - { user: alice, roles: [auditr], zones: [lobby] }\n", 1,
       ":28: 'roles': unknown role 'auditr' (did you mean 'auditor'?) (guard, facilities, "
       "auditor, supervisor, admin)"},
      {"UnknownZone", "operators:\n  - { user: alice, roles: [auditor], zones: [ofices] }\n", 1,
       ":46: 'zones': unknown zone 'ofices' (did you mean 'offices'?) (or \"*\" for the site)"},
      {"DuplicateUser",
       "operators:\n  - { user: alice, roles: [guard] }\n  - { user: alice, roles: [admin] }\n", 2,
       ":13: 'user': duplicate operator user 'alice' (first defined on line "},
      {"NoRoles", "operators:\n  - { user: bob, roles: [] }\n", 1,
       ":18: 'roles': give at least one role"},
      {"NotAUserName", "operators:\n  - { user: \"a b\", roles: [guard] }\n", 1,
       ":13: 'user': 'a b' is not a Unix user name (1 to 32 characters, no blank, ':' or '/')"},
      {"UnknownKey", "operators:\n  - { user: bob, roles: [guard], zone: [lobby] }\n", 1,
       ":34: unknown key 'zone' in operator (did you mean 'zones'?)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto result = load(site_with(c.tail));
    ASSERT_FALSE(result);
    const std::string text = to_string(result.diagnostics());
    const std::string where = kSource.string() + ":" + std::to_string(kTailLine + c.line_offset);
    EXPECT_NE(text.find(where + c.expected), std::string::npos) << text;
  }
}

}  // namespace operators_config_test
}  // namespace vigil::config
