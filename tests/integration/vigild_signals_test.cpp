// vigild and the signals a service manager and an operator send it.
#include <gtest/gtest.h>

#include <csignal>

#include "site_harness.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

TEST(VigildSignals, SighupKeepsTheDaemonRunningAndDeciding) {
  SiteHarness site;
  site.start_vigild();
  site.signal_vigild(SIGHUP);
  ASSERT_TRUE(
      eventually([&] { return site.vigild_log().find("SIGHUP") != std::string::npos; }, 5s));
  EXPECT_TRUE(site.vigild_running());
  // Still deciding: a swipe after the SIGHUP opens the door.
  site.swipe(12, 1001);
  ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 5s))
      << site.vigild_log();
  EXPECT_TRUE(site.events(core::EventKind::daemon_stopped).empty());
}

}  // namespace
}  // namespace vigil::testing
