// broker.digest: when the meeting digest goes out (docs/mqtt.md), daily at a
// local time of day, 07:00 unless the site says otherwise.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "vigil/config/load.hpp"

namespace vigil::config {
namespace {

const std::filesystem::path kDigestSource = VIGIL_SOURCE_DIR;

// The demo site with `digest` added to its broker section.
Result<SiteConfig> load_with_digest(const std::string& digest) {
  std::ifstream in(kDigestSource / "config/demo/site.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  const std::string anchor = "  topic_root: vigil\n";
  const auto at = s.find(anchor);
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos && !digest.empty()) s.insert(at + anchor.size(), digest);
  return load_site_config_from_string(s, (kDigestSource / "config/demo/site.yaml").string());
}

TEST(BrokerDigestConfig, DefaultsToDailyAtSevenLocalTime) {
  auto result = load_with_digest("");
  ASSERT_TRUE(result.ok()) << to_string(result.diagnostics());
  EXPECT_TRUE(result.value().broker.digest_enabled);
  EXPECT_EQ(result.value().broker.digest_at, std::chrono::hours(7));
}

TEST(BrokerDigestConfig, TakesATimeOfDayOrIsSwitchedOff) {
  auto at = load_with_digest("  digest: { at: \"18:30:15\" }\n");
  ASSERT_TRUE(at.ok()) << to_string(at.diagnostics());
  EXPECT_EQ(at.value().broker.digest_at, std::chrono::seconds(18 * 3600 + 30 * 60 + 15));
  auto off = load_with_digest("  digest: { enabled: false }\n");
  ASSERT_TRUE(off.ok()) << to_string(off.diagnostics());
  EXPECT_FALSE(off.value().broker.digest_enabled);
}

TEST(BrokerDigestConfig, ATimeThatIsNotOneIsRefusedWithItsPosition) {
  for (const char* bad : {"25:00", "7", "07:60", "07:00pm", ""}) {
    SCOPED_TRACE(bad);
    auto result = load_with_digest(std::string{"  digest: { at: \""} + bad + "\" }\n");
    ASSERT_FALSE(result.ok());
    EXPECT_NE(to_string(result.diagnostics()).find("HH:MM"), std::string::npos)
        << to_string(result.diagnostics());
  }
}

}  // namespace
}  // namespace vigil::config
