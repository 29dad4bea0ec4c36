// The inspector's script (scripts/verify_journal.py, printed in
// docs/journal.md) must agree with Journal::verify() on a journal this code
// wrote, byte layout and all. Skipped where no python3 was found at configure.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "journal_test_support.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace {

using testing::RawSql;
using testing::TempDir;

struct ScriptRun {
  int exit_code = -1;
  std::string output;
};

ScriptRun run_script([[maybe_unused]] const std::filesystem::path& journal,
                     [[maybe_unused]] const std::string& options = {}) {
  ScriptRun run;
#ifdef VIGIL_PYTHON3
  // Built with a stream: gcc 12's -Warray-bounds misfires on a chain of
  // std::string + literal here (it depends on the literals' lengths).
  std::ostringstream text;
  text << "'" << VIGIL_PYTHON3 << "' '" << VIGIL_SOURCE_DIR << "/scripts/verify_journal.py' '"
       << journal.string() << "' " << options << " 2>&1";
  const std::string command = text.str();
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) run.output += buffer;
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
#endif
  return run;
}

// Every column shape the format has to carry: absent and empty fields, UTF-8,
// a negative timestamp, the largest card number, typed attributes.
std::vector<core::Event> awkward_events() {
  auto events = testing::sample_events(20);
  core::Event odd;
  odd.time = core::from_unix_micros(-1);
  odd.kind = core::EventKind::read_error;
  odd.reader = core::ReaderId{"Tür-Süd ☂"};
  odd.person = core::PersonId{""};
  odd.card = core::CardNumber{.facility = 4'294'967'295u, .number = 18'446'744'073'709'551'615u};
  odd.detail = "bits=26 raw=10110011100011110000111101";
  core::set_attr(odd.attrs, "bits", std::int64_t{-26});
  core::set_attr(odd.attrs, "parity_ok", false);
  core::set_attr(odd.attrs, "raw", std::string{"10110011 ☂"});
  events.insert(events.begin() + 3, odd);
  return events;
}

class PythonVerifier : public ::testing::Test {
 protected:
  void SetUp() override {
#ifndef VIGIL_PYTHON3
    GTEST_SKIP() << "python3 not found at configure time";
#endif
    Journal journal{path()};
    auto events = awkward_events();
    journal.append(events);
  }
  std::filesystem::path path() const {
    return dir_.file("j.db");
  }

 private:
  TempDir dir_;
};

TEST_F(PythonVerifier, AcceptsAnIntactJournalAndAgreesOnTheHead) {
  auto run = run_script(path());
  auto ours = Journal{path()}.verify();
  ASSERT_TRUE(ours.ok);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output, ours.message + "\n");
}

// Indexes are outside the chain: a file migrated from the (person_id) and
// (door_id) indexes to the (x, ts_us) ones verifies the same in both.
TEST_F(PythonVerifier, AgreesOnAFileMigratedToTheTimeIndexes) {
  auto before = run_script(path());
  {
    RawSql raw{path()};
    raw.exec(
        "DROP INDEX events_by_person_time; DROP INDEX events_by_door_time;"
        "CREATE INDEX events_by_person ON events(person_id) WHERE person_id IS NOT NULL;"
        "CREATE INDEX events_by_door ON events(door_id) WHERE door_id IS NOT NULL;");
  }
  auto ours = Journal{path()}.verify();  // the open migrates
  RawSql raw{path()};
  EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_master WHERE name = 'events_by_person'"), 0);
  auto after = run_script(path());
  EXPECT_EQ(after.exit_code, 0) << after.output;
  EXPECT_EQ(after.output, before.output);
  EXPECT_EQ(after.output, ours.message + "\n");
}

TEST(PythonVerifierEmpty, AgreesOnAnEmptyJournalsGenesisHead) {
#ifndef VIGIL_PYTHON3
  GTEST_SKIP() << "python3 not found at configure time";
#endif
  TempDir dir;
  auto ours = Journal{dir.file("j.db")}.verify();
  EXPECT_EQ(run_script(dir.file("j.db")).output, ours.message + "\n");
}

// Each tampering, applied to a fresh journal: both verifiers must name the
// same row with the same words.
struct Tampering {
  const char* what;
  std::vector<std::string> sql;
  std::string expected;
  bool drop_strict = false;
};

