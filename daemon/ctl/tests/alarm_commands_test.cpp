// vigilctl alarm and fire requests: written into the database for a running
// vigild, taken once, refused for a zone the site config does not have; and
// alarm status folded from the journal.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "vigil/core/alarm.hpp"
#include "vigil/ctl/alarm_commands.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/operator_commands.hpp"

namespace vigil::ctl {
namespace {

namespace fs = std::filesystem;

class AlarmCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vigilctl-alarm-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    journal::Journal j(db());  // the file as vigild creates it
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string db() const { return (dir_ / "journal.db").string(); }
  std::string config() const {
    const auto path = dir_ / "site.yaml";
    std::ofstream(path)
        << "site: { id: hq, gateway: gw1, time_zone: UTC }\n"
        << "journal: { path: journal.db }\n"
        << "devices:\n"
        << "  - { id: io1, type: modbus_tcp, host: 127.0.0.1, port: 1502 }\n"
        << "alarm_zones:\n"
        << "  - id: store\n"
        << "    sensors:\n"
        << "      - { name: pir, kind: motion, point: { device: io1, input: 3 } }\n";
    return path.string();
  }
  core::TimePoint now_{std::chrono::hours(500'000)};
  fs::path dir_;
};

TEST_F(AlarmCommands, ArmRequestIsTakenOnceWithTheOperator) {
  std::ostringstream out, err;
  ASSERT_EQ(alarm_request(db(), "alarm_arm", "store", true, config(), now_, out, err), 0)
      << err.str();
  journal::OperatorCommands commands(db());
  const auto taken = commands.take_pending(now_);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].kind, "alarm_arm");
  EXPECT_EQ(taken[0].target, "store");
  EXPECT_TRUE(taken[0].bypass);
  EXPECT_FALSE(taken[0].operator_name.empty());
  EXPECT_EQ(taken[0].requested_at, now_);
  EXPECT_TRUE(commands.take_pending(now_).empty()) << "applied once";
}

TEST_F(AlarmCommands, UnknownZoneIsRefusedBeforeAnythingIsWritten) {
  std::ostringstream out, err;
  EXPECT_EQ(alarm_request(db(), "alarm_arm", "stroe", false, config(), now_, out, err), 2);
  EXPECT_NE(err.str().find("no alarm zone 'stroe'"), std::string::npos) << err.str();
  EXPECT_TRUE(journal::OperatorCommands(db()).take_pending(now_).empty());
}

TEST_F(AlarmCommands, FireResetIsARequestForTheDaemon) {
  std::ostringstream out, err;
  ASSERT_EQ(fire_request(db(), "fire_reset", now_, out, err), 0) << err.str();
  const auto taken = journal::OperatorCommands(db()).take_pending(now_);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].kind, "fire_reset");
}

TEST_F(AlarmCommands, StatusShowsEachZonesLastStateAndWho) {
  {
    journal::Journal j(db());
    core::AlarmPanel panel({core::AlarmZone{core::ZoneId("store"), "Store", {}, {}, {}, {}}});
    core::Effects fx = panel.arm(core::ZoneId("store"), core::AlarmActor{"oscar", {}, {}}, false,
                                 {now_, core::MonoTime{std::chrono::hours(1)}});
    j.append(fx.events);
  }
  std::ostringstream out, err;
  ASSERT_EQ(alarm_status(db(), out, err), 0) << err.str();
  EXPECT_NE(out.str().find("store  armed"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("by oscar"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace vigil::ctl
