// RosterWatch on a real io_context and a real SQLite file, without vigild:
// a committed roster change reaches the directory on the loop's thread and
// is journalled; event appends alone never cause a reload.
#include "vigil/app/roster_watch.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "vigil/journal/roster.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::app {
namespace {

using namespace std::chrono_literals;

core::TimePoint now() {
  return std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
}

journal::RosterFile roster_of(const std::string& id, std::uint64_t card) {
  return journal::RosterFile{
      .people = {core::Person{core::PersonId{id}, "Anna", true, {}}},
      .credentials = {core::Credential{{12, card}, core::PersonId{id}, true, {}, {}}},
      .name = "people.csv",
      .sha256 = journal::sha256_hex(id),
      .replace = true};
}

class RosterWatchTest : public ::testing::Test {
 protected:
  // Runs the loop until `done` holds or 5 s pass; true if it held.
  template <class Done>
  bool run_until(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io_.restart();
      io_.run_for(10ms);
    }
    return true;
  }

  testing::TempDir dir_{"vigil-roster-watch"};
  std::filesystem::path db_ = dir_.file("vigil.db");
  journal::Roster roster_{db_, "tester"};
  boost::asio::io_context io_;
  core::PeopleDirectory people_;
  std::vector<core::Event> journalled_;
  std::thread::id loop_thread_ = std::this_thread::get_id();
  bool journalled_off_loop_ = false;
  RosterWatch watch_{io_, db_, people_,
                     [this](core::Event e) {
                       journalled_off_loop_ |= std::this_thread::get_id() != loop_thread_;
                       journalled_.push_back(std::move(e));
                     },
                     RosterWatchOptions{.interval = 10ms}};
};

TEST_F(RosterWatchTest, AppliesACommittedChangeOnTheLoopAndJournalsIt) {
  roster_.import(roster_of("p1", 1001), now());
  watch_.load();
  EXPECT_TRUE(people_.find_card({12, 1001}).has_value());
  watch_.start();

  roster_.import(roster_of("p1", 1777), now());  // a changed card
  ASSERT_TRUE(run_until([&] { return !journalled_.empty(); }));
  EXPECT_FALSE(journalled_off_loop_);
  EXPECT_FALSE(people_.find_card({12, 1001})->credential.active());
  EXPECT_TRUE(people_.find_card({12, 1777})->credential.active());
  EXPECT_EQ(journalled_[0].kind, core::EventKind::roster_reloaded);
  EXPECT_EQ(core::attr_int(journalled_[0].attrs, "version"),
            static_cast<std::int64_t>(roster_.store().version()));
  EXPECT_EQ(core::attr_int(journalled_[0].attrs, "credentials"), 2);
  EXPECT_EQ(watch_.version(), roster_.store().version());
}

TEST_F(RosterWatchTest, EventAppendsAloneNeverReload) {
  watch_.load();
  watch_.start();
  journal::Journal journal{db_};
  for (int i = 0; i < 5; ++i) {
    std::vector<core::Event> events(1);
    events[0].kind = core::EventKind::door_opened;
    events[0].time = now();
    journal.append(events);
  }
  roster_.import(roster_of("p1", 1001), now());
  ASSERT_TRUE(run_until([&] { return !journalled_.empty(); }));
  // The first reload is the roster change's, not one for the appends.
  EXPECT_EQ(core::attr_int(journalled_[0].attrs, "people"), 1);
  EXPECT_EQ(core::attr_int(journalled_[0].attrs, "version"),
            static_cast<std::int64_t>(roster_.store().version()));
}

TEST_F(RosterWatchTest, AfterStopNoReloadIsApplied) {
  watch_.load();
  watch_.start();
  watch_.stop();
  roster_.import(roster_of("p1", 1001), now());
  io_.restart();
  io_.poll();  // the thread is joined: nothing can be posted any more
  EXPECT_TRUE(journalled_.empty());
  EXPECT_FALSE(people_.find_card({12, 1001}).has_value());
}

}  // namespace
}  // namespace vigil::app
