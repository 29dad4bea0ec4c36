// vigild's control socket as an operator meets it: who may run what, in
// which zones, and one audit record in the hash chain for every request,
// refused ones included (the site: control_server_fixture.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "control_server_fixture.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::app::control_test {
namespace {

TEST(ControlSocket, AuditorOfZoneAReadsOnlyZoneAAndItsNestedZones) {
  ControlSite site(operator_entry(me(), "auditor", "lab-a"));
  auto a = site.call({"log", "query", "--zone", "lab-a", "--format", "csv"});
  EXPECT_EQ(a.rc, 0) << a.err;
  EXPECT_EQ(csv_rows(a.out), 3u) << a.out;
  EXPECT_EQ(a.out.find("lab-b"), std::string::npos);
  auto inner = site.call({"log", "query", "--zone", "lab-a-inner", "--format", "csv"});
  EXPECT_EQ(inner.rc, 0) << inner.err;
  EXPECT_EQ(csv_rows(inner.out), 1u);

  const auto records = site.audit_records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].kind, EventKind::record_access);
  EXPECT_EQ(attr(records[0], "operator"), me());
  EXPECT_EQ(attr(records[0], "unix_user"), me());
  EXPECT_EQ(attr(records[0], "command"), "log query");
  EXPECT_EQ(attr(records[0], "filter"), "log query --zone lab-a --format csv");
  EXPECT_EQ(attr(records[0], "rows"), "3");
  EXPECT_EQ(attr(records[0], "digest"), journal::sha256_hex(a.out));
}

TEST(ControlSocket, AuditorOfZoneAIsRefusedZoneBAndTheRefusalIsAudited) {
  ControlSite site(operator_entry(me(), "auditor", "lab-a"));
  auto b = site.call({"log", "query", "--zone", "lab-b"});
  EXPECT_EQ(b.rc, 3);
  EXPECT_TRUE(b.out.empty());
  EXPECT_NE(b.err.find("zone 'lab-b' is outside your scope (lab-a, lab-a-inner)"),
            std::string::npos)
      << b.err;
  // Two zones in scope and none named: which one is not guessed.
  auto unnamed = site.call({"log", "query"});
  EXPECT_EQ(unnamed.rc, 3);
  EXPECT_NE(unnamed.err.find("give --zone: one of lab-a, lab-a-inner"), std::string::npos);

  const auto records = site.audit_records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].kind, EventKind::access_refused);
  EXPECT_EQ(attr(records[0], "filter"), "log query --zone lab-b");
  EXPECT_NE(attr(records[0], "reason").find("outside your scope"), std::string::npos);
  EXPECT_EQ(records[1].kind, EventKind::access_refused);
}

TEST(ControlSocket, AScopeOfOneZoneIsAppliedWhenNoZoneIsNamed) {
  ControlSite site(operator_entry(me(), "auditor", "lab-b"));
  auto r = site.call({"log", "query", "--format", "csv"});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(csv_rows(r.out), 2u) << r.out;
  EXPECT_EQ(r.out.find("lab-a"), std::string::npos);
  EXPECT_EQ(attr(site.audit_records().back(), "filter"), "log query --format csv --zone lab-b");
}

TEST(ControlSocket, GuardCannotChangeTheRosterQueryOrReadTheAudit) {
  ControlSite site(operator_entry(me(), "guard", "\"*\""));
  const std::vector<std::vector<std::string>> reserved{
      {"person", "disable", "p1"},
      {"log", "query", "--zone", "lab-a"},
      {"audit"},
      {"audit", "sample", "2"},
      {"flag", "set", "p1", "watch", "--reason", "x"}};
  for (const auto& argv : reserved) {
    auto r = site.call(argv);
    EXPECT_EQ(r.rc, 3) << argv[0];
    EXPECT_NE(r.err.find("refused"), std::string::npos) << r.err;
  }
  const auto records = site.audit_records();
  ASSERT_EQ(records.size(), reserved.size());
  for (const auto& e : records) EXPECT_EQ(e.kind, EventKind::access_refused);
  EXPECT_EQ(attr(records[2], "command"), "audit");
  // What a guard may do still works.
  EXPECT_NE(site.call({"key", "show"}).rc, 3);
}

TEST(ControlSocket, UnmappedUnixUserIsRefusedAndAudited) {
  ControlSite site(operator_entry("someone-else", "admin", "\"*\""));
  auto r = site.call({"log", "query", "--zone", "lab-a"});
  EXPECT_EQ(r.rc, 3);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("is not an operator of this site"), std::string::npos);
  const auto records = site.audit_records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].kind, EventKind::access_refused);
  EXPECT_EQ(attr(records[0], "unix_user"), me());
  EXPECT_EQ(attr(records[0], "uid"), std::to_string(geteuid()));
  EXPECT_EQ(attr(records[0], "operator"), "");
  EXPECT_EQ(attr(records[0], "command"), "log query");
}