TEST_F(PythonVerifier, NamesTheSameDamageAsTheCppVerifier) {
  const Tampering cases[] = {
      {"altered row",
       {"UPDATE events SET detail = 'bits=26' WHERE seq = 4"},
       "row 4: altered (hash mismatch)"},
      {"deleted middle row",
       {"DELETE FROM events WHERE seq = 9"},
       "row 9: missing (seq jumps from 8 to 10)"},
      {"swapped rows",
       {"UPDATE events SET seq = -1 WHERE seq = 6", "UPDATE events SET seq = 6 WHERE seq = 7",
        "UPDATE events SET seq = 7 WHERE seq = -1"},
       "row 6: reordered (holds the entry chained as row 7)"},
      {"type changed",
       {"UPDATE events SET person_id = CAST(person_id AS BLOB) WHERE seq = 12"},
       "row 12: type_changed (person_id holds BLOB, the schema says INTEGER)",
       true},
      {"renamed name",
       {"UPDATE names SET text = 'p-9' WHERE text = 'p-4'"},
       "row 6: altered (hash mismatch)"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    auto file = dir.file("j.db");
    {
      Journal journal{file};
      auto events = awkward_events();
      journal.append(events);
    }
    if (c.drop_strict) RawSql{file}.drop_strict("events");
    {
      RawSql raw{file};
      for (const auto& sql : c.sql) raw.exec(sql);
    }
    auto run = run_script(file);
    EXPECT_EQ(run.exit_code, 1) << c.what;
    EXPECT_EQ(run.output, c.expected + "\n") << c.what;
    EXPECT_EQ(Journal{file}.verify().message, c.expected) << c.what;
  }
}

// The same on a journal many of verify()'s check batches (1,024 rows) long:
// damage deep inside and across a batch boundary.
TEST_F(PythonVerifier, NamesTheSameDamageDeepInALargeJournal) {
  const Tampering cases[] = {
      {"altered deep row",
       {"UPDATE events SET detail = 'x' WHERE seq = 15000"},
       "row 15000: altered (hash mismatch)"},
      {"type changed deep",
       {"UPDATE events SET ts_us = CAST(ts_us AS BLOB) WHERE seq = 17000"},
       "row 17000: type_changed (ts_us holds BLOB, the schema says INTEGER)",
       true},
      {"swapped across a batch boundary",
       {"UPDATE events SET seq = -1 WHERE seq = 2048",
        "UPDATE events SET seq = 2048 WHERE seq = 2049",
        "UPDATE events SET seq = 2049 WHERE seq = -1"},
       "row 2048: reordered (holds the entry chained as row 2049)"},
  };
  TempDir dir;
  auto intact = dir.file("intact.db");
  {
    Journal journal{intact};
    auto events = testing::sample_events(20'000);
    journal.append(events);
  }
  for (const auto& c : cases) {
    auto file = dir.file(std::string{"damaged-"} + std::to_string(&c - cases) + ".db");
    std::filesystem::copy_file(intact, file);
    if (c.drop_strict) RawSql{file}.drop_strict("events");
    {
      RawSql raw{file};
      for (const auto& sql : c.sql) raw.exec(sql);
    }
    auto run = run_script(file);
    EXPECT_EQ(run.exit_code, 1) << c.what;
    EXPECT_EQ(run.output, c.expected + "\n") << c.what;
    EXPECT_EQ(Journal{file}.verify().message, c.expected) << c.what;
  }
}

core::TimePoint pv_day_of_2026(unsigned month, unsigned day) {
  using namespace std::chrono;
  return core::TimePoint{duration_cast<core::Duration>(
      (sys_days{year{2026} / std::chrono::month{month} / std::chrono::day{day}} + hours{9})
          .time_since_epoch())};
}

// A journal of August to November 2026 (five rows a month) with August,
// September and October archived: three archive files and the live rows.
std::filesystem::path pv_archived_journal(const TempDir& dir) {
  const auto file = dir.file("j.db");
  {
    Journal journal{file};
    for (unsigned month = 8; month <= 11; ++month) {
      auto events = testing::sample_events(5);
      for (unsigned i = 0; i < events.size(); ++i) events[i].time = pv_day_of_2026(month, 1 + i);
      journal.append(events);
    }
  }
  archive_before(file, "2026-11", pv_day_of_2026(12, 1), "dora");
  return file;
}

// The script checks the live file and every archive as one chain (rows
// 1..15 in three archives) and names the archive that is missing, edited or
// replaced, in the words of verify_with_archives().
TEST(PythonVerifierArchives, ChecksEveryArchiveAndNamesTheDamagedOne) {
#ifndef VIGIL_PYTHON3
  GTEST_SKIP() << "python3 not found at configure time";
#endif
  const std::string second = "archive 2026-09 (2026-09.db, rows 6..10, recorded at seq 22)";
  struct Case {
    const char* what;
    void (*damage)(const std::filesystem::path& journal);
    std::string expected;  // the start of both verdicts
  };
  const Case cases[] = {
      {"intact", [](const std::filesystem::path&) {}, "ok: 23 rows (1..15 in 3 archive(s)), head "},
      {"a row of the second archive edited",
       [](const std::filesystem::path& j) {
         RawSql{archive_dir(j) / "2026-09.db"}.exec("UPDATE events SET detail = 'x' WHERE seq = 8");
       },
       second + ": row 8: altered (hash mismatch)"},
      {"the second archive removed",
       [](const std::filesystem::path& j) {
         std::filesystem::remove(archive_dir(j) / "2026-09.db");
       },
       second + ": missing ("},
      {"the second archive replaced by the third",
       [](const std::filesystem::path& j) {
         std::filesystem::copy_file(archive_dir(j) / "2026-10.db", archive_dir(j) / "2026-09.db",
                                    std::filesystem::copy_options::overwrite_existing);
       },
       second + ": "},
      {"the second archive replaced by another journal's",
       [](const std::filesystem::path& j) {
         TempDir other;
         const auto copy = pv_archived_journal(other);
         std::filesystem::copy_file(archive_dir(copy) / "2026-09.db", archive_dir(j) / "2026-09.db",
                                    std::filesystem::copy_options::overwrite_existing);
       },
       second + ": replaced: an archive of another journal ("},
  };
  for (const auto& c : cases) {
    TempDir dir;
    const auto file = pv_archived_journal(dir);
    c.damage(file);
    const auto run = run_script(file);
    const auto ours = verify_with_archives(Journal{file});
    EXPECT_EQ(run.exit_code, ours.ok ? 0 : 1) << c.what << ": " << run.output;
    EXPECT_EQ(run.output.rfind(c.expected, 0), 0u) << c.what << ": " << run.output;
    EXPECT_EQ(ours.message.rfind(c.expected, 0), 0u) << c.what << ": " << ours.message;
    EXPECT_EQ(run.output, ours.message + "\n") << c.what;
  }
}

// journal.archive_dir: the script reads archives from --archive-dir as
// vigilctl does from the config, and without it names them missing.
TEST(PythonVerifierArchives, ReadsArchivesFromTheConfiguredFolder) {
#ifndef VIGIL_PYTHON3
  GTEST_SKIP() << "python3 not found at configure time";
#endif
  TempDir dir;
  const auto file = dir.file("j.db");
  const auto folder = dir.file("months");
  {
    Journal journal{file};
    auto events = testing::sample_events(5);
    for (unsigned i = 0; i < events.size(); ++i) events[i].time = pv_day_of_2026(9 + i / 3, 1 + i);
    journal.append(events);
  }
  JournalOptions options;
  options.archive_dir = folder;
  ASSERT_EQ(archive_before(file, "2026-10", pv_day_of_2026(12, 1), "dora", options).size(), 1u);
  const auto there = run_script(file, "--archive-dir '" + folder.string() + "'");
  EXPECT_EQ(there.exit_code, 0) << there.output;
  EXPECT_EQ(there.output, verify_with_archives(Journal{file, options}).message + "\n");
  const auto beside = run_script(file);
  EXPECT_EQ(beside.exit_code, 1) << beside.output;
  EXPECT_NE(beside.output.find(": missing ("), std::string::npos) << beside.output;
}

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(JournalDocs, ScriptPrintedInTheDocsIsTheTestedScript) {
  auto doc = read_file((std::filesystem::path{VIGIL_SOURCE_DIR} / "docs/journal.md").string());
  auto script =
      read_file((std::filesystem::path{VIGIL_SOURCE_DIR} / "scripts/verify_journal.py").string());
  const std::string open = "```python\n";
  auto begin = doc.find(open);
  ASSERT_NE(begin, std::string::npos) << "no python block in docs/journal.md";
  begin += open.size();
  auto end = doc.find("```", begin);
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(doc.substr(begin, end - begin), script);
}

}  // namespace
}  // namespace vigil::journal
