// People CSV import: all or nothing, every bad row named by line and field.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "csv.hpp"
#include "vigil/config/load.hpp"
#include "vigil/config/people_csv.hpp"

namespace vigil::config {
namespace people_csv_test {

const std::filesystem::path kData =
    std::filesystem::path(VIGIL_SOURCE_DIR) / "daemon/config/tests/data";
const std::filesystem::path kDemo = std::filesystem::path(VIGIL_SOURCE_DIR) / "config/demo";

using namespace std::chrono;

core::TimePoint utc(int y, unsigned m, unsigned d, int h = 0) {
  return time_point_cast<microseconds>(sys_days(year(y) / month(m) / day(d)) + hours(h));
}

std::vector<std::string> messages(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics) out.push_back(to_string(d));
  return out;
}

Result<PeopleImport> parse(const std::string& text, const core::Site* site = nullptr) {
  return parse_people_csv_text(text, "people.csv", site);
}

const std::string kHeader = "person_id,name,card,access_levels,active,valid_from,valid_until\n";

TEST(PeopleCsv, ImportsAGoodFile) {
  auto result = parse_people_csv(kData / "people_good.csv");
  ASSERT_TRUE(result.ok()) << to_string(result.diagnostics());
  const PeopleImport& p = result.value();
  ASSERT_EQ(p.people.size(), 4u);
  ASSERT_EQ(p.credentials.size(), 4u);
  EXPECT_EQ(p.people[0].id.str(), "p01");
  EXPECT_EQ(p.people[0].name, "Anna Müller");
  EXPECT_EQ(p.credentials[0].card, (core::CardNumber{12, 1001}));
  EXPECT_EQ(p.credentials[0].person.str(), "p01");
  EXPECT_TRUE(p.credentials[0].active);
  EXPECT_FALSE(p.credentials[0].valid_from.has_value());

  EXPECT_EQ(p.people[1].access_levels,
            (std::vector<core::AccessLevelId>{core::AccessLevelId("staff"),
                                              core::AccessLevelId("all-hours")}));
  // Without a site the dates are whole UTC days.
  EXPECT_EQ(p.credentials[1].valid_from, utc(2025, 1, 1));
  EXPECT_EQ(p.credentials[1].valid_until, utc(2026, 1, 1) - microseconds(1));

  EXPECT_FALSE(p.people[2].active);
  EXPECT_FALSE(p.credentials[2].active);
  EXPECT_TRUE(p.people[2].access_levels.empty());

  // Unquoted fields and level names are trimmed.
  EXPECT_EQ(p.people[3].name, "David Weber");
  EXPECT_EQ(p.people[3].access_levels.size(), 2u);
}

TEST(PeopleCsv, QuotedFieldsKeepCommasQuotesAndLineBreaks) {
  auto result = parse(kHeader + "p01,\"Schneider, Ben\",12:1,,,,\n" +
                      "p02,\"Clara \"\"CJ\"\" Fischer\",12:2,,,,\n" +
                      "p03,\"two\nlines\",12:3,,,,\n" + "p04,Dora,12:x,,,,\n");
  ASSERT_FALSE(result.ok());
  // The line break inside quotes counts: p04 starts on line 6.
  EXPECT_EQ(
      messages(result.diagnostics()),
      std::vector<std::string>{
          "people.csv:6: field 'card': expected facility:number such as 12:1001, got '12:x'"});
  auto good = parse(kHeader + "p01,\"Schneider, Ben\",12:1,,,,\n" +
                    "p02,\"Clara \"\"CJ\"\" Fischer\",12:2,,,,\n");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good.value().people[0].name, "Schneider, Ben");
  EXPECT_EQ(good.value().people[1].name, "Clara \"CJ\" Fischer");
}

TEST(PeopleCsv, BadCardNamesLineAndFieldAndImportsNothing) {
  const auto path = kData / "people_bad_card.csv";
  auto result = parse_people_csv(path);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(
      messages(result.diagnostics()),
      std::vector<std::string>{path.string() + ":3: field 'card': expected facility:number such as "
                                               "12:1001, got '12-1002'"});
}