TEST(ControlSocket, EveryCommandWritesExactlyOneAuditRecord) {
  ControlSite site(operator_entry(me(), "facilities, auditor, supervisor, admin", "\"*\""));
  const std::string csv =
      "person_id,name,card,access_levels,active,valid_from,valid_until\n"
      "p1,Ann,12:1001,staff,true,,\n"
      "p2,Ben,12:1002,staff,true,,\n";
  struct Row {
    std::vector<std::string> argv;
    const char* command;
    int rc;
  };
  const std::vector<Row> table{
      {{"person", "import", "people.csv"}, "person import", 0},
      {{"person", "show", "p1"}, "person show", 0},
      {{"person", "list"}, "person list", 0},
      {{"person", "disable", "p1"}, "person disable", 0},
      {{"person", "enable", "p1"}, "person enable", 0},
      {{"person", "revoke", "12:1002"}, "person revoke", 0},
      {{"flag", "set", "p1", "watch", "--reason", "inquiry 17"}, "flag set", 0},
      {{"flag", "list"}, "flag list", 0},
      {{"flag", "clear", "p1", "--reason", "closed"}, "flag clear", 0},
      {{"trip", "add", "p1", "--from", "2026-12-01", "--to", "2026-12-05", "--destination", "XX",
        "--approval", "APP-1"},
       "trip add",
       0},
      {{"trip", "list"}, "trip list", 0},
      {{"trip", "return", "1", "--note", "ok"}, "trip return", 0},
      {{"log", "query", "--zone", "lab-b"}, "log query", 0},
      {{"log", "query"}, "log query", 0},
      {{"status"}, "status", 1},           // no vigild status file here: exit 1, still audited
      {{"key", "show"}, "key show", 109},  // no key file here: whatever it says
      {{"audit", "--operator", me()}, "audit", 0},
      {{"audit", "sample", "2"}, "audit sample", 0},
      {{"incident", "list"}, "incident list", 0},
      {{"lockdown", "list"}, "lockdown list", 0},
      {{"muster"}, "muster", 0},
      {{"alarm", "status"}, "alarm status", 0},
      {{"log", "query", "--format", "yaml"}, "log query", 2},
      {{"person", "show", "--journal", "/etc/shadow"}, "person show", 109},  // no such option
  };
  for (const auto& row : table) {
    SCOPED_TRACE(row.command);
    const auto before = site.audit_records().size();
    std::map<std::string, std::string> files;
    if (std::string(row.command) == "person import") files["people.csv"] = csv;
    auto r = site.call(row.argv, files);
    if (row.rc != 109) {
      EXPECT_EQ(r.rc, row.rc) << r.err;
    }
    const auto records = site.audit_records();
    ASSERT_EQ(records.size(), before + 1);
    EXPECT_EQ(records.back().kind, EventKind::record_access);
    EXPECT_EQ(attr(records.back(), "command"), row.command);
    EXPECT_EQ(attr(records.back(), "rc"), std::to_string(r.rc));
    EXPECT_EQ(attr(records.back(), "digest"), journal::sha256_hex(r.out));
  }
  // The records are in the hash chain: the journal verifies.
  std::ostringstream out, err;
  EXPECT_EQ(ctl::log_verify(site.config().journal_path, out, err), 0) << err.str();
}

TEST(ControlSocket, RosterChangesNameThePeerAndImportsRecordTheFileDigest) {
  ControlSite site(operator_entry(me(), "facilities", ""));
  const std::string csv =
      "person_id,name,card,access_levels,active,valid_from,valid_until\n"
      "p1,Ann,12:1001,staff,true,,\n";
  auto imported = site.call({"person", "import", "people.csv"}, {{"people.csv", csv}});
  ASSERT_EQ(imported.rc, 0) << imported.err;
  EXPECT_EQ(imported.out.find("vigild-files"), std::string::npos) << imported.out;
  EXPECT_TRUE(imported.out.starts_with("people.csv: imported 1 row")) << imported.out;
  ASSERT_EQ(site.call({"person", "disable", "p1"}).rc, 0);
  const auto roster = journal::Journal(site.config().journal_path)
                          .query({.kinds = {EventKind::person_deactivated}});
  ASSERT_EQ(roster.size(), 1u);
  EXPECT_EQ(attr(roster[0], "operator"), me());
  EXPECT_EQ(attr(site.audit_records().front(), "file.people.csv"), journal::sha256_hex(csv));
  // Without the file's content, vigild does not go looking for it.
  auto no_file = site.call({"person", "import", "/etc/passwd"});
  EXPECT_EQ(no_file.rc, 2);
  EXPECT_NE(no_file.err.find("send the file's content"), std::string::npos);
}

TEST(ControlSocket, AuditListsWhoLookedAndTheSampleRecordsWhatItDrew) {
  ControlSite site(operator_entry(me(), "auditor, supervisor", "\"*\""));
  for (const char* zone : {"lab-a", "lab-b", "lab-a"}) site.call({"log", "query", "--zone", zone});
  auto listed = site.call({"audit", "--operator", me()});
  ASSERT_EQ(listed.rc, 0) << listed.err;
  EXPECT_NE(listed.out.find("(3 records)"), std::string::npos) << listed.out;
  auto none = site.call({"audit", "--operator", "nobody"});
  EXPECT_NE(none.out.find("(0 records)"), std::string::npos);
  auto sample = site.call({"audit", "sample", "2"});
  ASSERT_EQ(sample.rc, 0) << sample.err;
  EXPECT_NE(sample.out.find("sampled 2 of the 3 most recent queries"), std::string::npos)
      << sample.out;
  const auto last = site.audit_records().back();
  EXPECT_EQ(attr(last, "command"), "audit sample");
  EXPECT_EQ(attr(last, "rows"), "2");
  const std::string sampled = attr(last, "sampled");  // "seq,seq"
  EXPECT_EQ(std::count(sampled.begin(), sampled.end(), ','), 1) << sampled;
}

}  // namespace
}  // namespace vigil::app::control_test
