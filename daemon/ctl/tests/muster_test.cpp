// vigilctl muster: who is inside each zone, with the time of entry, from
// the journal's entry events (issue 8), on a real site config and journal.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "vigil/ctl/commands.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::ctl {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kSite = fs::path(VIGIL_SOURCE_DIR) / "daemon/ctl/tests/data/explain_site.yaml";

core::Event entry(const char* person, const char* zone, core::TimePoint at) {
  core::Event e;
  e.kind = core::EventKind::entry;
  e.time = at;
  e.person = core::PersonId(person);
  e.zone = core::ZoneId(zone);
  return e;
}

TEST(Muster, ListsWhoIsInsideEachZoneWithTheTimeTheyEntered) {
  const fs::path dir =
      fs::temp_directory_path() / ("vigilctl-muster-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = (dir / "vigil.db").string();
  const core::TimePoint t0{std::chrono::hours(24 * 20782 + 9)};  // 2026-11-25 09:00Z
  {
    journal::Journal j(db);
    std::vector<core::Event> events{
        entry("anna", "lobby", t0),          entry("ben", "lobby", t0 + 1min),
        entry("ben", "vault", t0 + 2min),    entry("cleo", "lobby", t0 + 3min),
        entry("cleo", "outside", t0 + 4min),  // left
    };
    j.append(events);
  }
  std::ostringstream out, err;
  ASSERT_EQ(muster(MusterArgs{kSite.string(), db, std::nullopt}, out, err), 0) << err.str();
  const std::string all = out.str();
  SCOPED_TRACE(all);
  EXPECT_NE(all.find("lobby (lobby): 1 inside\n  anna  ?  since 2026-11-25 09:00 UTC"),
            std::string::npos);
  EXPECT_NE(all.find("vault (vault): 1 inside\n  ben  ?  since 2026-11-25 09:02 UTC"),
            std::string::npos);
  EXPECT_EQ(all.find("cleo"), std::string::npos) << "cleo badged out";
  EXPECT_NE(all.find("2 people inside"), std::string::npos);

  std::ostringstream vault;
  ASSERT_EQ(muster(MusterArgs{kSite.string(), db, std::string{"vault"}}, vault, err), 0);
  EXPECT_EQ(vault.str().find("anna"), std::string::npos) << vault.str();
  EXPECT_NE(vault.str().find("ben"), std::string::npos) << vault.str();
  EXPECT_NE(muster(MusterArgs{kSite.string(), db, std::string{"nowhere"}}, vault, err), 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vigil::ctl
