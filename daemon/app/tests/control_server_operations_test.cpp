// The operations commands through vigild's control socket: incidents,
// lockdowns, inspections, log query filters, and log export and archive,
// each as the operator named by the peer (the site: control_server_fixture.hpp).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "control_server_fixture.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/journal/gateway_key.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::app::control_test {
namespace {

TEST(ControlOperations, AGuardReportsAcknowledgesAndResolvesAnIncidentAsThemself) {
  ControlSite site(operator_entry(me(), "guard", "\"*\""));
  auto report = site.call({"incident", "report", "--kind", "approach", "--zone", "lab-a", "--note",
                           "asked about the badge readers"});
  ASSERT_EQ(report.rc, 0) << report.err;
  const auto reported = events_of(site, EventKind::incident_reported);
  ASSERT_EQ(reported.size(), 1u);
  const std::string id = std::to_string(reported.front().seq);

  EXPECT_EQ(site.call({"incident", "ack", id}).rc, 0);
  auto resolve = site.call({"incident", "resolve", id, "--note", "visitor escorted out"});
  EXPECT_EQ(resolve.rc, 0) << resolve.err;
  auto list = site.call({"incident", "list", "--state", "resolved"});
  EXPECT_EQ(list.rc, 0) << list.err;
  EXPECT_NE(list.out.find("resolved"), std::string::npos) << list.out;

  // Each action names the peer, not vigild's own user, and each request is
  // one audit record.
  for (EventKind kind : {EventKind::incident_acknowledged, EventKind::incident_resolved}) {
    const auto done = events_of(site, kind);
    ASSERT_EQ(done.size(), 1u) << core::to_string(kind);
    EXPECT_EQ(attr(done.front(), "operator"), me());
  }
  EXPECT_EQ(site.audit_records().size(), 4u);
  EXPECT_TRUE(journal::Journal(site.config().journal_path).verify().ok);
}

TEST(ControlOperations, AGuardMayLockDownButNotReleaseNorResetAFire) {
  ControlSite site(operator_entry(me(), "guard", "\"*\""));
  auto set = site.call({"lockdown", "set", "lab-a", "--reason", "intruder seen"});
  EXPECT_EQ(set.rc, 0) << set.err;
  const auto orders = events_of(site, EventKind::lockdown_set);
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(attr(orders.front(), "operator"), me());

  auto release = site.call({"lockdown", "release", "lab-a", "--reason", "all clear"});
  EXPECT_EQ(release.rc, 3);
  EXPECT_NE(release.err.find("supervisor"), std::string::npos) << release.err;
  auto reset = site.call({"fire", "reset"});
  EXPECT_EQ(reset.rc, 3);
  EXPECT_TRUE(events_of(site, EventKind::lockdown_released).empty());

  const auto refused =
      journal::Journal(site.config().journal_path).query({.kinds = {EventKind::access_refused}});
  ASSERT_EQ(refused.size(), 2u);
  EXPECT_EQ(attr(refused[0], "command"), "lockdown release");
  EXPECT_EQ(attr(refused[1], "command"), "fire reset");
}

TEST(ControlOperations, LogQueryTakesTheKindReasonAndPagingFiltersThroughVigild) {
  ControlSite site(operator_entry(me(), "auditor", "\"*\""));
  auto page = site.call({"log", "query", "--kind", "access_denied", "--reason", "unknown_card",
                         "--limit", "2", "--format", "csv", "--utc"});
  ASSERT_EQ(page.rc, 0) << page.err;
  EXPECT_EQ(csv_rows(page.out), 2u) << page.out;
  auto unknown = site.call({"log", "query", "--kind", "acces_denied"});
  EXPECT_EQ(unknown.rc, 2);
  EXPECT_NE(unknown.err.find("access_denied"), std::string::npos) << unknown.err;
}

// log export through vigild (issue 10, item 4): vigild signs with the key
// only it reads, the operator receives the files, and ExportAgreement's
// verifier (log verify-export) accepts them.
TEST(ControlExport, AnAuditorExportsThroughVigildAndTheSignedFilesVerify) {
  ControlSite site(operator_entry(me(), "auditor", "lab-a"));
  const auto db = site.config().journal_path;
  journal::GatewayKey::load_or_create(journal::private_key_path(db), journal::public_key_path(db));
  const auto out_path = site.dir().file("lab-a.csv");
  std::ostringstream out, err;
  const auto rc =
      ctl::run_through_daemon({"log", "export", "--socket", site.config().control_socket, "--zone",
                               "lab-a", "--utc", "--out", out_path.string()},
                              out, err);
  ASSERT_EQ(rc, 0) << err.str();
  EXPECT_NE(out.str().find("lab-a.csv: 3 rows"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("vigild-export"), std::string::npos) << "private folder shown";
  std::ostringstream vout, verr;
  EXPECT_EQ(ctl::log_verify_export(out_path.string(), out_path.string() + ".manifest.json",
                                   journal::public_key_path(db).string(), vout, verr),
            0)
      << verr.str();
  std::ifstream data_in(out_path, std::ios::binary);
  const std::string data{std::istreambuf_iterator<char>(data_in), {}};
  EXPECT_EQ(data.find("lab-b"), std::string::npos);
  std::ifstream manifest_in(out_path.string() + ".manifest.json");
  const std::string manifest{std::istreambuf_iterator<char>(manifest_in), {}};
  EXPECT_NE(manifest.find("\"operator\": \"" + me() + "\""), std::string::npos) << manifest;

  const auto records = site.audit_records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].kind, EventKind::record_access);
  EXPECT_EQ(attr(records[0], "command"), "log export");
  EXPECT_EQ(attr(records[0], "rows"), "3");
  EXPECT_EQ(attr(records[0], "digest"), journal::sha256_hex(data));
  EXPECT_NE(attr(records[0], "filter").find("--zone lab-a"), std::string::npos);
}

