// journal.archive_dir and the archive lock (docs/journal.md, "Archives" and
// "The archive lock"): archives go where the config says and every reader
// finds them there; a walk across archives never sees a month half moved.
// The test holds the lock itself, so waiting is shown without sleeping: the
// walk's on_wait hook is where the "other process" finishes.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "journal_test_support.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/journal/archive_lock.hpp"
#include "vigil/journal/export_row.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace archive_lock_test {

namespace fs = std::filesystem;
using testing::TempDir;

core::TimePoint lock_test_utc(unsigned m, unsigned d) {
  using namespace std::chrono;
  return core::TimePoint{duration_cast<core::Duration>(
      (sys_days{year{2026} / month{m} / day{d}} + hours{9}).time_since_epoch())};
}

// Three rows a month, August to November 2026.
class LockedSite {
 public:
  LockedSite() {
    Journal j(db());
    std::vector<core::Event> events;
    for (unsigned month = 8; month <= 11; ++month) {
      for (unsigned day = 1; day <= 3; ++day) {
        core::Event e;
        e.time = lock_test_utc(month, day * 5);
        e.kind = core::EventKind::access_granted;
        e.person = core::PersonId{"p-ann"};
        e.door = core::DoorId{"lab-door"};
        e.zone = core::ZoneId{"lab"};
        events.push_back(e);
      }
    }
    j.append(events);
  }
  fs::path db() const { return dir_.file("journal.db"); }
  fs::path elsewhere() const { return dir_.file("old-months"); }
  std::vector<ArchiveRecord> archive(const JournalOptions& options) const {
    return archive_before(db(), "2026-10", lock_test_utc(11, 29), "dora", options);
  }

 private:
  TempDir dir_;
};

JournalOptions waiting(std::chrono::milliseconds wait, std::function<void()> on_wait = {}) {
  JournalOptions o;
  o.archive_lock_wait = wait;
  o.on_archive_lock_wait = std::move(on_wait);
  return o;
}

std::string thrown_by(const std::function<void()>& f) {
  try {
    f();
  } catch (const JournalError& e) {
    return e.what();
  }
  return "(nothing thrown)";
}

TEST(ArchiveDir, ArchivesGoToTheConfiguredFolderAndEveryReaderFindsThemThere) {
  LockedSite site;
  JournalOptions options;
  options.archive_dir = site.elsewhere();
  const auto made = site.archive(options);
  ASSERT_EQ(made.size(), 2u);  // August, September
  EXPECT_TRUE(fs::exists(site.elsewhere() / "2026-08.db"));
  EXPECT_TRUE(fs::exists(site.elsewhere() / "2026-09.db"));
  EXPECT_FALSE(fs::exists(archive_dir(site.db())));
  const Journal live(site.db(), options);
  EXPECT_EQ(live.archive_dir(), site.elsewhere());
  const auto chain = verify_with_archives(live);
  EXPECT_TRUE(chain.ok) << chain.message;
  EXPECT_EQ(chain.rows, 14u);  // 12 rows and 2 journal_archived records
  EXPECT_EQ(query_with_archives(live, {.person = core::PersonId{"p-ann"}}).size(), 12u);
  std::size_t exported = 0;
  for_each_row_with_archives(live, {}, [&](const ExportRow&) { ++exported; });
  EXPECT_EQ(exported, 14u);
  EXPECT_TRUE(hash_at_with_archives(live, 1));
  // Read as if the folder were beside the journal: the archives are named missing.
  const auto beside = verify_with_archives(Journal(site.db()));
  EXPECT_FALSE(beside.ok);
  EXPECT_NE(beside.message.find("missing (" + (archive_dir(site.db()) / "2026-08.db").string()),
            std::string::npos)
      << beside.message;
}

TEST(ArchiveLock, AWalkRefusesWhileAMonthIsMovingAndSaysWhy) {
  LockedSite site;
  const ArchiveLock archiver(site.db(), ArchiveLock::Mode::exclusive, std::chrono::milliseconds{0});
  ASSERT_TRUE(archiver.held());
  const Journal live(site.db(), waiting(std::chrono::milliseconds{0}));
  for (const auto& walk : std::vector<std::function<void()>>{
           [&] { verify_with_archives(live); },
           [&] { query_with_archives(live, {}); },
           [&] { for_each_row_with_archives(live, {}, [](const ExportRow&) {}); },
           [&] { hash_at_with_archives(live, 1); },
       }) {
    const std::string why = thrown_by(walk);
    EXPECT_NE(why.find("archived months are being moved"), std::string::npos) << why;
    EXPECT_NE(why.find(archive_lock_path(site.db()).string()), std::string::npos) << why;
  }
}

TEST(ArchiveLock, AWalkWaitsForTheMonthToMoveAndThenSeesTheWholeChain) {
  LockedSite site;
  // Another process's archiver has started: it holds the lock.
  std::optional<ArchiveLock> archiver;
  archiver.emplace(site.db(), ArchiveLock::Mode::exclusive, std::chrono::milliseconds{0});
  int waits = 0;
  const Journal live(site.db(), waiting(std::chrono::seconds{30}, [&] {
                       ++waits;
                       // ... and finishes while the walk waits: the months move for real.
                       archiver.reset();
                       ASSERT_EQ(site.archive({}).size(), 2u);
                     }));
  const auto chain = verify_with_archives(live);
  EXPECT_EQ(waits, 1);
  EXPECT_TRUE(chain.ok) << chain.message;
  EXPECT_NE(chain.message.find("in 2 archive(s)"), std::string::npos) << chain.message;
}

TEST(ArchiveLock, TheArchiverWaitsForAWalkThenRefusesLeavingTheRowsLive) {
  LockedSite site;
  std::optional<ArchiveLock> walk;
  walk.emplace(site.db(), ArchiveLock::Mode::shared, std::chrono::milliseconds{0});
  const std::string why = thrown_by([&] { site.archive(waiting(std::chrono::milliseconds{0})); });
  EXPECT_NE(why.find("a walk of the chain"), std::string::npos) << why;
  EXPECT_NE(why.find("nothing was archived"), std::string::npos) << why;
  EXPECT_FALSE(fs::exists(archive_dir(site.db()) / "2026-08.db"));
  EXPECT_EQ(Journal(site.db()).last_seq(), 12u);
  // A second walk may run beside the first: shared locks do not exclude each other.
  {
    const ArchiveLock second(site.db(), ArchiveLock::Mode::shared, std::chrono::milliseconds{0});
    EXPECT_TRUE(second.held());
  }
  // When the walks end while the archiver waits, it moves the months.
  int waits = 0;
  const auto made = site.archive(waiting(std::chrono::seconds{30}, [&] {
    ++waits;
    walk.reset();
  }));
  EXPECT_EQ(waits, 1);
  EXPECT_EQ(made.size(), 2u);
  EXPECT_TRUE(verify_with_archives(Journal(site.db())).ok);
}

}  // namespace archive_lock_test
}  // namespace vigil::journal
