// vigilctl flag and trip commands as the ethics unit runs them: each change
// is printed, journalled with the operator, and reaches the directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "vigil/ctl/commands.hpp"
#include "vigil/journal/people_store.hpp"

namespace vigil::ctl {
namespace {

namespace fs = std::filesystem;

class RiskCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vigilctl-risk-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const fs::path csv = dir_ / "people.csv";
    std::ofstream(csv) << "person_id,name,card,access_levels\np01,Anna,12:1001,staff\n";
    std::ostringstream out, err;
    ASSERT_EQ(
        person_import(ImportArgs{csv.string(),
                                 (fs::path(VIGIL_SOURCE_DIR) / "config/demo/site.yaml").string(),
                                 db(), false},
                      out, err),
        0)
        << err.str();
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string db() const { return (dir_ / "vigil.db").string(); }

  template <class Command>
  std::string run(Command command, int expect = 0) {
    std::ostringstream out, err;
    EXPECT_EQ(command(out, err), expect) << err.str();
    return out.str() + err.str();
  }

  fs::path dir_;
};

TEST_F(RiskCommands, FlagSetListAndClearAreJournalledWithTheOperator) {
  const auto set = run([&](auto& out, auto& err) {
    return flag_set(FlagSetArgs{db(), "p01", "suspend", "leak inquiry 17", "2026-12-31"}, out, err);
  });
  EXPECT_NE(set.find("flag_set"), std::string::npos) << set;
  EXPECT_NE(set.find("operator=" + current_operator()), std::string::npos) << set;

  const auto listed = run([&](auto& out, auto& err) { return flag_list(db(), out, err); });
  EXPECT_NE(listed.find("p01  suspend  until 2026-12-31  set by " + current_operator()),
            std::string::npos)
      << listed;
  EXPECT_NE(listed.find("reason: leak inquiry 17"), std::string::npos) << listed;

  const auto cleared = run(
      [&](auto& out, auto& err) { return flag_clear(db(), "p01", "inquiry closed", out, err); });
  EXPECT_NE(cleared.find("flag_cleared"), std::string::npos) << cleared;
  EXPECT_EQ(run([&](auto& out, auto& err) { return flag_list(db(), out, err); }), "");
}

TEST_F(RiskCommands, BadArgumentsSaySoAndChangeNothing) {
  EXPECT_NE(run(
                [&](auto& out, auto& err) {
                  return flag_set(FlagSetArgs{db(), "p01", "watched", "x", std::nullopt}, out, err);
                },
                2)
                .find("expected a flag watch or suspend"),
            std::string::npos);
  EXPECT_NE(run(
                [&](auto& out, auto& err) {
                  return trip_add(TripAddArgs{db(), "p01", "2026-12-01", "2026-13-01", "XX", "A"},
                                  out, err);
                },
                2)
                .find("--to: expected a date"),
            std::string::npos);
  EXPECT_NE(run([&](auto& out, auto& err) { return trip_return(db(), "x1", "", out, err); }, 2)
                .find("expected a trip number"),
            std::string::npos);
  EXPECT_NE(
      run(
          [&](auto& out, auto& err) {
            return flag_set(FlagSetArgs{db(), "nobody", "watch", "x", std::nullopt}, out, err);
          },
          1)
          .find("no person 'nobody'"),
      std::string::npos);
  EXPECT_TRUE(journal::PeopleStore(db()).list_flags().empty());
}

TEST_F(RiskCommands, TripAddListAndReturn) {
  const auto added = run([&](auto& out, auto& err) {
    return trip_add(TripAddArgs{db(), "p01", "2026-12-01", "2026-12-05", "XX", "APP-7"}, out, err);
  });
  EXPECT_NE(added.find("trip_added"), std::string::npos) << added;
  EXPECT_NE(added.find("trip=1"), std::string::npos) << added;
  const auto listed =
      run([&](auto& out, auto& err) { return trip_list(db(), std::string{"p01"}, out, err); });
  EXPECT_EQ(listed,
            "trip 1  p01  2026-12-01 .. 2026-12-05  XX  approval APP-7  no return report\n");
  const auto returned =
      run([&](auto& out, auto& err) { return trip_return(db(), "1", "report R-1", out, err); });
  EXPECT_NE(returned.find("trip_returned"), std::string::npos) << returned;
  EXPECT_NE(run([&](auto& out, auto& err) {
              return trip_list(db(), std::nullopt, out, err);
            }).find("returned"),
            std::string::npos);
  EXPECT_NE(run([&](auto& out, auto& err) { return trip_return(db(), "1", "", out, err); }, 1)
                .find("already recorded"),
            std::string::npos);
}

}  // namespace
}  // namespace vigil::ctl
