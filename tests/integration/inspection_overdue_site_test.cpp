// Overdue deficiencies raised by vigild itself (issue 9 item 6): no
// inspection command raises them any more; vigild's own check (at start and
// every --overdue-check-ms) journals deficiency_overdue once per deficiency,
// across restarts, and its incident reaches the broker.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "run_vigilctl.hpp"
#include "site_harness.hpp"
#include "vigil/core/attr.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace overdue_site {

using namespace std::chrono_literals;

int overdue_messages(const MqttTestSubscriber& sub) {
  int n = 0;
  for (const auto& m : sub.messages()) {
    auto j = nlohmann::json::parse(m.payload, nullptr, false);
    if (j.is_object() && j.value("kind", "") == "deficiency_overdue") ++n;
  }
  return n;
}

// deficiency id -> how many deficiency_overdue events name it
std::map<std::int64_t, int> overdue_per_deficiency(const SiteHarness& site) {
  std::map<std::int64_t, int> n;
  for (const auto& e : site.events(core::EventKind::deficiency_overdue))
    ++n[core::attr_int(e.attrs, "deficiency").value_or(-1)];
  return n;
}

TEST(DeficiencyOverdue, VigildRaisesItWithoutACommandAndOnceAcrossARestart) {
  SiteHarness::Options options;
  options.vigild_args = {"--overdue-check-ms", "100"};
  SiteHarness site({}, options);
  MqttTestSubscriber sub(site.broker().uri(), site.incident_filter());
  site.start_vigild();

  auto [rc, out] = site_vigilctl(site, {"inspection", "start", "--site"});
  ASSERT_EQ(rc, 0) << out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex("inspection (\\d+) of the site"))) << out;
  const std::string id = m[1];
  std::tie(rc, out) =
      site_vigilctl(site, {"inspection", "record", id, "door:lobby-main", "deficiency", "--note",
                           "strike sticks", "--unit", "facilities", "--due", "2020-01-31"});
  ASSERT_EQ(rc, 0) << out;
  // The command itself raises nothing: vigild's next check does.
  ASSERT_TRUE(eventually([&] { return overdue_messages(sub) == 1; }, 5s)) << site.vigild_log();
  const auto raised = site.events(core::EventKind::deficiency_overdue);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(core::attr_text(raised[0].attrs, "item"), "door:lobby-main");
  EXPECT_EQ(core::attr_text(raised[0].attrs, "due"), "2020-01-31");
  EXPECT_EQ(core::attr_text(raised[0].attrs, "unit"), "facilities");

  // After a restart the journal remembers: the start check and the next
  // ones raise only the deficiency recorded since.
  site.stop_vigild();
  ASSERT_TRUE(eventually([&] { return !site.vigild_running(); }, 10s));
  site.start_vigild();
  std::tie(rc, out) =
      site_vigilctl(site, {"inspection", "record", id, "reader:lobby-in", "deficiency", "--note",
                           "cover cracked", "--unit", "facilities", "--due", "2020-02-01"});
  ASSERT_EQ(rc, 0) << out;
  ASSERT_TRUE(eventually([&] { return overdue_messages(sub) == 2; }, 5s)) << site.vigild_log();
  const auto per = overdue_per_deficiency(site);
  ASSERT_EQ(per.size(), 2u);
  for (const auto& [deficiency, count] : per) EXPECT_EQ(count, 1) << "deficiency " << deficiency;
  // A deficiency due in the future is not overdue.
  std::tie(rc, out) =
      site_vigilctl(site, {"inspection", "record", id, "door:lobby-main", "deficiency", "--note",
                           "hinge loose", "--unit", "facilities", "--due", "2999-12-31"});
  ASSERT_EQ(rc, 0) << out;
  std::tie(rc, out) = site_vigilctl(site, {"inspect", "--json"});
  ASSERT_EQ(rc, 0) << out;
  const auto report = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << out;
  EXPECT_EQ(report["summary"]["overdue"], 2) << out;
  EXPECT_EQ(site.events(core::EventKind::deficiency_overdue).size(), 2u);
}

}  // namespace overdue_site
}  // namespace vigil::testing
