// Operators' Ed25519 public keys and the commands section (signed MQTT
// commands, docs/commands.md): a key is canonical base64 of 32 bytes, and
// each mistake is named with its file, line and column.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "vigil/config/load.hpp"

namespace vigil::config {
namespace command_keys_config_test {

// Line 5 holds the operator; its public_key value (the opening quote) is at column 62.
std::string site_with_key(const std::string& key, const std::string& tail = "") {
  return "site: { id: hq, gateway: gw1, time_zone: UTC }\n"
         "journal: { path: run/journal.db }\n"
         "zones: [ { id: lobby } ]\n"
         "operators:\n"
         "  - { user: ben, roles: [guard], zones: [lobby], public_key: \"" +
         key + "\" }\n" + tail;
}

Result<SiteConfig> load(const std::string& yaml) {
  return load_site_config_from_string(yaml, "/etc/vigil/site.yaml");
}

TEST(CommandKeysConfig, ReadsTheRawPublicKeyAndTheSkew) {
  auto result =
      load(site_with_key("A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=",
                         "commands: { max_skew: 10s }\nbroker: { protocol: \"3.1.1\" }\n"));
  ASSERT_TRUE(result) << to_string(result.diagnostics());
  EXPECT_EQ(result.value().operators[0].public_key.size(), 32u);
  EXPECT_EQ(result.value().command_max_skew, std::chrono::seconds(10));
  EXPECT_EQ(result.value().broker.protocol, "3.1.1");
}

TEST(CommandKeysConfig, NamesEachBadKeyWithItsPosition) {
  struct Case {
    std::string key;
    std::string says;
  };
  const std::vector<Case> cases{
      {"not base64!", "not standard base64"},
      {"A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg", "not standard base64"},  // no padding
      {"AAAA", "is 32 bytes; this is 3"},
      {"A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbgAAAA=", "is 32 bytes"},
  };
  for (const auto& c : cases) {
    auto result = load(site_with_key(c.key));
    ASSERT_FALSE(result) << c.key;
    const auto& d = result.diagnostics().front();
    EXPECT_EQ(d.line, 5) << c.key;
    EXPECT_EQ(d.col, 62) << c.key;
    EXPECT_NE(d.message.find(c.says), std::string::npos) << c.key << ": " << d.message;
  }
}

TEST(CommandKeysConfig, RefusesASkewOutsideOneSecondToAnHourAndAnUnknownProtocol) {
  EXPECT_FALSE(load(site_with_key("A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=",
                                  "commands: { max_skew: 2h }\n")));
  EXPECT_FALSE(load(site_with_key("A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=",
                                  "broker: { protocol: \"4\" }\n")));
}

TEST(CommandKeysConfig, StateExpiryIsWholeSecondsAnHourByDefaultAndZeroSwitchesItOff) {
  const std::string key = "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";
  auto fallback = load(site_with_key(key));
  ASSERT_TRUE(fallback) << to_string(fallback.diagnostics());
  EXPECT_EQ(fallback.value().broker.state_expiry, std::chrono::hours(1));
  auto given = load(site_with_key(key, "broker: { state_expiry: 10m }\n"));
  ASSERT_TRUE(given) << to_string(given.diagnostics());
  EXPECT_EQ(given.value().broker.state_expiry, std::chrono::minutes(10));
  auto off = load(site_with_key(key, "broker: { state_expiry: 0s }\n"));
  ASSERT_TRUE(off) << to_string(off.diagnostics());
  EXPECT_EQ(off.value().broker.state_expiry, std::chrono::seconds(0));
  auto fraction = load(site_with_key(key, "broker: { state_expiry: 1500ms }\n"));
  ASSERT_FALSE(fraction);
  EXPECT_NE(fraction.diagnostics().front().message.find("state_expiry"), std::string::npos);
  EXPECT_FALSE(load(site_with_key(key, "broker: { state_expiry: 5000000000s }\n")));
}

}  // namespace command_keys_config_test
}  // namespace vigil::config
