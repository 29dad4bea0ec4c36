// Trip and visit CSV import (issue 8): all or nothing, every bad row named by
// file, line, column and field.
#include <gtest/gtest.h>

#include <filesystem>

#include "vigil/config/load.hpp"
#include "vigil/config/roster_csv.hpp"

namespace vigil::config {
namespace roster_csv_test {

const SiteConfig& demo() {
  static const SiteConfig config =
      load_site_config_or_throw(std::filesystem::path(VIGIL_SOURCE_DIR) / "config/demo/site.yaml");
  return config;
}

std::vector<std::string> messages(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics) out.push_back(to_string(d));
  return out;
}

const std::string kTrips = "person_id,first_day,last_day,destination,approval\n";
const std::string kVisits =
    "visitor,host,purpose,organisation,delegation,first_day,last_day,zones\n";

TEST(TripCsv, ImportsEveryRowWithItsPlace) {
  auto r = parse_trips_csv_text(kTrips +
                                    "p07,2026-12-01,2026-12-05,XX,TRAVEL-118\n"
                                    "\n"
                                    " p08 ,2026-12-24,2026-12-24,\"Lyon, FR\",TRAVEL-119\n",
                                "trips.csv");
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  ASSERT_EQ(r.value().size(), 2u);
  const auto& first = r.value()[0];
  EXPECT_EQ(first.person.str(), "p07");
  EXPECT_EQ(first.trip.first_day, *core::parse_date("2026-12-01"));
  EXPECT_EQ(first.trip.last_day, *core::parse_date("2026-12-05"));
  EXPECT_EQ(first.trip.destination, "XX");
  EXPECT_EQ(first.trip.approval_ref, "TRAVEL-118");
  EXPECT_EQ(first.trip.id, 0);
  EXPECT_EQ(first.place.line, 2);
  const auto& second = r.value()[1];
  EXPECT_EQ(second.place.line, 4);  // the blank line still counts
  EXPECT_EQ(second.person.str(), "p08");
  EXPECT_EQ(second.trip.destination, "Lyon, FR");
}

TEST(TripCsv, ColumnsMayComeInAnyOrder) {
  auto r = parse_trips_csv_text(
      "approval,destination,last_day,first_day,Person_ID\nA-1,XX,2026-12-02,2026-12-01,p01\n",
      "trips.csv");
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  EXPECT_EQ(r.value()[0].person.str(), "p01");
  EXPECT_EQ(r.value()[0].place.cols, (std::vector<int>{5, 4, 3, 2, 1}));
}

TEST(TripCsv, OneBadRowRejectsTheFileNamingLineColumnAndField) {
  struct Case {
    std::string row;
    std::string message;
  };
  const std::vector<Case> cases{
      {",2026-12-01,2026-12-05,XX,A-1", "trips.csv:2:1: field 'person_id': must not be empty"},
      {"p 1,2026-12-01,2026-12-05,XX,A-1",
       "trips.csv:2:1: field 'person_id': 'p 1' is not a valid id"},
      {"p01,2026-13-01,2026-12-05,XX,A-1",
       "trips.csv:2:2: field 'first_day': expected a date such as 2026-12-31, got '2026-13-01'"},
      {"p01,2026-12-01,,XX,A-1", "trips.csv:2:3: field 'last_day': expected a date"},
      {"p01,2026-12-05,2026-12-01,XX,A-1",
       "trips.csv:2:3: field 'last_day': 2026-12-01 is before first_day 2026-12-05"},
      {"p01,2026-12-01,2026-12-05,  ,A-1", "trips.csv:2:4: field 'destination': must not be empty"},
      {"p01,2026-12-01,2026-12-05,XX,", "trips.csv:2:5: field 'approval': must not be empty"},
      {"p01,2026-12-01,2026-12-05,XX,A-1,extra", "trips.csv:2:6: expected at most 5 fields"},
  };
  for (const auto& c : cases) {
    auto r = parse_trips_csv_text(kTrips + "p00,2026-01-01,2026-01-02,XX,A-0\n" + c.row + "\n",
                                  "trips.csv");
    ASSERT_FALSE(r.ok()) << c.row;
    ASSERT_EQ(r.diagnostics().size(), 1u) << c.row;
    auto text = to_string(r.diagnostics()[0]);
    // The good first row is line 2, so the bad one is line 3.
    auto expected = c.message;
    expected.replace(expected.find(":2:"), 3, ":3:");
    EXPECT_TRUE(text.starts_with(expected)) << text << "\nexpected: " << expected;
  }
}

TEST(TripCsv, HeaderMistakesAreNamed) {
  auto missing = parse_trips_csv_text("person_id,first_day,last_day,destinaton\n", "t.csv");
  ASSERT_FALSE(missing.ok());
  const auto m = messages(missing.diagnostics());
  ASSERT_EQ(m.size(), 3u);
  EXPECT_NE(m[0].find("t.csv:1:4: unknown column 'destinaton' (did you mean 'destination'?)"),
            std::string::npos)
      << m[0];
  EXPECT_NE(m[1].find("no 'destination' column"), std::string::npos) << m[1];
  EXPECT_NE(m[2].find("no 'approval' column"), std::string::npos) << m[2];
  EXPECT_FALSE(parse_trips_csv_text("", "t.csv").ok());
  EXPECT_FALSE(parse_trips_csv_text("\"unterminated\n", "t.csv").ok());
}

TEST(TripCsv, AHeaderAloneImportsNothing) {
  auto r = parse_trips_csv_text(kTrips, "t.csv");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value().empty());
}

