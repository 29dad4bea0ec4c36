// vigilctl person import of a file not in person-id order (s25-import): the
// rows are written in id order, and what an operator sees is the same as for
// the sorted file: the same people, cards, levels and per-person events; a
// bad row is still named by its line in the file; --replace still
// deactivates whoever the file leaves out.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../src/people_rows_in_order.hpp"
#include "vigil/config/people_csv.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/journal/people_store.hpp"

namespace vigil::ctl {
namespace {

namespace fs = std::filesystem;

const std::string kShuffleHeader =
    "person_id,name,card,access_levels,active,valid_from,valid_until\r\n";

// Rows p00..p29 in a shuffled order; names hold commas and quotes, lines end
// in CRLF, the file starts with a byte order mark.
std::vector<std::string> sheet_rows() {
  std::vector<std::string> out;
  for (int i = 0; i < 30; ++i) {
    const std::string n = (i < 10 ? "0" : "") + std::to_string(i);
    out.push_back("p" + n + ",\"Roy, \"\"" + n + "\"\"\",12:" + std::to_string(1000 + i) +
                  (i % 2 == 0 ? ",staff;all-hours" : ",staff") + "," +
                  (i % 7 == 0 ? "false" : "true") + ",2026-01-01,2027-12-31\r\n");
  }
  return out;
}

class PersonImportOrder : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vigilctl-order-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string import(const std::string& name, const std::vector<std::string>& lines,
                     bool replace = false, int expect = 0) {
    const fs::path csv = dir_ / (name + ".csv");
    std::ofstream file(csv, std::ios::binary);
    file << "\xEF\xBB\xBF" << kShuffleHeader;
    for (const auto& line : lines) file << line;
    file.close();
    ImportArgs args{csv.string(), config().string(), db(name), replace};
    std::ostringstream out, err;
    EXPECT_EQ(person_import(args, out, err), expect) << err.str();
    return out.str() + err.str();
  }

  // Every person, card and level as `person show`-like lines, by id.
  std::string roster(const std::string& name) {
    const auto directory = journal::PeopleStore(db(name)).load();
    std::ostringstream out;
    for (int i = 0; i < 30; ++i) {
      const std::string n = (i < 10 ? "0" : "") + std::to_string(i);
      const auto person = directory.find_person(core::PersonId("p" + n));
      if (!person) continue;
      out << person->id().str() << " " << person->name() << " " << person->active();
      for (const auto& level : person->access_levels()) out << " " << level.str();
      const auto holder = directory.find_card({12, static_cast<std::uint64_t>(1000 + i)});
      out << " card " << (holder ? holder->person.id().str() : "none") << "\n";
    }
    return out.str();
  }

  // The journal's per-person events in journal order, without their times
  // (each import has its own) and without roster_imported (it names the
  // file's own SHA-256).
  std::string person_events(const std::string& name) {
    QueryArgs q;
    q.journal_path = db(name);
    q.format = "csv";
    std::ostringstream out, err;
    EXPECT_EQ(log_query(q, out, err), 0) << err.str();
    std::istringstream lines(out.str());
    std::string line, events;
    while (std::getline(lines, line)) {
      if (line.find("person_added") == std::string::npos) continue;
      events += line.substr(line.find(',', line.find(',') + 1)) + "\n";  // from the third field
    }
    return events;
  }

  fs::path config() const { return fs::path(VIGIL_SOURCE_DIR) / "config/demo/site.yaml"; }
  std::string db(const std::string& name) const { return (dir_ / (name + ".db")).string(); }