TEST(ControlExport, AGuardCannotExportAndTheRefusalIsAudited) {
  ControlSite site(operator_entry(me(), "guard", "\"*\""));
  auto r = site.call({"log", "export", "--out", "all.csv"});
  EXPECT_EQ(r.rc, 3);
  EXPECT_TRUE(r.files.empty());
  const auto records = site.audit_records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].kind, EventKind::access_refused);
  EXPECT_EQ(attr(records[0], "command"), "log export");
}

TEST(ControlExport, ASupervisorArchivesThroughVigildAndQueriesStillSeeTheRows) {
  ControlSite site(operator_entry(me(), "supervisor", "\"*\""));
  auto archived = site.call({"log", "archive", "--before", "2025-01"});
  ASSERT_EQ(archived.rc, 0) << archived.err;
  EXPECT_NE(archived.out.find("archived 2024-10: rows 1..6"), std::string::npos) << archived.out;
  const journal::Journal live(site.config().journal_path);
  EXPECT_FALSE(live.hash_at(1).has_value());
  const auto chain = journal::verify_with_archives(live);
  EXPECT_TRUE(chain.ok) << chain.message;
  auto query = site.call({"log", "query", "--kind", "access_denied", "--format", "csv"});
  EXPECT_EQ(query.rc, 0) << query.err;
  EXPECT_EQ(csv_rows(query.out), 6u) << query.out;
  const auto records = site.audit_records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(attr(records[0], "command"), "log archive");
  EXPECT_EQ(attr(records[0], "rows"), "6");

  ControlSite audited(operator_entry(me(), "auditor", "\"*\""));
  EXPECT_EQ(audited.call({"log", "archive", "--before", "2025-01"}).rc, 3);
  ASSERT_EQ(audited.audit_records().size(), 1u);
  EXPECT_EQ(audited.audit_records()[0].kind, EventKind::access_refused);
}

TEST(ControlOperations, InspectorsRecordInspectionsAndAGuardMayOnlyReadThem) {
  ControlSite guard_site(operator_entry(me(), "guard", "\"*\""));
  auto refused = guard_site.call({"inspection", "start", "lab-a"});
  EXPECT_EQ(refused.rc, 3);
  EXPECT_NE(refused.err.find("facilities"), std::string::npos) << refused.err;
  auto report = guard_site.call({"inspect", "--json"});
  EXPECT_EQ(report.rc, 0) << report.err;
  EXPECT_NE(report.out.find("\"deficiencies\""), std::string::npos) << report.out;

  ControlSite site(operator_entry(me(), "facilities", "\"*\""));
  auto start = site.call({"inspection", "start", "--site"});
  ASSERT_EQ(start.rc, 0) << start.err;
  const auto started = events_of(site, EventKind::inspection_started);
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(attr(started.front(), "operator"), me());
  const auto id = std::to_string(started.front().seq);
  auto close = site.call({"inspection", "close", id});
  EXPECT_EQ(close.rc, 0) << close.err;
  const auto audit = site.audit_records();
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(attr(audit[0], "command"), "inspection start");
  EXPECT_EQ(attr(audit[1], "command"), "inspection close");
}

}  // namespace
}  // namespace vigil::app::control_test
