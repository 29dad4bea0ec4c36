// vigilctl status, reading the status file vigild keeps beside the journal.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "vigil/ctl/commands.hpp"

namespace vigil::ctl {
namespace {

namespace fs = std::filesystem;

class StatusCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vigilctl-status-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string db() const { return (dir_ / "journal.db").string(); }
  void write_status(const std::string& written) {
    std::ofstream(db() + ".status.json")
        << R"({"v":1,"written":")" << written << R"(","written_us":1795936200000000)"
        << R"(,"modbus":[{"device":"io1","online":true,"polls":1200,"errors":0,"timeouts":0,)"
           R"("exceptions":0,"crc_errors":0,"bad_frames":0,"offline_transitions":0,)"
           R"("failure_streak":0,"write_failures":0},)"
           R"({"device":"line-unit-2","online":false,"polls":900,"errors":14,"timeouts":9,)"
           R"("exceptions":2,"crc_errors":3,"bad_frames":0,"offline_transitions":1,)"
           R"("failure_streak":4,"write_failures":1}]})";
  }
  static core::TimePoint at(const char* iso) {
    // 2026-11-29T07:10:00Z and a few seconds on.
    const std::int64_t base = 1'795'936'200'000'000;
    return core::from_unix_micros(base + std::stoll(iso) * 1'000'000);
  }

  fs::path dir_;
};

TEST_F(StatusCommand, ShowsEachModbusDeviceWithItsCounters) {
  write_status("2026-11-29T07:10:00.000000Z");
  std::ostringstream out, err;
  ASSERT_EQ(status_show(db(), at("2"), out, err), 0) << err.str();
  const std::string table = out.str();
  EXPECT_NE(table.find("(2 s ago)"), std::string::npos) << table;
  EXPECT_NE(table.find("timeouts"), std::string::npos);
  // The offline unit's row, with its counters in column order.
  std::istringstream rows(table);
  std::string line, unit_row;
  while (std::getline(rows, line))
    if (line.rfind("line-unit-2", 0) == 0) unit_row = line;
  std::istringstream cells(unit_row);
  std::vector<std::string> c{std::istream_iterator<std::string>(cells), {}};
  EXPECT_EQ(
      c, (std::vector<std::string>{"line-unit-2", "NO", "900", "9", "2", "3", "0", "1", "4", "1"}));
}

TEST_F(StatusCommand, OldStatusSaysVigildIsNotRunning) {
  write_status("2026-11-29T07:10:00.000000Z");
  std::ostringstream out, err;
  EXPECT_EQ(status_show(db(), at("60"), out, err), 1);
  EXPECT_NE(err.str().find("vigild is not running"), std::string::npos) << err.str();
}

TEST_F(StatusCommand, MissingOrBrokenStatusFileIsAnErrorNotACrash) {
  std::ostringstream out, err;
  EXPECT_EQ(status_show(db(), at("0"), out, err), 1);
  EXPECT_NE(err.str().find("no status file"), std::string::npos);
  std::ofstream(db() + ".status.json") << R"({"v":1,"written":"yesterday","modbus":[{)";
  EXPECT_EQ(status_show(db(), at("0"), out, err), 1);
  EXPECT_NE(err.str().find("unreadable status"), std::string::npos);
}

}  // namespace
}  // namespace vigil::ctl
