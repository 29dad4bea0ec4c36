// incidents.escalation: the levels an incident is escalated through, as the
// facilities engineer writes them, with a default when absent.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "vigil/config/load.hpp"

namespace vigil::config {
namespace escalation_config_test {

const std::filesystem::path kSource = VIGIL_SOURCE_DIR;

// The demo site with its incidents section (line 20) replaced.
std::string demo_with(const std::string& incidents) {
  std::ifstream in(kSource / "config/demo/site.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  const std::string section = "incidents:\n  repeated_denials: { count: 3, within: 60s }";
  const auto at = s.find(section);
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos) s.replace(at, section.size(), incidents);
  return s;
}

Result<SiteConfig> load(const std::string& text) {
  return load_site_config_from_string(text, (kSource / "config/demo/site.yaml").string());
}

TEST(SiteConfig, EscalationChainDefaultsToShiftLeadOfficerEthicsUnit) {
  auto result = load(demo_with("incidents: {}"));
  ASSERT_TRUE(result.ok()) << to_string(result.diagnostics());
  EXPECT_EQ(result.value().incident_rules.escalation,
            (std::vector<std::string>{"shift_lead", "security_officer", "ethics_unit"}));
}

TEST(SiteConfig, EscalationChainIsReadInOrder) {
  auto result = load(demo_with("incidents: { escalation: [guard_desk, duty_manager] }"));
  ASSERT_TRUE(result.ok()) << to_string(result.diagnostics());
  EXPECT_EQ(result.value().incident_rules.escalation,
            (std::vector<std::string>{"guard_desk", "duty_manager"}));
}

TEST(SiteConfigMistakes, EscalationChainMustNameDistinctLevels) {
  for (const auto& [incidents, message] : std::vector<std::pair<std::string, std::string>>{
           {"incidents: { escalation: [] }", "'escalation': name at least one level"},
           {"incidents: { escalation: [a, b, a] }", "level 'a' is listed twice"},
           {"incidents: { escalation: shift_lead }", "'escalation': expected a list"},
           {"incidents: { escalation: [\"bad level\"] }", "is not a valid id"},
       }) {
    SCOPED_TRACE(incidents);
    auto result = load(demo_with(incidents));
    ASSERT_FALSE(result.ok());
    const std::string all = to_string(result.diagnostics());
    EXPECT_NE(all.find("site.yaml:20:"), std::string::npos) << all;
    EXPECT_NE(all.find(message), std::string::npos) << all;
  }
}

}  // namespace escalation_config_test
}  // namespace vigil::config