TEST(VisitCsv, ImportsAVisitWithItsZonesAndOptionalDelegation) {
  auto r = parse_visits_csv_text(
      kVisits +
          "v01,p01,\"audit, phase 2\",Ministry of X,DEL-9,2026-12-01,2026-12-03,lobby; "
          "server-room;lobby\n",
      "visits.csv", &demo().site);
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  const core::Visit& v = r.value()[0].visit;
  EXPECT_EQ(v.visitor.str(), "v01");
  EXPECT_EQ(v.host.str(), "p01");
  EXPECT_EQ(v.purpose, "audit, phase 2");
  EXPECT_EQ(v.organisation, "Ministry of X");
  EXPECT_EQ(v.delegation, "DEL-9");
  EXPECT_EQ(v.zones,
            (std::vector<core::ZoneId>{core::ZoneId{"lobby"}, core::ZoneId{"server-room"}}));

  auto no_delegation = parse_visits_csv_text(
      "visitor,host,purpose,organisation,first_day,last_day,zones\n"
      "v01,p01,audit,X,2026-12-01,2026-12-01,lobby\n",
      "visits.csv", &demo().site);
  ASSERT_TRUE(no_delegation.ok()) << to_string(no_delegation.diagnostics());
  EXPECT_EQ(no_delegation.value()[0].visit.delegation, "");
}

TEST(VisitCsv, EveryBadRowIsNamedAndNothingImports) {
  auto r = parse_visits_csv_text(kVisits +
                                     "v01,v01,audit,X,,2026-12-01,2026-12-01,lobby\n"
                                     "v02,p01,,X,,2026-12-01,2026-12-01,lobby\n"
                                     "v03,p01,audit,X,,2026-12-01,2026-12-01,lobbby\n"
                                     "v04,p01,audit,X,,2026-12-01,2026-12-01,;\n"
                                     "v05,p01,audit,X,,2026-12-01,2026-12-01,lobby\n",
                                 "visits.csv", &demo().site);
  ASSERT_FALSE(r.ok());
  const auto m = messages(r.diagnostics());
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0], "visits.csv:2:2: field 'host': a visitor cannot host their own visit");
  EXPECT_EQ(m[1], "visits.csv:3:3: field 'purpose': must not be empty");
  EXPECT_EQ(m[2], "visits.csv:4:8: field 'zones': unknown zone 'lobbby' (did you mean 'lobby'?)");
  EXPECT_EQ(m[3], "visits.csv:5:8: field 'zones': names no zone (zones separated by ';')");
}

TEST(VisitCsv, WithoutASiteZonesAreOnlyCheckedAsIds) {
  auto r = parse_visits_csv_text(kVisits + "v01,p01,audit,X,,2026-12-01,2026-12-01,anywhere\n",
                                 "visits.csv", nullptr);
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
}

}  // namespace roster_csv_test
}  // namespace vigil::config
