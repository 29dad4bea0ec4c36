// vigild's control socket end to end: vigild as a child process owns the
// journal (mode 0600) and serves vigilctl, itself a child process, over its
// socket; each command leaves one audit record that `log verify` accepts.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "site_harness.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace control_socket_test {

using namespace std::chrono_literals;

std::pair<int, std::string> vigilctl(const SiteHarness& site, std::vector<std::string> args) {
  const auto log = site.config_path().parent_path() / "vigilctl-control.log";
  std::filesystem::remove(log);
  args.insert(args.begin(), VIGILCTL_PATH);
  ChildProcess ctl(args, log);
  int rc = -1;
  if (ctl.wait_exit(30s) && WIFEXITED(*ctl.wait_status())) rc = WEXITSTATUS(*ctl.wait_status());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  return {rc, text.str()};
}

unsigned mode_of(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_mode & 0777 : 0;
}

TEST(ControlSocketOnVigild, RecordCommandsGoThroughVigildAndEachIsAudited) {
  SiteHarness site;
  site.start_vigild();
  const std::string config = site.config_path().string();
  const std::string socket = site.journal_path().string() + ".sock";
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(socket); }, 5s)) << site.vigild_log();
  EXPECT_EQ(mode_of(site.journal_path()), 0600u);
  EXPECT_EQ(mode_of(socket), 0660u);

  auto [query_rc, query] = vigilctl(site, {"log", "query", "-c", config, "--format", "csv"});
  EXPECT_EQ(query_rc, 0) << query;
  EXPECT_NE(query.find("daemon_started"), std::string::npos) << query;
  auto [status_rc, status] = vigilctl(site, {"status", "--socket", socket});
  EXPECT_EQ(status_rc, 0) << status;
  auto [audit_rc, audit] = vigilctl(site, {"audit", "-c", config});
  EXPECT_EQ(audit_rc, 0) << audit;
  EXPECT_NE(audit.find("log query"), std::string::npos) << audit;
  EXPECT_NE(audit.find("(2 records)"), std::string::npos) << audit;  // not itself yet

  ASSERT_TRUE(
      eventually([&] { return site.events(core::EventKind::record_access).size() == 3; }, 5s));
  const auto records = site.events(core::EventKind::record_access);
  EXPECT_EQ(core::attr_text(records[0].attrs, "command"), "log query");
  EXPECT_EQ(core::attr_text(records[0].attrs, "unix_user"), SiteHarness::test_user());
  EXPECT_EQ(core::attr_text(records[1].attrs, "command"), "status");
  EXPECT_EQ(core::attr_text(records[2].attrs, "command"), "audit");

  // The inspector's tool needs no daemon: the file verifies, audit rows and all.
  auto [verify_rc, verify] = vigilctl(site, {"log", "verify", site.journal_path().string()});
  EXPECT_EQ(verify_rc, 0) << verify;
  EXPECT_NE(verify.find(": ok"), std::string::npos) << verify;
  // A command vigild does not serve is not sent there.
  auto [local_rc, local] = vigilctl(site, {"log", "verify", "--socket", socket});
  EXPECT_EQ(local_rc, 2);
  EXPECT_NE(local.find("runs here, not through vigild"), std::string::npos) << local;
  EXPECT_EQ(site.events(core::EventKind::record_access).size(), 3u);
}

TEST(ControlSocketOnVigild, AClientStuckMidRequestDoesNotDelayADoor) {
  SiteHarness site;
  site.start_vigild();
  const std::string socket = site.journal_path().string() + ".sock";
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(socket); }, 5s));
  // Half a request, then silence: the control thread waits for the rest.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket.c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
  const std::string half = "{\"v\":1,\"argv\":[\"log\",";
  ASSERT_EQ(::send(fd, half.data(), half.size(), 0), static_cast<ssize_t>(half.size()));

  const auto start = std::chrono::steady_clock::now();
  site.swipe(12, 1001);
  EXPECT_TRUE(eventually([&] { return !site.events(core::EventKind::access_granted).empty(); }, 2s))
      << site.vigild_log();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  ::close(fd);
}

TEST(ControlSocketOnVigild, WithVigildStoppedTheOfflinePathReadsTheFile) {
  SiteHarness site;
  site.start_vigild();
  site.stop_vigild();
  auto [rc, out] = vigilctl(site, {"log", "query", "-c", site.config_path().string()});
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("daemon_stopped"), std::string::npos) << out;
  EXPECT_TRUE(site.events(core::EventKind::record_access).empty());
  auto [sock_rc, sock] =
      vigilctl(site, {"status", "--socket", site.journal_path().string() + ".sock"});
  EXPECT_EQ(sock_rc, 2);
  EXPECT_NE(sock.find("cannot reach vigild"), std::string::npos) << sock;
}

}  // namespace control_socket_test
}  // namespace vigil::testing
