// The people store's load on two threads (s23-start): one decodes the
// rows, the other fills the directory. It must leave the directory a
// row-by-row reading of the store leaves: the same people at the same
// positions, the same cards with the same holders, the same PINs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "journal_test_support.hpp"
#include "roster_test_support.hpp"
#include "vigil/journal/people_store.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {
namespace {

using testing::at;
using testing::card;
using testing::file;
using testing::person;
using testing::TempDir;

core::PinHash pin_hash(int fill) {
  core::PinHash pin;
  pin.iterations = 60'000;
  pin.salt.fill(static_cast<std::uint8_t>(fill));
  pin.digest.fill(static_cast<std::uint8_t>(fill ^ 0x5a));
  return pin;
}

// The directory built the plain way from the store's own rows: every
// person by id (the people table's order), each one's cards, every PIN.
// `card_order`: the cards as the credentials table holds them, the order
// a door board's offline copy is sent in.
core::PeopleDirectory expected_from_rows(const std::filesystem::path& db,
                                         std::vector<core::CardNumber>& card_order) {
  PeopleStore store{db};
  core::PeopleDirectory out;
  for (const auto& p : store.list_people()) out.add_person(p);
  sqlite::Database sql{db};
  auto card_at = [](const std::string& text) {
    const auto colon = text.find(':');
    return core::CardNumber{static_cast<std::uint32_t>(std::stoul(text.substr(0, colon))),
                            std::stoull(text.substr(colon + 1))};
  };
  // By holder, not in the table's (card) order the load reads.
  sqlite::Statement cards{sql.handle(),
                          "SELECT card, person, active, valid_from_us, valid_until_us "
                          "FROM credentials ORDER BY person, card DESC"};
  auto time_at = [&](int column) -> std::optional<core::TimePoint> {
    if (cards.is_null(column)) return std::nullopt;
    return core::from_unix_micros(cards.column_int(column));
  };
  while (cards.step()) {
    out.add_credential({.card = card_at(cards.column_text(0)),
                        .person = core::PersonId{cards.column_text(1)},
                        .active = cards.column_int(2) != 0,
                        .valid_from = time_at(3),
                        .valid_until = time_at(4)});
  }
  sqlite::Statement table_order{sql.handle(), "SELECT card FROM credentials ORDER BY card"};
  while (table_order.step()) card_order.push_back(card_at(table_order.column_text(0)));
  sqlite::Statement pins{sql.handle(), "SELECT person, hash FROM person_pins ORDER BY person"};
  while (pins.step()) {
    if (auto hash = core::parse_pin_hash(pins.column_text_view(1))) {
      out.set_pin(core::PersonId{pins.column_text(0)}, *hash);
    }
  }
  return out;
}

void expect_same(const core::PeopleDirectory& want, const core::PeopleDirectory& got) {
  ASSERT_EQ(got.person_count(), want.person_count());
  EXPECT_EQ(got.credential_count(), want.credential_count());
  EXPECT_EQ(got.pin_count(), want.pin_count());
  for (std::uint32_t i = 0; i < want.person_count(); ++i) {
    const auto w = want.person_at(i);
    const auto g = got.person_at(i);
    ASSERT_EQ(g.id_str(), w.id_str()) << "position " << i;
    EXPECT_EQ(g.name(), w.name()) << w.id_str();
    EXPECT_EQ(g.active(), w.active()) << w.id_str();
    EXPECT_EQ(g.access_levels().to_vector(), w.access_levels().to_vector()) << w.id_str();
    EXPECT_EQ(g.clearance(), w.clearance()) << w.id_str();
    const auto* wp = want.pin_at(i);
    const auto* gp = got.pin_at(i);
    ASSERT_EQ(gp == nullptr, wp == nullptr) << w.id_str();
    if (wp != nullptr) {
      EXPECT_EQ(*gp, *wp) << w.id_str();
    }
  }
  for (const auto& number : want.cards()) {
    const auto w = want.find_card(number);
    const auto g = got.find_card(number);
    ASSERT_TRUE(g.has_value()) << core::to_string(number);
    EXPECT_EQ(g->position, w->position) << core::to_string(number);
    EXPECT_EQ(g->credential.active(), w->credential.active()) << core::to_string(number);
    EXPECT_EQ(g->credential.valid_from(), w->credential.valid_from()) << core::to_string(number);
    EXPECT_EQ(g->credential.valid_until(), w->credential.valid_until()) << core::to_string(number);
  }
}

std::string id_of(int i) {
  return "p" + std::to_string(i);  // p10 < p100 < p11: the table's order is not the import's
}

// A few thousand people, with the edges a bulk load could get wrong: no
// card, several cards, cards with validity dates, revoked and inactive
// cards, inactive people, no levels, three levels (an interned set), a
// clearance with and without a last day, no PIN, a PIN set twice, a PIN
// row that does not parse, PINs set out of the people's order.
TEST(PeopleLoad, TwoThreadLoadLeavesTheDirectoryARowByRowReadingLeaves) {
  TempDir dir;
  const auto db = dir.file("vigil.db");
  constexpr int kPeople = 3000;
  {
    Roster roster{db, "tester"};
    std::vector<core::Person> people;
    std::vector<core::Credential> cards;
    for (int i = 0; i < kPeople; ++i) {
      std::vector<std::string> levels{"staff"};
      if (i % 7 == 0) levels.clear();
      if (i % 11 == 0) levels = {"lab", "vault", "staff"};
      if (i % 5 == 0) levels.push_back("night");
      auto p = person(id_of(i), "Person number " + std::to_string(i), levels, i % 13 != 0);
      if (i % 3 == 0) p.clearance = {core::ClearanceLevel::secret, core::LocalDate{21000 + i}};
      if (i % 17 == 0) p.clearance = {core::ClearanceLevel::confidential, std::nullopt};
      people.push_back(std::move(p));
      if (i % 9 == 4) continue;  // no card
      auto c =
          card(static_cast<std::uint32_t>(100 + i % 3), static_cast<std::uint64_t>(i), id_of(i));
      if (i % 19 == 0) {
        c.valid_from = at(i);
        c.valid_until = at(86'400 + i);
      }
      if (i % 23 == 0) c.active = false;
      cards.push_back(std::move(c));
      if (i % 10 == 0) cards.push_back(card(200, static_cast<std::uint64_t>(i), id_of(i)));
      if (i % 100 == 0) cards.push_back(card(201, static_cast<std::uint64_t>(i), id_of(i)));
    }
    roster.import(file(std::move(people), std::move(cards)), at(0));
    for (int i = 0; i < kPeople; i += 29) {
      if (i % 9 == 4) continue;  // no card
      roster.revoke_card({static_cast<std::uint32_t>(100 + i % 3), static_cast<std::uint64_t>(i)},
                         at(1));
    }
    roster.revoke_card({200, 0}, at(1));  // a second card of someone who keeps the first
    for (int i = kPeople - 1; i >= 0; i -= 2)
      roster.set_pin(core::PersonId{id_of(i)}, pin_hash(i), at(2));
    for (int i = 0; i < kPeople; i += 6)
      roster.set_pin(core::PersonId{id_of(i)}, pin_hash(i + 1), at(3));
    for (int i = 0; i < kPeople; i += 31) roster.deactivate(core::PersonId{id_of(i)}, at(4));
  }
  {
    sqlite::Database sql{db};
    sql.exec("UPDATE person_pins SET hash = 'not a hash' WHERE person = 'p101'");
  }
  std::vector<core::CardNumber> card_order;
  const auto want = expected_from_rows(db, card_order);
  const auto got = PeopleStore{db}.load();
  ASSERT_GT(want.pin_count(), 1000u);
  expect_same(want, got);
  EXPECT_EQ(got.cards(), card_order);
}

// The load counts only the people (s24-start): the card table is sized for
// one card a person and the PIN table for the PIN rows' largest rowid, at
// most one a person. Rosters off those guesses must load all the same.
void load_and_compare(const std::filesystem::path& db) {
  std::vector<core::CardNumber> card_order;
  const auto want = expected_from_rows(db, card_order);
  const auto got = PeopleStore{db}.load();
  expect_same(want, got);
  EXPECT_EQ(got.cards(), card_order);
}

TEST(PeopleLoad, FourCardsAPersonOutgrowTheGuessedCardTableAndAllLoad) {
  TempDir dir;
  const auto db = dir.file("vigil.db");
  {
    Roster roster{db, "tester"};
    std::vector<core::Person> people;
    std::vector<core::Credential> cards;
    for (int i = 0; i < 600; ++i) {
      people.push_back(person(id_of(i), "P" + std::to_string(i), {"staff"}));
      for (std::uint32_t facility = 1; facility <= 4; ++facility) {
        cards.push_back(card(facility, static_cast<std::uint64_t>(i), id_of(i)));
      }
    }
    roster.import(file(std::move(people), std::move(cards)), at(0));
    for (int i = 0; i < 600; i += 4) roster.set_pin(core::PersonId{id_of(i)}, pin_hash(i), at(1));
  }
  load_and_compare(db);
  EXPECT_EQ(PeopleStore{db}.load().credential_count(), 2400u);
}

// Few cards (room for one a person is left over), every PIN set three times
// (the largest rowid is three times the rows), a PIN row naming nobody and
// the newest PIN row deleted (the largest rowid is not the newest set).
TEST(PeopleLoad, FewCardsAndPinsSetThreeTimesOverTheGuessesAllLoad) {
  TempDir dir;
  const auto db = dir.file("vigil.db");
  {
    Roster roster{db, "tester"};
    std::vector<core::Person> people;
    std::vector<core::Credential> cards;
    for (int i = 0; i < 600; ++i) {
      people.push_back(person(id_of(i), "P" + std::to_string(i), {"staff", "lab"}));
      if (i % 10 == 0) cards.push_back(card(7, static_cast<std::uint64_t>(i), id_of(i)));
    }
    roster.import(file(std::move(people), std::move(cards)), at(0));
    for (int round = 0; round < 3; ++round) {
      for (int i = 0; i < 600; ++i) {
        roster.set_pin(core::PersonId{id_of(i)}, pin_hash(i + round), at(1 + round));
      }
    }
  }
  {
    sqlite::Database sql{db};
    ASSERT_EQ(sql.query_int("SELECT max(rowid) FROM person_pins"), 1800);
    sql.exec("PRAGMA foreign_keys = OFF");
    sql.exec("DELETE FROM person_pins WHERE rowid = 1800");
    sql.exec(
        "INSERT INTO person_pins (person, hash, set_by, set_us) "
        "SELECT 'ghost', hash, set_by, set_us FROM person_pins WHERE person = 'p1'");
  }
  load_and_compare(db);
  const auto got = PeopleStore{db}.load();
  EXPECT_EQ(got.credential_count(), 60u);
  // 599 people's (p599's newest row was deleted) and nobody's, which waits
  // outside the table.
  EXPECT_EQ(got.pin_count(), 600u);
  EXPECT_EQ(got.pin_at(got.find_person(core::PersonId{"p599"})->position()), nullptr);
}

TEST(PeopleLoad, AnUnreadableCardRowRefusesTheLoadAndNamesTheCard) {
  TempDir dir;
  const auto db = dir.file("vigil.db");
  {
    Roster roster{db, "tester"};
    std::vector<core::Person> people;
    for (int i = 0; i < 20'000; ++i) people.push_back(person(id_of(i), "P", {"staff"}));
    roster.import(file(std::move(people), {card(12, 1, "p1")}), at(0));
  }
  {
    sqlite::Database sql{db};
    sql.exec("INSERT INTO credentials (card, person, active) VALUES ('12:x', 'p5', 1)");
  }
  try {
    (void)PeopleStore{db}.load();
    FAIL() << "an unreadable card was loaded";
  } catch (const JournalError& e) {
    EXPECT_NE(std::string{e.what()}.find("'12:x'"), std::string::npos) << e.what();
  }
}

TEST(PeopleLoad, ACardNamingNobodyRefusesTheLoadWhileRowsAreStillBeingRead) {
  TempDir dir;
  const auto db = dir.file("vigil.db");
  {
    Roster roster{db, "tester"};
    std::vector<core::Person> people;
    std::vector<core::Credential> cards;
    for (int i = 0; i < 20'000; ++i) {
      people.push_back(person(id_of(i), "P", {"staff"}));
      cards.push_back(card(12, static_cast<std::uint64_t>(i + 10), id_of(i)));
    }
    roster.import(file(std::move(people), std::move(cards)), at(0));
  }
  {
    sqlite::Database sql{db};
    sql.exec("PRAGMA foreign_keys = OFF");
    // "12:0" sorts before every other card: the first card row read.
    sql.exec("INSERT INTO credentials (card, person, active) VALUES ('12:0', 'ghost', 1)");
  }
  EXPECT_THROW((void)PeopleStore{db}.load(), std::out_of_range);
  // The store stays usable after the refused load (its thread is gone).
  EXPECT_EQ(PeopleStore{db}.count().people, 20'000u);
}

}  // namespace
}  // namespace vigil::journal