  fs::path dir_;
};

std::vector<std::string> shuffled_rows(std::vector<std::string> lines) {
  // A fixed permutation: every 7th row, wrapping (7 and 30 are coprime).
  std::vector<std::string> out;
  for (std::size_t i = 0; i < lines.size(); ++i) out.push_back(lines[(i * 7 + 3) % lines.size()]);
  return out;
}

TEST_F(PersonImportOrder, AShuffledFileImportsTheSameRosterAndEventsAsTheSortedOne) {
  const std::string sorted_report = import("sorted", sheet_rows());
  const std::string shuffled_report = import("shuffled", shuffled_rows(sheet_rows()));
  EXPECT_NE(shuffled_report.find("30 added"), std::string::npos) << shuffled_report;
  EXPECT_NE(shuffled_report.find("30 cards added"), std::string::npos) << shuffled_report;
  EXPECT_EQ(roster("shuffled"), roster("sorted"));
  EXPECT_NE(roster("sorted").find("p07 Roy, \"07\" 0 staff card p07"), std::string::npos)
      << roster("sorted");
  const std::string events = person_events("shuffled");
  EXPECT_EQ(events, person_events("sorted"));
  // One import's events come in person-id order, not in the file's.
  EXPECT_LT(events.find("p01"), events.find("p02")) << events;
  EXPECT_LT(events.find("p02"), events.find("p03")) << events;
}

TEST_F(PersonImportOrder, ABadRowInAShuffledFileIsNamedByItsLineAndNothingIsImported) {
  auto lines = shuffled_rows(sheet_rows());
  lines[4] = "p99,Nobody,12:x,staff,true,,\r\n";  // line 6: header on 1, rows from 2
  const std::string report = import("bad", lines, false, 1);
  EXPECT_NE(report.find("bad.csv:6"), std::string::npos) << report;
  EXPECT_NE(report.find("nothing imported"), std::string::npos) << report;
  EXPECT_EQ(journal::PeopleStore(db("bad")).count().people, 0u);
}

TEST_F(PersonImportOrder, AShuffledReplaceDeactivatesWhoeverItLeavesOut) {
  import("roster", sheet_rows());
  auto kept = shuffled_rows(sheet_rows());
  kept.erase(std::remove_if(kept.begin(), kept.end(),
                            [](const std::string& line) { return line.starts_with("p1"); }),
             kept.end());  // p10..p19 leave
  const std::string report = import("roster", kept, /*replace=*/true);
  EXPECT_NE(report.find("deactivated"), std::string::npos) << report;
  const std::string after = roster("roster");
  EXPECT_NE(after.find("p12 Roy, \"12\" 0"), std::string::npos) << after;
  EXPECT_NE(after.find("p22 Roy, \"22\" 1"), std::string::npos) << after;
}

}  // namespace
}  // namespace vigil::ctl

namespace vigil::ctl {
namespace {

// A shuffled file is read back row by row after its check pass, then hashed
// whole. A row changed after the check and changed back before that hash
// left the hash as checked while the changed row was applied (the gap s25
// left open). Each row's keyed digest from the check pass now refuses it,
// and the changed row is never handed to the roster.
TEST_F(PersonImportOrder, ARowChangedAfterTheCheckAndChangedBackIsRefusedAndNeverApplied) {
  const fs::path csv = dir_ / "moving.csv";
  const auto write = [&](const std::vector<std::string>& lines) {
    std::ofstream file(csv, std::ios::binary | std::ios::trunc);
    file << "\xEF\xBB\xBF" << kShuffleHeader;
    for (const auto& line : lines) file << line;
  };
  const auto rows = shuffled_rows(sheet_rows());
  write(rows);
  config::RowDigestKey key{};
  key[0] = 42;
  journal::Sha256Stream hash;
  config::PeopleScanOptions options;
  options.on_bytes = [&](std::string_view bytes) { hash.update(bytes); };
  options.keep_places = true;
  options.row_digest_key = key;
  auto scan = config::scan_people_csv(csv, options);
  ASSERT_TRUE(scan.ok()) << config::to_string(scan.diagnostics());
  const std::string checked = hash.hex();
  auto places = scan.value().places;
  ASSERT_TRUE(sort_into_id_order(places));

  // After the check: p02's name changes, same length, so every place holds.
  auto changed = rows;
  for (auto& line : changed) {
    if (line.starts_with("p02,")) line.replace(line.find("Roy"), 3, "Rex");
  }
  write(changed);
  std::vector<std::string> applied;
  const auto read = read_in_id_order(
      csv.string(), scan.value().header, places, key, nullptr, 5,
      [&](std::span<const core::Person> people, std::span<const core::Credential>) {
        for (const auto& person : people) applied.push_back(person.name);
        write(rows);  // ...and back, before the whole file is hashed
      });
  EXPECT_NE(read, checked) << "a changed row was applied under the checked file's hash";
  EXPECT_TRUE(std::none_of(applied.begin(), applied.end(), [](const std::string& name) {
    return name.starts_with("Rex");
  })) << "the changed row reached the roster";

  // The same read of the unchanged file hands over every row and gives the
  // hash the check pass took (so the refusal above is the digest's doing).
  write(rows);
  applied.clear();
  EXPECT_EQ(read_in_id_order(
                csv.string(), scan.value().header, places, key, nullptr, 5,
                [&](std::span<const core::Person> people, std::span<const core::Credential>) {
                  for (const auto& person : people) applied.push_back(person.name);
                }),
            checked);
  EXPECT_EQ(applied.size(), rows.size());
}

}  // namespace
}  // namespace vigil::ctl
