// The inspector's script (scripts/verify_journal.py, printed in
// docs/journal.md) must agree with Journal::verify() on a journal this code
// wrote, byte layout and all. Skipped where no python3 was found at configure.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "journal_test_support.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace {

using testing::RawSql;
using testing::TempDir;

struct ScriptRun {
  int exit_code = -1;
  std::string output;
};

ScriptRun run_script([[maybe_unused]] const std::filesystem::path& journal) {
  ScriptRun run;
#ifdef VIGIL_PYTHON3
  std::string command = std::string{"'"} + VIGIL_PYTHON3 + "' '" + VIGIL_SOURCE_DIR +
                        "/scripts/verify_journal.py' '" + journal.string() + "' 2>&1";
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
// a negative timestamp, the largest card number, every kind of row.
std::vector<core::Event> awkward_events() {
  auto events = testing::sample_events(20);
  core::Event odd;
  odd.time = core::from_unix_micros(-1);
  odd.kind = core::EventKind::read_error;
  odd.reader = core::ReaderId{"Tür-Süd ☂"};
  odd.person = core::PersonId{""};
  odd.card = core::CardNumber{.facility = 4'294'967'295u, .number = 18'446'744'073'709'551'615u};
  odd.detail = "bits=26 raw=10110011100011110000111101";
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

TEST_F(PythonVerifier, NamesTheSameEditedRow) {
  RawSql{path()}.exec("UPDATE events SET detail = 'bits=26' WHERE seq = 4");
  auto run = run_script(path());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.output, "row 4: altered (hash mismatch)\n");
  EXPECT_EQ(Journal{path()}.verify().message, "row 4: altered (hash mismatch)");
}

TEST_F(PythonVerifier, NamesTheSameDeletedRow) {
  RawSql{path()}.exec("DELETE FROM events WHERE seq = 9");
  auto run = run_script(path());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.output, "row 9: missing (seq jumps from 8 to 10)\n");
  EXPECT_EQ(Journal{path()}.verify().message, "row 9: missing (seq jumps from 8 to 10)");
}

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(JournalDocs, ScriptPrintedInTheDocsIsTheTestedScript) {
  auto doc = read_file(std::string{VIGIL_SOURCE_DIR} + "/docs/journal.md");
  auto script = read_file(std::string{VIGIL_SOURCE_DIR} + "/scripts/verify_journal.py");
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
