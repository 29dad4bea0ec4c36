// vigilctl as a real child process against the harness's site config: its
// exit code and everything it printed. For integration tests only (needs
// VIGILCTL_PATH from tests/integration/CMakeLists.txt).
#pragma once

#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "site_harness.hpp"
#include "vigil/testing/child_process.hpp"

namespace vigil::testing {

// Runs `vigilctl ARGS -c SITE.yaml`; the exit code is -1 if it did not exit
// within 30 s. Its output goes through a log file beside the config.
inline std::pair<int, std::string> site_vigilctl(const SiteHarness& site,
                                                 std::vector<std::string> args) {
  const auto log = site.config_path().parent_path() / "vigilctl-run.log";
  std::filesystem::remove(log);
  args.insert(args.begin(), VIGILCTL_PATH);
  args.push_back("-c");
  args.push_back(site.config_path().string());
  ChildProcess ctl(std::move(args), log);
  int rc = -1;
  if (ctl.wait_exit(std::chrono::seconds(30)) && WIFEXITED(*ctl.wait_status()))
    rc = WEXITSTATUS(*ctl.wait_status());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  return {rc, text.str()};
}

}  // namespace vigil::testing
