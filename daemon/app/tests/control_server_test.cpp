// vigild's control socket as an operator meets it: a real ControlServer on a
// temp socket, a real journal writer on a real SQLite file, requests sent
// by vigilctl's own client. The test's Unix user is mapped (or not) to the
// operator each case needs; no setuid is involved.
#include <gtest/gtest.h>

#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <future>
#include <thread>

#include "vigil/app/control_server.hpp"
#include "vigil/config/load.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/ctl/control_client.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/journal/gateway_key.hpp"
#include "vigil/journal/journal_writer.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::app {
namespace {

using core::EventKind;

std::string me() {
  const passwd* entry = getpwuid(geteuid());
  return entry ? entry->pw_name : "uid:" + std::to_string(geteuid());
}

// Zones: lab-a > lab-a-inner, and lab-b. `operators` is the YAML list.
config::SiteConfig site_config(const testing::TempDir& dir, const std::string& operators) {
  const std::string yaml =
      "site: { id: hq, gateway: gw1, time_zone: UTC }\n"
      "journal: { path: journal.db }\n"
      "zones:\n"
      "  - { id: lab-a }\n"
      "  - { id: lab-a-inner, parent: lab-a }\n"
      "  - { id: lab-b }\n"
      "access_levels:\n"
      "  - { id: staff, zones: [lab-a, lab-b], schedule: always }\n"
      "operators:\n" +
      operators;
  const auto path = dir.file("site.yaml");
  std::ofstream(path) << yaml;
  auto loaded = config::load_site_config(path);
  if (!loaded) throw std::runtime_error(config::to_string(loaded.diagnostics()));
  return loaded.value();
}

std::string operator_entry(const std::string& user, const std::string& roles,
                           const std::string& zones) {
  return "  - { user: \"" + user + "\", roles: [" + roles + "], zones: [" + zones + "] }\n";
}

core::Event denial_in(const char* zone, int minute) {
  core::Event e;
  e.kind = EventKind::access_denied;
  e.time = core::TimePoint{} + std::chrono::hours(24 * 20000) + std::chrono::minutes(minute);
  e.zone = core::ZoneId(zone);
  e.reason = core::DenyReason::unknown_card;
  return e;
}

// One site with its journal, writer and control server.
class ControlSite {
 public:
  explicit ControlSite(const std::string& operators)
      : config_(site_config(dir_, operators)),
        writer_(journal::Journal(config_.journal_path)),
        server_(config_, [this](core::Event e) { return audit(std::move(e)); }) {
    for (int i = 0; i < 3; ++i) writer_.submit(denial_in("lab-a", i));
    writer_.submit(denial_in("lab-a-inner", 5));
    for (int i = 0; i < 2; ++i) writer_.submit(denial_in("lab-b", 10 + i));
    writer_.flush();
    server_.start();
  }

  ctl::ControlReply call(std::vector<std::string> argv,
                         std::map<std::string, std::string> files = {}) {
    auto reply = ctl::call_control(config_.control_socket, {std::move(argv), std::move(files)});
    if (auto* error = std::get_if<std::string>(&reply)) {
      ADD_FAILURE() << *error;
      return {-1, "", *error};
    }
    return std::get<ctl::ControlReply>(reply);
  }

  std::vector<core::Event> audit_records() const {
    return journal::Journal(config_.journal_path)
        .query({.kinds = {EventKind::record_access, EventKind::access_refused}});
  }

  const config::SiteConfig& config() const { return config_; }
  ControlServer& server() { return server_; }
  // Appends as vigild's doors would, durably.
  void journal_now(core::Event e) {
    writer_.submit(std::move(e));
    writer_.flush();
  }
  const testing::TempDir& dir() const { return dir_; }

 private:
  bool audit(core::Event e) {
    std::promise<void> done;
    auto durable = done.get_future();
    if (!writer_.submit(std::move(e), [&done](const core::Event&) { done.set_value(); })) {
      return false;
    }
    durable.wait();
    return true;
  }

