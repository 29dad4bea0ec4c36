// Retention without breaking the chain (issue 10, item 5): old months move
// to archive files, verify still passes across the boundary, queries span
// archive and live rows, and a tampered, removed or replaced archive is
// named. Real SQLite files; the sqlite3 shell reads an archive as a peer.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "journal_test_support.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/journal/checkpoint.hpp"
#include "vigil/journal/gateway_key.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace archive_test {

namespace fs = std::filesystem;
using testing::RawSql;
using testing::TempDir;

core::TimePoint utc(int y, unsigned m, unsigned d, int hour) {
  using namespace std::chrono;
  return core::TimePoint{duration_cast<core::Duration>(
      (sys_days{year{y} / month{m} / day{d}} + hours{hour}).time_since_epoch())};
}

// Four rows a month, August to `last_month` 2026, alternating two people.
class ArchivedJournal {
 public:
  explicit ArchivedJournal(unsigned last_month = 11) {
    for (unsigned month = 8; month <= last_month; ++month) append_month(month);
  }
  void append_month(unsigned month) {
    Journal j(db());
    std::vector<core::Event> events;
    for (unsigned day = 1; day <= 4; ++day) {
      core::Event e;
      e.time = utc(2026, month, day * 7, 9);
      e.kind = core::EventKind::access_granted;
      e.person = core::PersonId{day % 2 ? "p-ann" : "p-ben"};
      e.door = core::DoorId{"lab-door"};
      e.zone = core::ZoneId{"lab"};
      e.detail = "day " + std::to_string(day);
      events.push_back(e);
    }
    j.append(events);
  }
  fs::path db() const { return dir_.file("journal.db"); }
  fs::path archive(const std::string& name) const { return archive_dir(db()) / name; }
  std::vector<ArchiveRecord> archive_before(const char* month,
                                            core::TimePoint now = utc(2026, 11, 29, 12)) const {
    return journal::archive_before(db(), month, now, "dora");
  }
  VerifyResult verify() const { return verify_with_archives(Journal(db())); }

 private:
  TempDir dir_;
};

std::vector<std::uint64_t> seqs_of(const std::vector<core::Event>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) out.push_back(e.seq);
  return out;
}

TEST(Archive, RetentionMovesOldMonthsAndTheChainStillVerifiesAcrossTheBoundary) {
  ArchivedJournal site(10);
  // Archived on October 20th: the records are October rows.
  const auto made = site.archive_before("2026-10", utc(2026, 10, 20, 12));
  ASSERT_EQ(made.size(), 2u);
  EXPECT_EQ(made[0].month, "2026-08");
  EXPECT_EQ(made[0].first_seq, 1u);
  EXPECT_EQ(made[0].last_seq, 4u);
  EXPECT_EQ(made[1].month, "2026-09");
  EXPECT_EQ(made[1].first_seq, 5u);
  EXPECT_EQ(made[1].last_seq, 8u);
  EXPECT_TRUE(fs::exists(site.archive("2026-08.db")));
  EXPECT_TRUE(fs::exists(site.archive("2026-09.db")));
  {
    Journal live(site.db());
    EXPECT_FALSE(live.hash_at(8).has_value());  // moved out of the live file
    EXPECT_EQ(live.query({.kinds = {core::EventKind::journal_archived}}).size(), 2u);
    EXPECT_EQ(live.last_seq(), 14u);  // 12 rows and the two records
    EXPECT_EQ(hash_at_with_archives(live, 4), std::optional<Hash>(made[0].head));
  }
  auto result = site.verify();
  EXPECT_TRUE(result.ok) << result.message;
  EXPECT_EQ(result.rows, 14u);
  EXPECT_NE(result.message.find("2 archive(s)"), std::string::npos) << result.message;

  // November comes; archiving October moves the records of August and
  // September too, and they are followed from October's archive.
  site.append_month(11);
  const auto october = site.archive_before("2026-11");
  ASSERT_EQ(october.size(), 1u);
  EXPECT_EQ(october[0].first_seq, 9u);
  EXPECT_EQ(october[0].last_seq, 14u);
  Journal live(site.db());
  EXPECT_TRUE(live.query({.kinds = {core::EventKind::journal_archived}, .after_seq = 0}).size() ==
              1u);
  EXPECT_EQ(archive_records(live).size(), 3u);
  result = site.verify();
  EXPECT_TRUE(result.ok) << result.message;
  EXPECT_NE(result.message.find("3 archive(s)"), std::string::npos) << result.message;
  // Verifying opened every archive; doing it again finds them unchanged.
  EXPECT_TRUE(site.verify().ok);
}

TEST(Archive, NothingOlderThanTheMonthMeansNoArchiveAndABadMonthIsRefused) {
  ArchivedJournal site;
  EXPECT_TRUE(site.archive_before("2026-08").empty());
  EXPECT_FALSE(fs::exists(archive_dir(site.db()) / "2026-07.db"));
  for (const char* bad : {"2026-13", "2026-1", "26-10", "2026-10x", "2026/10"}) {
    EXPECT_THROW(site.archive_before(bad), JournalError) << bad;
  }
}

