// Exports and the audit listing across archives (issue 10, items 4 and 5):
// once old months are archived, `log export` of a period that spans them
// writes the same bytes and the same signed manifest as before archiving,
// both verifiers (vigilctl and scripts/verify_export.py) accept it, and
// `audit` still lists the queries recorded in the archived months.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "vigil/ctl/audit_commands.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/journal/checkpoint.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::ctl {
namespace archived_export_test {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

core::TimePoint at(int y, unsigned m, unsigned d, int hour) {
  using namespace std::chrono;
  return core::TimePoint{duration_cast<core::Duration>(
      (sys_days{year{y} / month{m} / day{d}} + hours{hour}).time_since_epoch())};
}

// Eight rows a month from August to November 2026, two people, and one
// audited query (record_access) in each month.
class ArchivedExport : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vigil-archived-export-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto key = journal::GatewayKey::load_or_create(journal::private_key_path(db()),
                                                   journal::public_key_path(db()));
    journal::Journal j(db());
    for (unsigned month = 8; month <= 11; ++month) {
      std::vector<core::Event> events;
      for (unsigned day = 1; day <= 8; ++day) {
        core::Event e;
        e.time = at(2026, month, day * 3, 9);
        e.kind = day % 4 == 0 ? core::EventKind::access_denied : core::EventKind::access_granted;
        e.reason = day % 4 == 0 ? core::DenyReason::no_access_level : core::DenyReason::none;
        e.person = core::PersonId{day % 2 ? "alice" : "bob"};
        e.door = core::DoorId{"lab-door"};
        e.zone = core::ZoneId{"lab"};
        e.card = core::CardNumber{.facility = 12, .number = 1000 + day % 2};
        events.push_back(e);
      }
      core::Event audit;
      audit.time = at(2026, month, 26, 10);
      audit.kind = core::EventKind::record_access;
      core::set_attr(audit.attrs, "operator", std::string{"sam"});
      core::set_attr(audit.attrs, "command", std::string{"log query"});
      core::set_attr(audit.attrs, "filter", "month " + std::to_string(month));
      events.push_back(audit);
      j.append(events);
    }
    journal::write_checkpoint_file(
        journal::checkpoint_path(db()),
        journal::sign_checkpoint(key, j.journal_id(), 20, *j.hash_at(20),
                                 core::to_unix_micros(at(2026, 9, 30, 0))));
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path db() const { return dir_ / "j.db"; }

  fs::path export_to(const std::string& name, const std::string& format, const QueryArgs& q) {
    ExportArgs args;
    args.query = q;
    args.query.journal_path = db().string();
    args.format = format;
    args.out_path = (dir_ / name).string();
    args.operator_name = "inspector";
    args.now = at(2026, 12, 2, 8);
    std::ostringstream out, err;
    EXPECT_EQ(log_export(args, out, err), 0) << err.str();
    return dir_ / name;
  }

  // 0 from both verifiers (the Python one when python3 and cryptography are there).
  void expect_verifies(const fs::path& data) {
    std::ostringstream out, err;
    const auto pub = journal::public_key_path(db()).string();
    EXPECT_EQ(log_verify_export(data.string(), data.string() + ".manifest.json", pub, out, err), 0)
        << data << ": " << err.str();
#ifdef VIGIL_PYTHON3
    if (std::system(VIGIL_PYTHON3 " -c 'import cryptography' 2>/dev/null") != 0) return;
    const std::string cmd = std::string(VIGIL_PYTHON3) + " " + VIGIL_SOURCE_DIR +
                            "/scripts/verify_export.py '" + data.string() + "' '" + data.string() +
                            ".manifest.json' --key '" + pub + "' >/dev/null 2>&1";
    const int status = std::system(cmd.c_str());
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "verify_export.py on " << data;
#endif
  }

  std::string audit_listing() {
    std::ostringstream out, err;
    AuditListArgs args;
    args.db_path = db().string();
    args.operator_name = "sam";
    EXPECT_EQ(audit_list(args, out, err), 0) << err.str();
    return out.str();
  }

  fs::path dir_;
};