  testing::TempDir dir_{"vigil-control"};
  config::SiteConfig config_;
  journal::JournalWriter writer_;
  ControlServer server_;
};

std::string attr(const core::Event& e, const char* key) {
  if (auto text = core::attr_text(e.attrs, key)) return *text;
  if (auto n = core::attr_int(e.attrs, key)) return std::to_string(*n);
  return "";
}

std::size_t csv_rows(const std::string& csv) {
  std::size_t lines = 0;
  for (char c : csv) lines += c == '\n';
  return lines == 0 ? 0 : lines - 1;  // minus the header
}

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

// A raw client: sends `bytes` (from a thread: the server may stop reading
// early), then reads the reply.
std::string raw_exchange(const std::string& path, std::string bytes, bool close_write) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) return "";
  std::thread sender([fd, bytes = std::move(bytes), close_write] {
    for (std::size_t sent = 0; sent < bytes.size();) {
      const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
    if (close_write) ::shutdown(fd, SHUT_WR);
  });
  std::string reply;
  char buffer[4096];
  ssize_t n;
  while ((n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) reply.append(buffer, n);
  sender.join();
  ::close(fd);
  return reply;
}

TEST(ControlSocket, MalformedRequestsGetAnErrorAndTheServerKeepsServing) {
  ControlSite site(operator_entry(me(), "auditor", "lab-a"));
  const std::string path = site.config().control_socket;
  struct Bad {
    const char* name;
    std::string bytes;
    bool close_write;
    const char* says;
  };
  const std::vector<Bad> cases{
      {"Garbage", "hello there\n", false, "not JSON"},
      {"NotAnObject", "[1,2]\n", false, "must be a JSON object"},
      {"WrongVersion", "{\"v\":2,\"argv\":[\"status\"]}\n", false, "\\\"v\\\": 1"},
      {"NoWords", "{\"v\":1,\"argv\":[]}\n", false, "non-empty list"},
      {"DeepNesting", std::string(100000, '[') + "\n", false, "nested too deeply"},
      {"Truncated", "{\"v\":1,\"argv\":[\"status\"", true, "cut short"},
      {"Oversize", std::string(ctl::kMaxRequestBytes + 100, 'a'), false, "larger than"},
      {"BadFileName", "{\"v\":1,\"argv\":[\"status\"],\"files\":{\"../x\":\"\"}}\n", false,
       "plain base name"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string reply = raw_exchange(path, c.bytes, c.close_write);
    auto parsed = ctl::parse_reply(reply);
    ASSERT_TRUE(std::holds_alternative<ctl::ControlReply>(parsed)) << reply;
    EXPECT_EQ(std::get<ctl::ControlReply>(parsed).rc, 2);
    EXPECT_NE(reply.find(c.says), std::string::npos) << reply;
  }
  EXPECT_EQ(site.server().stats().malformed, cases.size());
  EXPECT_TRUE(site.audit_records().empty());  // no command was named: nothing looked at
  auto ok = site.call({"log", "query", "--zone", "lab-a"});
  EXPECT_EQ(ok.rc, 0) << ok.err;
}

TEST(ControlSocket, SocketIsOwnerAndGroupOnlyAndAStaleSocketIsReplaced) {
  testing::TempDir dir("vigil-stale");
  auto config = site_config(dir, operator_entry(me(), "guard", ""));
  {
    // A socket file with nobody behind it, as a killed vigild leaves it.
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, config.control_socket.c_str(), sizeof(addr.sun_path) - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
    ::close(fd);
  }
  ControlServer first(config, [](core::Event) { return true; });
  ASSERT_NO_THROW(first.start());
  struct stat st {};
  ASSERT_EQ(::stat(config.control_socket.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0660u);
  // A second server on a live socket refuses rather than steal it.
  ControlServer second(config, [](core::Event) { return true; });
  EXPECT_THROW(second.start(), std::runtime_error);
  EXPECT_TRUE(ctl::control_socket_answers(config.control_socket));
  first.stop();
  EXPECT_FALSE(std::filesystem::exists(config.control_socket));
}

// The operations commands go through the same socket, table and audit.
std::vector<core::Event> events_of(const ControlSite& site, EventKind kind) {
  return journal::Journal(site.config().journal_path).query({.kinds = {kind}});
}

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

// vigild keeps one read connection for `log query` across requests: what
// it answers must be what a fresh connection would, after rows, new names
// and an archiving have happened since it opened.
TEST(ControlSocket, AKeptQueryConnectionSeesNewRowsNewPeopleAndArchivedMonths) {
  ControlSite site(operator_entry(me(), "auditor, supervisor", "\"*\""));
  auto first = site.call({"log", "query", "--zone", "lab-a", "--format", "csv"});
  ASSERT_EQ(first.rc, 0) << first.err;
  EXPECT_EQ(csv_rows(first.out), 3u) << first.out;
  auto unknown = site.call({"log", "query", "--person", "p-new"});
  EXPECT_EQ(unknown.rc, 2) << unknown.err;

  core::Event e = denial_in("lab-a", 30);
  e.person = core::PersonId("p-new");
  site.journal_now(e);
  auto zone = site.call({"log", "query", "--zone", "lab-a", "--format", "csv"});
  EXPECT_EQ(csv_rows(zone.out), 4u) << zone.out;
  auto person = site.call({"log", "query", "--person", "p-new", "--format", "csv"});
  ASSERT_EQ(person.rc, 0) << person.err;
  EXPECT_EQ(csv_rows(person.out), 1u) << person.out;

  ASSERT_EQ(site.call({"log", "archive", "--before", "2025-01"}).rc, 0);
  auto after = site.call({"log", "query", "--kind", "access_denied", "--format", "csv"});
  ASSERT_EQ(after.rc, 0) << after.err;
  EXPECT_EQ(csv_rows(after.out), 7u) << after.out;
  EXPECT_EQ(site.audit_records().size(), 6u);  // one per request
}

}  // namespace
}  // namespace vigil::app