TEST(Archive, AQuerySpanningArchiveAndLiveReturnsTheSameRowsAsBefore) {
  ArchivedJournal site;
  const std::vector<Filter> filters{
      {.person = core::PersonId{"p-ann"}, .from = utc(2026, 8, 15, 0), .to = utc(2026, 11, 1, 0)},
      {.zone = core::ZoneId{"lab"}, .kinds = {core::EventKind::access_granted}},
      {.door = core::DoorId{"lab-door"}, .after_seq = 3, .limit = 6},
      {.limit = 2},
  };
  std::vector<std::vector<std::uint64_t>> before;
  for (const auto& f : filters) before.push_back(seqs_of(Journal(site.db()).query(f)));
  site.archive_before("2026-10");
  for (std::size_t i = 0; i < filters.size(); ++i) {
    EXPECT_EQ(seqs_of(query_with_archives(Journal(site.db()), filters[i])), before[i]) << i;
  }
  // A missing archive is named, not silently skipped.
  fs::remove(site.archive("2026-08.db"));
  try {
    query_with_archives(Journal(site.db()), filters[0]);
    ADD_FAILURE() << "a query over a missing archive returned";
  } catch (const JournalError& e) {
    EXPECT_NE(std::string(e.what()).find("archive 2026-08"), std::string::npos) << e.what();
  }
}

TEST(Archive, TamperingWithAnArchiveIsDetectedAndTheArchiveNamed) {
  struct Case {
    const char* what;
    void (*tamper)(const ArchivedJournal&);
    const char* named;
  };
  const std::vector<Case> cases{
      {"a row edited",
       [](const ArchivedJournal& s) {
         RawSql(s.archive("2026-08.db")).exec("UPDATE events SET detail = 'nothing' WHERE seq = 2");
       },
       "archive 2026-08"},
      {"the file deleted", [](const ArchivedJournal& s) { fs::remove(s.archive("2026-09.db")); },
       "archive 2026-09"},
      {"replaced by the other month's file",
       [](const ArchivedJournal& s) {
         fs::copy_file(s.archive("2026-09.db"), s.archive("2026-08.db"),
                       fs::copy_options::overwrite_existing);
       },
       "archive 2026-08"},
      {"a row deleted and the file otherwise intact",
       [](const ArchivedJournal& s) {
         RawSql(s.archive("2026-09.db")).exec("DELETE FROM events WHERE seq = 6");
       },
       "archive 2026-09"},
  };
  for (const auto& c : cases) {
    ArchivedJournal site;
    site.archive_before("2026-10");
    ASSERT_TRUE(site.verify().ok) << c.what;
    c.tamper(site);
    const auto result = site.verify();
    EXPECT_FALSE(result.ok) << c.what;
    EXPECT_NE(result.message.find(c.named), std::string::npos) << c.what << ": " << result.message;
  }
}

TEST(Archive, ACheckpointOfAnArchivedRowIsStillChecked) {
  ArchivedJournal site;
  TempDir keys;
  const auto key = GatewayKey::load_or_create(keys.file("k"), keys.file("k.pub"));
  Checkpoint cp;
  {
    Journal j(site.db());
    cp = sign_checkpoint(key, j.journal_id(), 6, *j.hash_at(6), 1'790'000'000'000'000);
  }
  site.archive_before("2026-10");
  EXPECT_EQ(check_checkpoint(Journal(site.db()), cp, key.public_key()).problem,
            CheckpointProblem::none);
  RawSql(site.archive("2026-09.db")).exec("UPDATE events SET hash = zeroblob(32) WHERE seq = 6");
  EXPECT_NE(check_checkpoint(Journal(site.db()), cp, key.public_key()).problem,
            CheckpointProblem::none);
}

TEST(Archive, TheSqlite3ShellReadsAnArchive) {
  if (std::system("sqlite3 -version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no sqlite3 shell";
  ArchivedJournal site;
  site.archive_before("2026-10");
  const std::string cmd = "sqlite3 -readonly '" + site.archive("2026-09.db").string() +
                          "' \"SELECT count(*), min(seq), max(seq), hex(hash) FROM events WHERE "
                          "seq = (SELECT max(seq) FROM events) OR seq = 5 GROUP BY seq = 5\" "
                          "\"SELECT value FROM journal_meta WHERE key = 'archive_month'\"";
  std::unique_ptr<FILE, decltype(&pclose)> shell(popen(cmd.c_str(), "r"), pclose);
  ASSERT_TRUE(shell);
  std::string text;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, shell.get())) text += buffer;
  Journal live(site.db());
  const auto head = to_hex(*hash_at_with_archives(live, 8));
  std::string upper;
  for (char c : head) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_NE(text.find("1|8|8|" + upper), std::string::npos) << text;
  EXPECT_NE(text.find("2026-09"), std::string::npos) << text;
}

}  // namespace archive_test
}  // namespace vigil::journal