TEST(PeopleCsv, DuplicateCardNamesBothLines) {
  const auto path = kData / "people_duplicate_card.csv";
  auto result = parse_people_csv(path);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(messages(result.diagnostics()),
            std::vector<std::string>{
                path.string() + ":4: field 'card': card 12:1001 is already assigned on line 2"});
}

struct RowCase {
  const char* name;
  const char* rows;  // after the header, which is line 1
  std::vector<std::string> expected;
};

void PrintTo(const RowCase& c, std::ostream* os) {
  *os << c.name;
}

class PeopleCsvRow : public testing::TestWithParam<RowCase> {};

TEST_P(PeopleCsvRow, IsRejected) {
  auto result = parse(kHeader + GetParam().rows);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(messages(result.diagnostics()), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Mistakes, PeopleCsvRow,
    testing::Values(
        RowCase{"DuplicatePersonId",
                "p01,A,1:1,,,,\np01,B,1:2,,,,\n",
                {"people.csv:3: field 'person_id': duplicate person id 'p01' (first on line 2)"}},
        RowCase{"EmptyName", "p01,,1:1,,,,\n", {"people.csv:2: field 'name': must not be empty"}},
        RowCase{"BadPersonId",
                "p 01,A,1:1,,,,\n",
                {"people.csv:2: field 'person_id': 'p 01' is not a valid id (use letters, digits, "
                 "'-', '_' and '.', starting with a letter or digit)"}},
        RowCase{"BadActive",
                "p01,A,1:1,,maybe,,\n",
                {"people.csv:2: field 'active': expected true or false, got 'maybe'"}},
        RowCase{"BadDate",
                "p01,A,1:1,,,2025-02-30,\n",
                {"people.csv:2: field 'valid_from': expected a date such as 2025-12-31, got "
                 "'2025-02-30'"}},
        RowCase{"UntilBeforeFrom",
                "p01,A,1:1,,,2025-06-01,2025-05-31\n",
                {"people.csv:2: field 'valid_until': 2025-05-31 is before valid_from 2025-06-01"}},
        RowCase{"TooManyFields",
                "p01,A,1:1,,,,,extra\n",
                {"people.csv:2: expected at most 7 fields, got 8"}},
        RowCase{"EveryBadRowIsReported",
                "p01,A,1:1,,,,\np02,B,x,,,,\np03,C,1:3,,nope,,\n",
                {"people.csv:3: field 'card': expected facility:number such as 12:1001, got 'x'",
                 "people.csv:4: field 'active': expected true or false, got 'nope'"}},
        // Repeats are found after the last row; they still come out in
        // line order, and in field order within a line.
        RowCase{"RepeatsAmongOtherMistakesInLineThenFieldOrder",
                "p01,A,1:1,,,,\np01,,1:1,,,,\np02,B,1:1,,maybe,,\np01,C,1:2,,,,\n",
                {"people.csv:3: field 'person_id': duplicate person id 'p01' (first on line 2)",
                 "people.csv:3: field 'name': must not be empty",
                 "people.csv:3: field 'card': card 1:1 is already assigned on line 2",
                 "people.csv:4: field 'card': card 1:1 is already assigned on line 2",
                 "people.csv:4: field 'active': expected true or false, got 'maybe'",
                 "people.csv:5: field 'person_id': duplicate person id 'p01' (first on line 2)"}},
        RowCase{"UnclosedQuote",
                "p01,\"Anna,1:1,,,,\n",
                {"people.csv:2: a quoted field is never closed"}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(PeopleCsv, HeaderMustNameTheRequiredColumns) {
  auto result = parse("id,name,card\np01,A,1:1\n");
  EXPECT_EQ(messages(result.diagnostics()),
            (std::vector<std::string>{
                "people.csv:1: unknown column 'id' (expected person_id,name,card,access_levels,"
                "active,valid_from,valid_until,clearance,clearance_expires)",
                "people.csv:1: the header row has no 'person_id' column (expected person_id,name,"
                "card,access_levels,active,valid_from,valid_until,clearance,clearance_expires)"}));
}

TEST(PeopleCsv, ColumnsMayComeInAnyOrderAndOptionalOnesMayBeLeftOut) {
  auto result = parse("card,person_id,name\n12:7,p07,Greta\n");
  ASSERT_TRUE(result.ok()) << to_string(result.diagnostics());
  EXPECT_EQ(result.value().credentials[0].card, (core::CardNumber{12, 7}));
  EXPECT_TRUE(result.value().people[0].active);
}

TEST(PeopleCsv, ClearanceColumnsAreOptional) {
  auto old = parse(kHeader + "p01,A,1:1,,,,\n");
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old.value().sets_clearance);
  EXPECT_EQ(old.value().people[0].clearance.level, core::ClearanceLevel::none);

  auto result = parse(
      "person_id,name,card,clearance,clearance_expires\n"
      "p01,A,1:1,secret,2027-06-30\np02,B,1:2,Top_Secret,\np03,C,1:3,,\n");
  ASSERT_TRUE(result.ok()) << to_string(result.diagnostics());
  const auto& people = result.value().people;
  EXPECT_TRUE(result.value().sets_clearance);
  EXPECT_EQ(people[0].clearance,
            (core::Clearance{core::ClearanceLevel::secret, core::parse_date("2027-06-30")}));
  EXPECT_EQ(people[1].clearance, (core::Clearance{core::ClearanceLevel::top_secret, std::nullopt}));
  EXPECT_EQ(people[2].clearance, core::Clearance{});
}

TEST(PeopleCsv, ClearanceMistakesNameLineAndField) {
  auto result = parse(
      "person_id,name,card,clearance,clearance_expires\n"
      "p01,A,1:1,secrt,\np02,B,1:2,,2027-01-01\np03,C,1:3,secret,2027-02-30\n");
  EXPECT_EQ(messages(result.diagnostics()),
            (std::vector<std::string>{
                "people.csv:2: field 'clearance': expected confidential, secret or top_secret, "
                "got 'secrt' (did you mean 'secret'?)",
                "people.csv:3: field 'clearance_expires': a last day without a clearance level",
                "people.csv:4: field 'clearance_expires': expected a date such as 2025-12-31, got "
                "'2027-02-30'"}));
  EXPECT_EQ(
      messages(
          parse("person_id,name,card,clearance_expires\np01,A,1:1,2027-01-01\n").diagnostics()),
      (std::vector<std::string>{
          "people.csv:1: column 'clearance_expires' needs a 'clearance' column"}));
}

TEST(PeopleCsv, EmptyFileNeedsAHeader) {
  auto result = parse("");
  ASSERT_EQ(result.diagnostics().size(), 1u);
  EXPECT_EQ(result.diagnostics()[0].line, 0);
}

TEST(PeopleCsv, DemoPeopleImportAgainstTheDemoSite) {
  const SiteConfig site = load_site_config_or_throw(kDemo / "site.yaml");
  auto result = parse_people_csv(kDemo / "people.csv", site.site);
  ASSERT_TRUE(result.ok()) << to_string(result.diagnostics());
  const PeopleImport& p = result.value();
  ASSERT_EQ(p.people.size(), 20u);
  EXPECT_EQ(p.people[0].name, "Müller, Anna");
  EXPECT_EQ(p.credentials[18].card, (core::CardNumber{12, 1019}));
  EXPECT_FALSE(p.people[18].active);
  EXPECT_EQ(p.credentials[19].card, (core::CardNumber{12, 1020}));
  // Validity days are Berlin days: 2024-12-31 ends at 23:00 UTC (CET).
  EXPECT_EQ(p.credentials[19].valid_until, utc(2024, 12, 31, 23) - microseconds(1));

  const core::PeopleDirectory directory = make_directory(p);
  EXPECT_EQ(directory.person_count(), 20u);
  auto holder = directory.find_card(core::CardNumber{12, 1015});
  ASSERT_TRUE(holder.has_value());
  EXPECT_EQ(holder->person.id().str(), "p15");
}

TEST(PeopleCsv, UnknownAccessLevelIsAnErrorWhenCheckedAgainstASite) {
  const SiteConfig site = load_site_config_or_throw(kDemo / "site.yaml");
  auto result = parse(kHeader + "p01,A,1:1,staf,,,\n", &site.site);
  EXPECT_EQ(messages(result.diagnostics()),
            std::vector<std::string>{
                "people.csv:2: field 'access_levels': unknown access level 'staf' (did you mean "
                "'staff'?)"});
  EXPECT_TRUE(parse(kHeader + "p01,A,1:1,staf,,,\n").ok());  // no site, no check
}

// A sheet with a byte order mark, CRLF, CR and LF line ends, a blank line,
// quoted commas, doubled quotes and a line break inside quotes.
const std::string kAwkwardSheet =
    "\xEF\xBB\xBFperson_id,name,card\r\n"
    "p01,\"M\u00fcller, \"\"Anna\"\"\nline two\",12:1001\r\n"
    "\r\n"
    "p02, Ben ,12:1002\rp03,\"\",12:1003\n";

// A file read in chunks splits records anywhere: inside quotes, between
// the two quotes of "", between CR and LF, inside the byte order mark.
TEST(PeopleCsv, ChunkedReadingGivesTheSameRowsAsOneReadWhereverTheChunksSplit) {
  const std::string& text = kAwkwardSheet;
  const auto whole = parse_csv(text);
  ASSERT_TRUE(std::holds_alternative<std::vector<CsvRecord>>(whole));
  const auto& expected = std::get<std::vector<CsvRecord>>(whole);
  ASSERT_EQ(expected.size(), 4u);
  EXPECT_EQ(expected[1].fields[1], "M\u00fcller, \"Anna\"\nline two");
  for (std::size_t size = 1; size <= 7; ++size) {
    std::vector<CsvRecord> got;
    CsvReader reader([&](CsvRecord& r) { got.push_back(std::move(r)); });
    for (std::size_t i = 0; i < text.size(); i += size) reader.feed(text.substr(i, size));
    ASSERT_TRUE(reader.finish()) << size;
    ASSERT_EQ(got.size(), expected.size()) << size;
    for (std::size_t r = 0; r < got.size(); ++r) {
      EXPECT_EQ(got[r].line, expected[r].line) << size;
      EXPECT_EQ(got[r].fields, expected[r].fields) << size;
      EXPECT_EQ(got[r].offset, expected[r].offset) << size;
      EXPECT_EQ(got[r].size, expected[r].size) << size;
    }
  }
}

// A record's place is its bytes in the input without the line end, after a
// byte order mark, whatever line ends and quoted line breaks it holds (an
// import reads rows again by place, s25-import).
TEST(PeopleCsv, ARecordsPlaceIsItsOwnBytesInTheInput) {
  // With and without a line end after the last record.
  for (const std::string& text :
       {kAwkwardSheet, kAwkwardSheet.substr(0, kAwkwardSheet.size() - 1)}) {
    const auto parsed = parse_csv(text);
    ASSERT_TRUE(std::holds_alternative<std::vector<CsvRecord>>(parsed));
    std::vector<std::string> bytes;
    for (const auto& r : std::get<std::vector<CsvRecord>>(parsed)) {
      bytes.push_back(text.substr(r.offset, r.size));
    }
    EXPECT_EQ(bytes,
              (std::vector<std::string>{"person_id,name,card",
                                        "p01,\"M\u00fcller, \"\"Anna\"\"\nline two\",12:1001",
                                        "p02, Ben ,12:1002", "p03,\"\",12:1003"}));
  }
}

// An import keeps each row's digest from its check pass and compares it with
// the row read back by position (s27): the scan's digests and the text
// parser's agree, and a row whose fields change gets another digest, even
// when the change moves a comma (the fields' lengths are digested too).
TEST(PeopleCsv, ARowsDigestIsTheSameInTheScanAndReadBackAndChangesWithItsFields) {
  const std::string sheet = kHeader +
                            "p01,\"M\u00fcller, Anna\",12:1001,,true,,\r\n"
                            "p02,Ben,12:1002,,true,,\n"
                            "p03,Cem,12:1003,,false,,\n";
  const auto path = std::filesystem::temp_directory_path() /
                    ("people-digest-" + std::to_string(::getpid()) + ".csv");
  {
    std::ofstream out(path, std::ios::binary);
    out << sheet;
  }
  RowDigestKey key{};
  key[3] = 7;
  PeopleScanOptions options;
  options.keep_places = true;
  options.row_digest_key = key;
  auto scan = scan_people_csv(path, options);
  std::filesystem::remove(path);
  ASSERT_TRUE(scan.ok()) << to_string(scan.diagnostics());
  const auto& places = scan.value().places;
  ASSERT_EQ(places.size(), 3u);
  // Read back as the import does: the header and the rows by their places.
  auto read_back = [&](const std::string& text) {
    std::string batch = text.substr(scan.value().header.offset, scan.value().header.size) + "\n";
    for (const auto& place : places) batch += text.substr(place.offset, place.size) + "\n";
    auto rows = parse_people_csv_text(batch, "people.csv", nullptr, &key);
    EXPECT_TRUE(rows.ok()) << to_string(rows.diagnostics());
    return rows.ok() ? rows.value() : PeopleImport{};
  };
  const auto same = read_back(sheet);
  EXPECT_EQ(same.header_digest, scan.value().header.digest);
  ASSERT_EQ(same.row_digests.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(same.row_digests[i], places[i].digest) << i;
  EXPECT_NE(places[0].digest, places[1].digest);

  // Ben becomes Bea: only his row's digest changes.
  std::string changed = sheet;
  changed.replace(changed.find("Ben"), 3, "Bea");
  const auto bea = read_back(changed);
  EXPECT_EQ(bea.row_digests[0], places[0].digest);
  EXPECT_NE(bea.row_digests[1], places[1].digest);
  EXPECT_EQ(bea.row_digests[2], places[2].digest);

  // The same bytes with a field boundary moved (name Ab1 and card 2:1, or
  // name Ab and card 12:1) are another row; another key, another digest.
  const auto text_digest = [&](const std::string& row, const RowDigestKey& k) {
    auto rows = parse_people_csv_text(kHeader + row, "people.csv", nullptr, &k);
    EXPECT_TRUE(rows.ok()) << row;
    return rows.ok() ? rows.value().row_digests.at(0) : 0;
  };
  EXPECT_NE(text_digest("p04,Ab1,2:1,,true,,\n", key), text_digest("p04,Ab,12:1,,true,,\n", key));
  RowDigestKey other = key;
  other[0] = 1;
  EXPECT_NE(text_digest("p04,ab,12:1\n", key), text_digest("p04,ab,12:1\n", other));
}

// The reader reuses a record's strings for the next record: a short record
// after a long one must not keep the long one's extra fields or text.
TEST(PeopleCsv, EachRecordHasOnlyItsOwnFieldsWhenTheReaderIsNotMovedFrom) {
  std::vector<std::vector<std::string>> got;
  CsvReader reader([&](CsvRecord& r) { got.push_back(r.fields); });
  ASSERT_TRUE(reader.feed("alpha,beta,gamma\n\"long, quoted field\" , x\nd\n e ,\"\"\n,\n"));
  ASSERT_TRUE(reader.finish());
  EXPECT_EQ(
      got,
      (std::vector<std::vector<std::string>>{
          {"alpha", "beta", "gamma"}, {"long, quoted field", "x"}, {"d"}, {"e", ""}, {"", ""}}));
}

// Access levels: ';'-separated, each trimmed, empty pieces and repeats dropped.
TEST(PeopleCsv, AccessLevelsAreSplitTrimmedAndDeduplicated) {
  auto result = parse(kHeader + "p01,A,1:1,\" staff ; ;night;staff;\",,,\np02,B,1:2,;,,,\n");
  ASSERT_TRUE(result.ok()) << to_string(result.diagnostics());
  EXPECT_EQ(result.value().people[0].access_levels,
            (std::vector<core::AccessLevelId>{core::AccessLevelId("staff"),
                                              core::AccessLevelId("night")}));
  EXPECT_TRUE(result.value().people[1].access_levels.empty());
  EXPECT_EQ(messages(parse(kHeader + "p01,A,1:1,staff;n ght,,,\n").diagnostics()),
            std::vector<std::string>{
                "people.csv:2: field 'access_levels': 'n ght' is not a valid access level id"});
}

}  // namespace people_csv_test
}  // namespace vigil::config
