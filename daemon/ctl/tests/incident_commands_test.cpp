// vigilctl incident ... as guards and the ethics unit run them: actions are
// journalled with the operator, illegal ones refused with the reason, and
// the notification form carries the escalation chain with each level's
// acknowledgement, as text and as JSON.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vigil/ctl/commands.hpp"
#include "vigil/ctl/incident_commands.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::ctl {
namespace {

namespace fs = std::filesystem;

core::TimePoint at(int second) {
  return core::from_unix_micros(1'764'000'000'000'000 + std::int64_t{second} * 1'000'000);
}

class IncidentCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vigilctl-incident-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    {
      // Before the roster, so the forced door is row (and incident) #1.
      journal::Journal journal(db());
      std::vector<core::Event> events(1);
      events[0].kind = core::EventKind::door_forced;
      events[0].time = at(1);
      events[0].door = core::DoorId{"lobby-main"};
      journal.append(events);
    }
    std::ostringstream out, err;
    ASSERT_EQ(
        person_import(ImportArgs{(fs::path(VIGIL_SOURCE_DIR) / "config/demo/people.csv").string(),
                                 site(), db(), false},
                      out, err),
        0)
        << err.str();
    auto ctx = incident_context(db(), site(), err);
    ASSERT_TRUE(ctx) << err.str();
    ctx_ = *ctx;
    ctx_.now = at(100);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string db() const { return (dir_ / "vigil.db").string(); }
  static std::string site() {
    return (fs::path(VIGIL_SOURCE_DIR) / "config/demo/site.yaml").string();
  }
  IncidentContext as(const std::string& who, int second) const {
    auto c = ctx_;
    c.operator_name = who;
    c.now = at(second);
    return c;
  }

  template <class Command>
  std::string run(Command command, int expect = 0) {
    std::ostringstream out, err;
    EXPECT_EQ(command(out, err), expect) << out.str() << err.str();
    return out.str() + err.str();
  }

  fs::path dir_;
  IncidentContext ctx_;
};

TEST_F(IncidentCommands, FormTextAndJsonCarryTheEscalationChainWithEachAcknowledgement) {
  run([&](auto& o, auto& e) { return incident_ack(as("ana", 10), "1", o, e); });
  run([&](auto& o, auto& e) {
    return incident_escalate(as("ana", 20), "1", "forced twice this week", o, e);
  });
  run([&](auto& o, auto& e) { return incident_ack(as("bo", 30), "#1", o, e); });
  run([&](auto& o, auto& e) {
    return incident_resolve(as("bo", 40), "1", "hinge repaired, footage kept", o, e);
  });

  const auto text = run([&](auto& o, auto& e) { return incident_form(ctx_, "1", false, o, e); });
  for (const char* line : {
           "Incident notification form: incident #1",
           "What:   door_forced (major): Door forced open: door lobby-main",
           "Where:  zone lobby, door lobby-main",
           "State:  resolved at level 2 (security_officer)",
           "acknowledged by ana at level 1 (shift_lead)",
           "escalated by ana to level 2 (security_officer): forced twice this week",
           "resolved by bo at level 2 (security_officer): hinge repaired, footage kept",
           "1. shift_lead  reached ",
           "acknowledged by ana at 2025-11-24T16:00:10.000000Z",
           "2. security_officer  reached 2025-11-24T16:00:20.000000Z (escalated by ana)  "
           "acknowledged by bo at 2025-11-24T16:00:30.000000Z",
           "3. ethics_unit  not reached",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "\n" << text;
  }

  const auto json = nlohmann::json::parse(
      run([&](auto& o, auto& e) { return incident_form(ctx_, "1", true, o, e); }));
  EXPECT_EQ(json["incident"], 1);
  EXPECT_EQ(json["state"], "resolved");
  EXPECT_EQ(json["where"]["zone"], "lobby");
  ASSERT_EQ(json["escalation"].size(), 3u);
  EXPECT_EQ(json["escalation"][0]["name"], "shift_lead");
  EXPECT_EQ(json["escalation"][0]["acknowledged"]["by"], "ana");
  EXPECT_EQ(json["escalation"][1]["escalated_by"], "ana");
  EXPECT_EQ(json["escalation"][1]["acknowledged"]["by"], "bo");
  EXPECT_EQ(json["escalation"][1]["acknowledged"]["at"], "2025-11-24T16:00:30.000000Z");
  EXPECT_EQ(json["escalation"][2]["reached"], false);
  ASSERT_EQ(json["done"].size(), 4u);
  EXPECT_EQ(json["done"][3]["action"], "resolved");
  EXPECT_EQ(json["resolution"]["note"], "hinge repaired, footage kept");
}

TEST_F(IncidentCommands, RefusedActionsSayWhyAndExitOne) {
  run([&](auto& o, auto& e) { return incident_resolve(as("ana", 10), "1", "false alarm", o, e); });
  const auto again =
      run([&](auto& o, auto& e) { return incident_ack(as("bo", 11), "1", o, e); }, 1);
  EXPECT_NE(again.find("incident 1 is already resolved (by ana at 2025-11-24T16:00:10.000000Z); "
                       "a resolved incident cannot be acknowledged"),
            std::string::npos)
      << again;
  const auto unknown = run([&](auto& o, auto& e) { return incident_ack(ctx_, "7", o, e); }, 1);
  EXPECT_NE(unknown.find("no incident 7"), std::string::npos) << unknown;
  const auto no_note =
      run([&](auto& o, auto& e) { return incident_resolve(ctx_, "1", "", o, e); }, 2);
  EXPECT_NE(no_note.find("needs --note"), std::string::npos) << no_note;
  const auto bad_id = run([&](auto& o, auto& e) { return incident_ack(ctx_, "1x", o, e); }, 2);
  EXPECT_NE(bad_id.find("an incident id is the number"), std::string::npos) << bad_id;
}

TEST_F(IncidentCommands, ReportedAnomalyIsListedWithItsReporterAndFilteredByStateAndZone) {
  const auto reported = run([&](auto& o, auto& e) {
    return incident_report(as("ana", 50),
                           {"approach", "server-room", "asked about the alarm codes", "p02"}, o, e);
  });
  const auto line =
      reported.find("  open  L1 shift_lead  major  reported_anomaly  zone server-room");
  ASSERT_NE(line, std::string::npos) << reported;
  ASSERT_EQ(reported.front(), '#') << reported;
  const std::string id = reported.substr(1, line - 1);  // "#N  open ..."

  const auto all =
      run([&](auto& o, auto& e) { return incident_list(ctx_, std::nullopt, std::nullopt, o, e); });
  EXPECT_NE(all.find("#1  open"), std::string::npos) << all;
  EXPECT_NE(all.find("#" + id + "  open"), std::string::npos) << all;
  const auto server = run([&](auto& o, auto& e) {
    return incident_list(ctx_, std::nullopt, std::string("server-room"), o, e);
  });
  EXPECT_EQ(server.find("#1 "), std::string::npos) << server;
  EXPECT_NE(server.find("#" + id + " "), std::string::npos) << server;

  run([&](auto& o, auto& e) { return incident_ack(as("bo", 60), id, o, e); });
  const auto open = run([&](auto& o, auto& e) {
    return incident_list(ctx_, std::string("open"), std::nullopt, o, e);
  });
  EXPECT_NE(open.find("#1 "), std::string::npos) << open;
  EXPECT_EQ(open.find("#" + id + " "), std::string::npos) << open;

  const auto form = run([&](auto& o, auto& e) { return incident_form(ctx_, id, false, o, e); });
  EXPECT_NE(form.find("Who:    person p02; reported by ana"), std::string::npos) << form;

  const auto bad_kind = run(
      [&](auto& o, auto& e) {
        return incident_report(ctx_, {"bribe", "lobby", "x", std::nullopt}, o, e);
      },
      2);
  EXPECT_NE(bad_kind.find("--kind is approach, probing"), std::string::npos) << bad_kind;
  const auto bad_zone = run(
      [&](auto& o, auto& e) {
        return incident_report(ctx_, {"gift", "atlantis", "x", std::nullopt}, o, e);
      },
      2);
  EXPECT_NE(bad_zone.find("no zone 'atlantis'"), std::string::npos) << bad_zone;
}

}  // namespace
}  // namespace vigil::ctl
