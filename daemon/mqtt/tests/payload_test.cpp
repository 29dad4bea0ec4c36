#include "vigil/mqtt/payload.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "incident_fixture.hpp"

namespace vigil::mqtt {
namespace {

using nlohmann::json;
using testing::door_forced;

const core::SiteId kSite("hq");
const core::GatewayId kGateway("gw1");

json parse(const core::Incident& i) {
  return json::parse(incident_payload(i, kSite, kGateway));
}

TEST(IncidentPayload, CarriesVersionIdKindSeverityTimeAndSequence) {
  const json j = parse(door_forced(17));
  EXPECT_EQ(j["v"], 1);
  EXPECT_EQ(j["id"], "hq/gw1/17");
  EXPECT_EQ(j["kind"], "door_forced");
  EXPECT_EQ(j["severity"], "major");
  EXPECT_EQ(j["time"], "2026-11-25T15:36:57.123456Z");
  EXPECT_EQ(j["seq"], 17);
  EXPECT_EQ(j["event"], "door_forced");
  EXPECT_EQ(j["site"], "hq");
  EXPECT_EQ(j["gateway"], "gw1");
  EXPECT_EQ(j["door"], "lobby-main");
  EXPECT_EQ(j["zone"], "lobby");
  EXPECT_EQ(j["summary"], "Door lobby-main forced open");
}

TEST(IncidentPayload, OmitsAbsentFieldsInsteadOfSendingNull) {
  const json j = parse(door_forced(17));
  for (const char* absent : {"reader", "person", "device", "reason", "detail"}) {
    EXPECT_FALSE(j.contains(absent)) << absent;
  }
}

TEST(IncidentPayload, CarriesEveryIdTheEventHas) {
  core::Incident i = door_forced(3);
  i.event.reader = core::ReaderId("lobby-in");
  i.event.person = core::PersonId("p-0042");
  i.event.device = core::DeviceId("io-1");
  i.event.detail = "raw 26 bits";
  const json j = parse(i);
  EXPECT_EQ(j["reader"], "lobby-in");
  EXPECT_EQ(j["person"], "p-0042");
  EXPECT_EQ(j["device"], "io-1");
  EXPECT_EQ(j["detail"], "raw 26 bits");
}

TEST(IncidentPayload, RepeatedDenialsCarryTheDenyReason) {
  core::Incident i = door_forced(5);
  i.kind = core::IncidentKind::repeated_denials;
  i.severity = core::Severity::warning;
  i.event.kind = core::EventKind::access_denied;
  i.event.reason = core::DenyReason::unknown_card;
  const json j = parse(i);
  EXPECT_EQ(j["kind"], "repeated_denials");
  EXPECT_EQ(j["event"], "access_denied");
  EXPECT_EQ(j["reason"], "unknown_card");
}

TEST(IncidentPayload, NeverCarriesTheCardNumber) {
  core::Incident i = door_forced(5);
  i.event.card = core::CardNumber{12, 1001};
  const std::string text = incident_payload(i, kSite, kGateway);
  EXPECT_FALSE(json::parse(text).contains("card"));
  EXPECT_EQ(text.find("1001"), std::string::npos);
}

TEST(IncidentPayload, EscapesTextAndReplacesInvalidUtf8) {
  core::Incident i = door_forced(5);
  i.summary = "Door \"A\"\nforced";
  i.event.detail = std::string("bits \xff\xfe");  // raw bytes from a device
  const json j = parse(i);
  EXPECT_EQ(j["summary"], "Door \"A\"\nforced");
  EXPECT_EQ(j["detail"], "bits \xEF\xBF\xBD\xEF\xBF\xBD");  // U+FFFD twice
}

TEST(IncidentPayload, IdIsSiteGatewayAndSequence) {
  EXPECT_EQ(incident_id(kSite, kGateway, 0), "hq/gw1/0");
  EXPECT_EQ(incident_id(core::SiteId("campus-2"), core::GatewayId("b7"), 18446744073709551615ull),
            "campus-2/b7/18446744073709551615");
}

TEST(IncidentPayload, IdCarriesTheJournalSegmentSoASeqReusedAfterABreakIsANewId) {
  EXPECT_EQ(incident_id(kSite, kGateway, 17, "5c0f12a9"), "hq/gw1/5c0f12a9/17");
  EXPECT_NE(incident_id(kSite, kGateway, 17, "5c0f12a9"),
            incident_id(kSite, kGateway, 17, "0d1e2f3a"));
  core::Incident incident;
  incident.event.seq = 17;
  const auto j = nlohmann::json::parse(incident_payload(incident, kSite, kGateway, "5c0f12a9"));
  EXPECT_EQ(j.at("id"), "hq/gw1/5c0f12a9/17");
  EXPECT_EQ(j.at("seq"), 17);
}

TEST(StatusPayload, SaysOnlineOrOfflineWithSiteAndGateway) {
  const json on = json::parse(status_payload(GatewayState::online, kSite, kGateway));
  EXPECT_EQ(on, json::parse(R"({"v":1,"state":"online","site":"hq","gateway":"gw1"})"));
  const json off = json::parse(status_payload(GatewayState::offline, kSite, kGateway));
  EXPECT_EQ(off["state"], "offline");
}

}  // namespace
}  // namespace vigil::mqtt
