// vigild's incident-state publication, on a real SQLite file: an action
// vigilctl journals on another connection becomes one retained state row
// in the outbox, and a reported anomaly its incident and its state "open".
#include "vigil/app/incident_state_watch.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "vigil/journal/incident_log.hpp"
#include "vigil/mqtt/outbox.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::app {
namespace {

core::TimePoint at(int second) {
  return core::from_unix_micros(1'764'000'000'000'000 + std::int64_t{second} * 1'000'000);
}

class IncidentStateWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    journal::Journal journal(db_);
    std::vector<core::Event> events(1);
    events[0].kind = core::EventKind::door_forced;  // incident 1
    events[0].time = at(1);
    events[0].door = core::DoorId{"lobby-main"};
    journal.append(events);
  }
  IncidentStateWatch watch() {
    return IncidentStateWatch(db_,
                              mqtt::TopicTree("vigil", core::SiteId("s"), core::GatewayId("g")),
                              "0a1b2c3d", {}, {{"lobby-main", core::ZoneId("lobby")}}, {});
  }
  journal::IncidentLog ctl(const std::string& who) {
    return journal::IncidentLog(
        db_, who, journal::IncidentLogOptions{{}, {{"lobby-main", core::ZoneId("lobby")}}});
  }

  vigil::testing::TempDir dir_;
  std::filesystem::path db_ = dir_.file("vigil.db");
};

TEST_F(IncidentStateWatchTest, AnAcknowledgementByVigilctlBecomesOneRetainedState) {
  auto w = watch();
  EXPECT_EQ(w.poll(), 0u) << "nothing happened to any incident yet";
  ctl("ana").acknowledge(1, at(10));
  ASSERT_EQ(w.poll(), 1u);
  EXPECT_EQ(w.poll(), 0u) << "published once";

  mqtt::Outbox outbox(db_);
  const auto rows = outbox.peek(10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].topic, "vigil/v1/s/g/incident-state/0a1b2c3d/1");
  EXPECT_TRUE(rows[0].retain);
  const auto j = nlohmann::json::parse(rows[0].payload);
  EXPECT_EQ(j["state"], "acknowledged");
  EXPECT_EQ(j["by"], "ana");
  EXPECT_EQ(j["zone"], "lobby");
  EXPECT_EQ(j["id"], "s/g/0a1b2c3d/1");
}

TEST_F(IncidentStateWatchTest, AReportedAnomalyBecomesAnIncidentAndAnOpenState) {
  auto w = watch();
  ctl("ana").report(core::AnomalyKind::probing, core::ZoneId("offices"),
                    "asked which doors have no camera", std::nullopt, at(20));
  ASSERT_EQ(w.poll(), 2u);
  mqtt::Outbox outbox(db_);
  const auto rows = outbox.peek(10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].topic, "vigil/v1/s/g/incident/major/offices");
  EXPECT_FALSE(rows[0].retain);
  EXPECT_EQ(nlohmann::json::parse(rows[0].payload)["kind"], "reported_anomaly");
  EXPECT_EQ(rows[1].topic, "vigil/v1/s/g/incident-state/0a1b2c3d/2");
  EXPECT_EQ(nlohmann::json::parse(rows[1].payload)["state"], "open");
}

TEST_F(IncidentStateWatchTest, ARestartedWatchDoesNotPublishTheSameStatesAgain) {
  ctl("ana").resolve(1, "false alarm", at(10));
  EXPECT_EQ(watch().poll(), 1u);
  EXPECT_EQ(watch().poll(), 0u) << "the cursor committed with the rows";
  ctl("ana").report(core::AnomalyKind::gift, core::ZoneId("lobby"), "flowers", std::nullopt,
                    at(30));
  EXPECT_EQ(watch().poll(), 2u);
}

}  // namespace
}  // namespace vigil::app
