// vigilctl status against a running vigild: a hung I/O module's timeouts are
// counted per device and shown, with the device offline, and it comes back.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "site_harness.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

std::pair<int, std::string> vigilctl_status(const SiteHarness& site) {
  const auto log = site.config_path().parent_path() / "vigilctl-status.log";
  std::filesystem::remove(log);
  ChildProcess ctl({VIGILCTL_PATH, "status", "-c", site.config_path().string()}, log);
  int rc = -1;
  if (ctl.wait_exit(30s) && WIFEXITED(*ctl.wait_status())) rc = WEXITSTATUS(*ctl.wait_status());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  return {rc, text.str()};
}

// The cells of the table row that starts with `device`.
std::vector<std::string> row(const std::string& table, const std::string& device) {
  std::istringstream lines(table);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(device + " ", 0) != 0) continue;
    std::istringstream cells(line);
    return {std::istream_iterator<std::string>(cells), {}};
  }
  return {};
}

std::string online(const SiteHarness& site) {
  const auto cells = row(vigilctl_status(site).second, "io1");
  return cells.size() > 1 ? cells[1] : "";
}

TEST(DeviceStatus, HungModuleShowsOfflineWithItsTimeoutsCountedAndRecovers) {
  SiteHarness site;
  site.start_vigild();
  ASSERT_TRUE(eventually([&] { return online(site) == "yes"; }, 5s));
  auto [rc, table] = vigilctl_status(site);
  EXPECT_EQ(rc, 0) << table;

  site.io().set_offline(true);
  ASSERT_TRUE(
      eventually([&] { return !site.events(core::EventKind::device_offline).empty(); }, 10s));
  ASSERT_TRUE(eventually([&] { return online(site) == "NO"; }, 5s));
  const auto cells = row(vigilctl_status(site).second, "io1");
  ASSERT_EQ(cells.size(), 10u);
  EXPECT_GE(std::stoi(cells[3]), 3) << "timeouts";  // offline_after (3) in a row at least
  EXPECT_EQ(cells[7], "1") << "offline transitions";

  site.io().set_offline(false);
  ASSERT_TRUE(eventually([&] { return online(site) == "yes"; }, 10s));
  site.stop_vigild();
}

}  // namespace
}  // namespace vigil::testing
