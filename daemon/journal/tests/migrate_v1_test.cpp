// A format v1 file (user_version 1) is migrated on open: rows re-chained into
// v2 with their numbers, then one journal_integrity row recording the v1 head.
#include <gtest/gtest.h>

#include "journal_test_support.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace migrate_v1_test {

using testing::RawSql;
using testing::TempDir;

constexpr const char* kV1Schema = R"sql(
CREATE TABLE events (seq INTEGER PRIMARY KEY, ts_us INTEGER NOT NULL, kind TEXT NOT NULL,
  reason TEXT NOT NULL, door TEXT, reader TEXT, zone TEXT, person TEXT, device TEXT, card TEXT,
  detail TEXT NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL);
CREATE INDEX events_by_person ON events(person, ts_us) WHERE person IS NOT NULL;
CREATE INDEX events_by_time ON events(ts_us);
CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT NOT NULL, active INTEGER NOT NULL);
PRAGMA user_version = 1;
)sql";

struct V1Row {
  std::int64_t ts_us;
  std::string kind;
  std::optional<std::string> person;
  std::optional<std::string> card;
};

// Writes a v1 journal the way v1 Vigil did (docs/journal.md, "Format v1").
Hash write_v1(const std::filesystem::path& path, const std::vector<V1Row>& rows) {
  RawSql raw{path};
  raw.exec(kV1Schema);
  RowHasher hasher;
  Hash prev{};
  std::int64_t seq = 0;
  for (const auto& row : rows) {
    ++seq;
    std::vector<std::uint8_t> in;
    auto put_u = [&](std::uint64_t v, int width) {
      for (int i = width - 1; i >= 0; --i) in.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    };
    auto put_text = [&](const std::optional<std::string>& text) {
      if (!text) return in.push_back(0);
      in.push_back(1);
      put_u(text->size(), 4);
      in.insert(in.end(), text->begin(), text->end());
    };
    std::string magic = "vigil.journal.v1";
    in.insert(in.end(), magic.begin(), magic.end());
    put_u(static_cast<std::uint64_t>(seq), 8);
    put_u(static_cast<std::uint64_t>(row.ts_us), 8);
    for (const auto& text :
         std::vector<std::optional<std::string>>{row.kind, "none", "d1", std::nullopt, std::nullopt,
                                                 row.person, std::nullopt, row.card, ""}) {
      put_text(text);
    }
    in.insert(in.end(), prev.begin(), prev.end());
    auto hash = hasher.sha256(in);
    auto quoted = [](const std::optional<std::string>& t) { return t ? "'" + *t + "'" : "NULL"; };
    raw.exec("INSERT INTO events VALUES (" + std::to_string(seq) + ", " +
             std::to_string(row.ts_us) + ", '" + row.kind + "', 'none', 'd1', NULL, NULL, " +
             quoted(row.person) + ", NULL, " + quoted(row.card) + ", '', x'" + to_hex(prev) +
             "', x'" + to_hex(hash) + "')");
    prev = hash;
  }
  return prev;
}

const std::vector<V1Row> kRows{
    {1'772'438'400'000'000, "access_granted", "p02", "12:1002"},
    {1'772'438'401'000'000, "door_opened", std::nullopt, std::nullopt},
    {1'772'438'402'000'000, "access_granted", "p03", "12:1003"},
};

TEST(MigrateV1, ReChainsTheRowsWithTheirNumbersAndRecordsTheV1Head) {
  TempDir dir;
  auto v1_head = write_v1(dir.file("j.db"), kRows);
  Journal journal{dir.file("j.db")};
  EXPECT_EQ(RawSql{dir.file("j.db")}.integer("PRAGMA user_version"), 2);
  auto result = journal.verify();
  EXPECT_TRUE(result.ok) << result.message;
  EXPECT_EQ(result.rows, 4u);

  auto rows = journal.query({});
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].person, core::PersonId{"p02"});
  EXPECT_EQ(rows[2].card, (core::CardNumber{.facility = 12, .number = 1003}));
  EXPECT_EQ(journal.query({.person = core::PersonId{"p03"}}).at(0).seq, 3u);
  const auto& marker = rows[3];
  EXPECT_EQ(marker.kind, core::EventKind::journal_integrity);
  EXPECT_EQ(core::attr_text(marker.attrs, "migrated_from"), "vigil.journal.v1");
  EXPECT_EQ(core::attr_text(marker.attrs, "v1_head"), to_hex(v1_head));
  EXPECT_EQ(core::attr_int(marker.attrs, "v1_rows"), 3);
  EXPECT_EQ(core::attr_bool(marker.attrs, "v1_verified"), true);
  // The v1 rows stay, renamed, so the recorded head can be rechecked.
  EXPECT_EQ(RawSql{dir.file("j.db")}.integer("SELECT count(*) FROM events_v1"), 3);
}

TEST(MigrateV1, RecordsWhereABrokenV1ChainBroke) {
  TempDir dir;
  write_v1(dir.file("j.db"), kRows);
  RawSql{dir.file("j.db")}.exec("UPDATE events SET person = 'p99' WHERE seq = 2");
  Journal journal{dir.file("j.db")};
  auto marker = journal.query({.kinds = {core::EventKind::journal_integrity}}).at(0);
  EXPECT_EQ(core::attr_bool(marker.attrs, "v1_verified"), false);
  EXPECT_EQ(core::attr_int(marker.attrs, "v1_first_bad_seq"), 2);
  EXPECT_TRUE(journal.verify().ok);
}

TEST(MigrateV1, AnEmptyV1JournalMigratesToOneMarkerRow) {
  TempDir dir;
  write_v1(dir.file("j.db"), {});
  Journal journal{dir.file("j.db")};
  EXPECT_EQ(journal.last_seq(), 1u);
  EXPECT_TRUE(journal.verify().ok);
}

}  // namespace migrate_v1_test
}  // namespace vigil::journal