TEST_F(ArchivedExport, AnExportSpanningArchivedMonthsIsTheSameSignedExportAsBefore) {
  struct Case {
    const char* name;
    const char* format;
    QueryArgs query{};
  };
  QueryArgs span, alice, paged;
  span.from = "2026-08-15";
  span.to = "2026-11-10";
  alice.person = "alice";
  alice.to = "2026-11-20";
  paged.limit = 12;
  paged.after_seq = 5;
  const std::vector<Case> cases{{"span.csv", "csv", span},
                                {"span.json", "json", span},
                                {"alice.csv", "csv", alice},
                                {"paged.csv", "csv", paged}};
  std::vector<std::string> before;
  for (const auto& c : cases) {
    const auto data = export_to(std::string{"before-"} + c.name, c.format, c.query);
    before.push_back(read_all(data) + read_all(data.string() + ".manifest.json"));
  }
  const auto made = journal::archive_before(db(), "2026-11", at(2026, 12, 1, 0), "dora");
  ASSERT_EQ(made.size(), 3u);  // August, September, October
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto data =
        export_to(std::string{"after-"} + cases[i].name, cases[i].format, cases[i].query);
    EXPECT_EQ(read_all(data) + read_all(data.string() + ".manifest.json"), before[i])
        << cases[i].name;
    expect_verifies(data);
  }
  // The span crosses both archive boundaries and stays one contiguous chain.
  EXPECT_NE(read_all(dir_ / "after-span.csv.manifest.json").find("\"selection\": \"contiguous\""),
            std::string::npos);
}

TEST_F(ArchivedExport, AnExportOverAMissingArchiveFailsAndNamesIt) {
  journal::archive_before(db(), "2026-11", at(2026, 12, 1, 0), "dora");
  fs::remove(journal::archive_dir(db()) / "2026-09.db");
  ExportArgs args;
  args.query.journal_path = db().string();
  args.out_path = (dir_ / "x.csv").string();
  std::ostringstream out, err;
  EXPECT_EQ(log_export(args, out, err), 1);
  EXPECT_NE(err.str().find("archive 2026-09"), std::string::npos) << err.str();
}

TEST_F(ArchivedExport, TheAuditListingCoversArchivedMonths) {
  const auto before = audit_listing();
  EXPECT_NE(before.find("(4 records)"), std::string::npos) << before;
  journal::archive_before(db(), "2026-11", at(2026, 12, 1, 0), "dora");
  EXPECT_EQ(audit_listing(), before);
}

// journal.archive_dir: `log archive` writes there, and `log verify`,
// `log query`, `log export` and `audit` read there; `-c SITE.yaml` gives the
// folder from its journal.archive_dir.
TEST_F(ArchivedExport, EveryCommandReadsTheArchivesWhereTheConfigPutsThem) {
  const fs::path folder = dir_ / "months";
  std::ostringstream out, err;
  ASSERT_EQ(
      log_archive(db().string(), "2026-11", at(2026, 12, 1, 0), "dora", out, err, folder.string()),
      0)
      << err.str();
  EXPECT_TRUE(fs::exists(folder / "2026-08.db"));
  EXPECT_FALSE(fs::exists(journal::archive_dir(db())));
  VerifyArgs verify{.journal_path = db().string(), .archive_dir = folder.string()};
  std::ostringstream verified, verify_err;
  EXPECT_EQ(log_verify(verify, verified, verify_err), 0) << verify_err.str();
  EXPECT_NE(verified.str().find("in 3 archive(s)"), std::string::npos) << verified.str();
  std::ostringstream beside, beside_err;
  EXPECT_EQ(log_verify(VerifyArgs{.journal_path = db().string()}, beside, beside_err), 1);
  EXPECT_NE(beside_err.str().find("missing ("), std::string::npos) << beside_err.str();
  QueryArgs q;
  q.journal_path = db().string();
  q.archive_dir = folder.string();
  q.person = "alice";
  q.format = "csv";
  std::ostringstream rows, rows_err;
  ASSERT_EQ(log_query(q, rows, rows_err), 0) << rows_err.str();
  const std::string csv = rows.str();
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 16);  // a header, 4 rows a month
  q.person.reset();
  expect_verifies(export_to("elsewhere.csv", "csv", q));
  AuditListArgs audit;
  audit.db_path = db().string();
  audit.archive_dir = folder.string();
  std::ostringstream listed, listed_err;
  EXPECT_EQ(audit_list(audit, listed, listed_err), 0) << listed_err.str();
  EXPECT_NE(listed.str().find("(4 records)"), std::string::npos) << listed.str();
  std::ofstream(dir_ / "site.yaml") << "site: { id: hq, gateway: gw1, time_zone: UTC }\n"
                                       "journal: { path: j.db, archive_dir: months }\n";
  std::ostringstream config_err;
  EXPECT_EQ(resolve_archive_dir(std::nullopt, (dir_ / "site.yaml").string(), config_err),
            folder.string())
      << config_err.str();
  EXPECT_EQ(resolve_archive_dir(std::string{"/x"}, (dir_ / "site.yaml").string(), config_err),
            "/x");
  EXPECT_EQ(resolve_archive_dir(std::nullopt, std::nullopt, config_err), "");
}

}  // namespace archived_export_test
}  // namespace vigil::ctl
