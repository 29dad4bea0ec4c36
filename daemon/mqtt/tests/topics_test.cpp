#include "vigil/mqtt/topics.hpp"

#include <gtest/gtest.h>

namespace vigil::mqtt {
namespace {

TopicTree tree(std::string root, std::string site, std::string gateway) {
  return TopicTree(std::move(root), core::SiteId(std::move(site)),
                   core::GatewayId(std::move(gateway)));
}

core::Incident incident(core::Severity severity, std::optional<std::string> zone) {
  core::Incident i;
  i.severity = severity;
  if (zone) i.event.zone = core::ZoneId{*zone};
  return i;
}

TEST(TopicTree, StatusTopicIsRootVersionSiteGatewayStatus) {
  EXPECT_EQ(tree("vigil", "hq", "gw1").status(), "vigil/v1/hq/gw1/status");
}

TEST(TopicTree, IncidentTopicNamesSeverityThenZone) {
  const auto t = tree("vigil", "hq", "gw1");
  EXPECT_EQ(t.incident(incident(core::Severity::major, "lobby")),
            "vigil/v1/hq/gw1/incident/major/lobby");
  EXPECT_EQ(t.incident(incident(core::Severity::critical, "vault")),
            "vigil/v1/hq/gw1/incident/critical/vault");
  EXPECT_EQ(t.incident(incident(core::Severity::warning, std::nullopt)),
            "vigil/v1/hq/gw1/incident/warning/_site");
  EXPECT_EQ(t.incident_filter(), "vigil/v1/hq/gw1/incident/#");
}

TEST(TopicTree, AZoneIdThatWouldBreakTheTopicIsPercentEncoded) {
  const auto t = tree("vigil", "hq", "gw1");
  // A zone called "a/+" must not publish where zone "a" listens, nor match a
  // wildcard it was not meant for.
  EXPECT_EQ(t.incident(incident(core::Severity::major, "a/+#%")),
            "vigil/v1/hq/gw1/incident/major/a%2F%2B%23%25");
  EXPECT_EQ(topic_level(""), "_");
  EXPECT_EQ(topic_level("lobby-main"), "lobby-main");
}

TEST(TopicTree, CheckpointTopicSitsBesideStatus) {
  EXPECT_EQ(tree("acme/vigil", "hq", "gw1").checkpoint(), "acme/vigil/v1/hq/gw1/checkpoint");
}

TEST(TopicTree, RootMayHaveSeveralLevels) {
  EXPECT_EQ(tree("acme/vigil", "hq", "gw1").prefix(), "acme/vigil/v1/hq/gw1");
}

struct BadTopic {
  const char* root;
  const char* site;
  const char* gateway;
};

class TopicTreeRejects : public ::testing::TestWithParam<BadTopic> {};

TEST_P(TopicTreeRejects, LevelsThatWouldPublishElsewhere) {
  const BadTopic& b = GetParam();
  EXPECT_THROW(tree(b.root, b.site, b.gateway), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(
    Table, TopicTreeRejects,
    ::testing::Values(BadTopic{"vigil", "", "gw1"},            // empty site
                      BadTopic{"vigil", "hq", ""},             // empty gateway
                      BadTopic{"vigil", "h/q", "gw1"},         // separator in a site id
                      BadTopic{"vigil", "hq", "gw/1"},         // separator in a gateway id
                      BadTopic{"vigil", "+", "gw1"},           // single-level wildcard
                      BadTopic{"vigil", "hq", "#"},            // multi-level wildcard
                      BadTopic{"vi+gil", "hq", "gw1"},         // wildcard in the root
                      BadTopic{"", "hq", "gw1"},               // empty root
                      BadTopic{"$SYS", "hq", "gw1"},           // broker-reserved
                      BadTopic{"/vigil", "hq", "gw1"},         // empty first level
                      BadTopic{"vigil/", "hq", "gw1"},         // empty last level
                      BadTopic{"acme//vigil", "hq", "gw1"}));  // empty middle level

}  // namespace
}  // namespace vigil::mqtt
