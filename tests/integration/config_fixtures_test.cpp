// What `vigild --check` accepts, vigild starts with: every site config in
// the repository's examples and config fixtures that the check accepts must
// bring vigild up and keep it running, with every device unreachable (no
// broker, no Modbus module, no sim chip, no kernel gpiochip: that is a run-time
// fault, reported, never a reason to exit). A config the check accepts but
// vigild refuses is a hole in the check, and fails here.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "vigil/journal/journal.hpp"
#include "vigil/testing/child_process.hpp"
#include "vigil/testing/ports.hpp"
#include "vigil/testing/temp_dir.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const fs::path kSource = VIGIL_SOURCE_DIR;

std::vector<fs::path> candidate_configs() {
  std::vector<fs::path> out;
  for (const char* dir : {"config/demo", "config/example", "daemon/config/tests/data"}) {
    for (const auto& entry : fs::directory_iterator(kSource / dir)) {
      if (entry.path().extension() == ".yaml") out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool check_accepts(const fs::path& config, const fs::path& log) {
  ChildProcess check({VIGILD_PATH, "--check", "-c", config.string()}, log);
  if (!check.wait_exit(30s)) return false;
  const int status = *check.wait_status();
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool journal_has_daemon_started(const fs::path& journal_path) {
  if (!fs::exists(journal_path)) return false;
  try {
    journal::Journal journal(journal_path);
    journal::Filter filter;
    filter.kinds = {core::EventKind::daemon_started};
    return !journal.query(filter).empty();
  } catch (const std::exception&) {
    return false;  // still being created
  }
}

TEST(ConfigFixtures, EveryConfigTheCheckAcceptsStartsVigildWithDevicesUnreachable) {
  std::vector<std::string> accepted;
  for (const fs::path& config : candidate_configs()) {
    SCOPED_TRACE(config.string());
    TempDir dir("vigil-fixture");
    if (!check_accepts(config, dir.file("check.log"))) continue;
    accepted.push_back(config.lexically_relative(kSource).string());

    // Only the journal (a file vigild writes) and the broker port are
    // redirected: everything else runs as configured.
    const fs::path journal_path = dir.file("journal.db");
    ChildProcess vigild({VIGILD_PATH, "-q", "-c", config.string(), "--journal",
                         journal_path.string(), "--broker-port", std::to_string(free_tcp_port())},
                        dir.file("vigild.log"));
    // Up: it journalled its start. An exit on the way fails at once.
    const bool up = eventually(
        [&] { return !vigild.running() || journal_has_daemon_started(journal_path); }, 20s);
    ASSERT_TRUE(up && vigild.running()) << "vigild refused a config the check accepts; log:\n"
                                        << read(dir.file("vigild.log"));
    // Devices are tried and found unreachable in this time; vigild must not
    // take that as a reason to exit.
    EXPECT_FALSE(vigild.wait_exit(1500ms)) << "vigild exited with devices unreachable; log:\n"
                                           << read(dir.file("vigild.log"));
    vigild.stop();
    const int status = *vigild.wait_status();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "unclean stop on SIGTERM; log:\n"
                                                               << read(dir.file("vigild.log"));
  }
  // The fixtures this test exists for must be among them, or it proves nothing.
  for (const char* expected : {"config/demo/site.yaml", "config/example/site.yaml",
                               "daemon/config/tests/data/fail_safe_site.yaml"}) {
    EXPECT_NE(std::find(accepted.begin(), accepted.end(), expected), accepted.end())
        << expected << " is no longer accepted by vigild --check";
  }
}

}  // namespace
}  // namespace vigil::testing
