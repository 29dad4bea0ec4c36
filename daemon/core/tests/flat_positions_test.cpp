// The open-addressing tables under the people directory (s22): a slot keeps
// a fingerprint of its key's hash beside the position, and the card table
// the holder's position, so a probe compares keys only when the fingerprint
// agrees. These must answer exactly as a table without them did.
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "vigil/core/flat_positions.hpp"
#include "vigil/core/people.hpp"

namespace vigil::core {
namespace flat_positions_test {

// Keys with chosen hashes: the table only ever sees the hash and asks the
// owner to compare keys.
struct Keys {
  std::vector<std::string> names;
  std::vector<std::size_t> hashes;
  std::uint32_t add(FlatPositions& table, std::string name, std::size_t hash) {
    const auto pos = static_cast<std::uint32_t>(names.size());
    names.push_back(std::move(name));
    hashes.push_back(hash);
    table.insert(hash, pos, [&](std::uint32_t p) { return hashes[p]; });
    return pos;
  }
  std::optional<std::uint32_t> find(const FlatPositions& table, const std::string& name,
                                    std::size_t hash, int* compared = nullptr) const {
    return table.find(hash, [&](std::uint32_t p) {
      if (compared != nullptr) ++*compared;
      return names[p] == name;
    });
  }
};

TEST(FlatPositions, KeysWithTheSameHashAndFingerprintEachFindTheirOwnPosition) {
  FlatPositions table;
  Keys keys;
  const std::size_t same = 0xABCD'0000'0000'0005u;  // same home slot, same fingerprint
  const auto a = keys.add(table, "a", same);
  const auto b = keys.add(table, "b", same);
  const auto c = keys.add(table, "c", same);
  EXPECT_EQ(keys.find(table, "a", same), a);
  EXPECT_EQ(keys.find(table, "b", same), b);
  EXPECT_EQ(keys.find(table, "c", same), c);
  EXPECT_EQ(keys.find(table, "d", same), std::nullopt);
  // Grown well past the first 16 slots (fingerprints recomputed for the
  // wider positions), they still do.
  for (int i = 0; i < 1000; ++i) keys.add(table, "k" + std::to_string(i), std::size_t(i) * 977);
  EXPECT_EQ(keys.find(table, "a", same), a);
  EXPECT_EQ(keys.find(table, "c", same), c);
  EXPECT_EQ(keys.find(table, "k999", 999u * 977), 1002u);
}

TEST(FlatPositions, AProbePastOtherKeysComparesOnlyWhereTheFingerprintAgrees) {
  FlatPositions table;
  Keys keys;
  // Ten keys on one home slot with different top bits (fingerprints).
  for (std::size_t i = 0; i < 10; ++i) keys.add(table, "k" + std::to_string(i), (i + 1) << 56 | 3);
  int compared = 0;
  EXPECT_EQ(keys.find(table, "k9", std::size_t{10} << 56 | 3, &compared), 9u);
  EXPECT_EQ(compared, 1);
  compared = 0;
  EXPECT_EQ(keys.find(table, "absent", std::size_t{99} << 56 | 3, &compared), std::nullopt);
  EXPECT_EQ(compared, 0);
}

TEST(FlatPositions, ACardSlotKeepsTheValueItWasGivenThroughGrowthAndChange) {
  BasicFlatPositions<std::uint32_t> table;
  std::vector<std::size_t> hashes;
  const auto hash_at = [&](std::uint32_t p) { return hashes[p]; };
  for (std::uint32_t i = 0; i < 5000; ++i) {
    hashes.push_back(std::size_t{i} * 0x9E37'79B9'7F4A'7C15u);
    table.insert(hashes[i], i, hash_at, i * 3);
  }
  table.set_value(hashes[4321], 4321, 7);
  for (std::uint32_t i = 0; i < 5000; ++i) {
    const auto found =
        table.find_with_value(hashes[i], [&](std::uint32_t p, std::uint32_t) { return p == i; });
    ASSERT_TRUE(found);
    EXPECT_EQ(found->first, i);
    EXPECT_EQ(found->second, i == 4321 ? 7u : i * 3);
  }
}

// Through the directory: cards whose hashes share a home slot and a
// fingerprint (found by search) both answer with their own holder, before
// and after one of them moves to another person, and in a copy taken
// before the move (a roster reload builds a new directory while the old
// one still answers).
TEST(PeopleDirectory, CardsWithTheSameFingerprintEachFindTheirHolder) {
  // 16 slots (a directory with up to 8 cards): home slot from the low 4
  // bits, fingerprint from the top 28 bits. Search for two cards agreeing
  // on both (32 bits: a birthday search over ~2^17 random numbers; numbers
  // in sequence spread too evenly under the hash's multiply to meet).
  std::unordered_map<std::uint32_t, std::uint64_t> seen;
  std::mt19937_64 random(8);
  CardNumber first{}, second{};
  for (;;) {
    const std::uint64_t n = random();
    const std::size_t h = std::hash<CardNumber>{}(CardNumber{3, n});
    const auto key = static_cast<std::uint32_t>((h >> 36) << 4 | (h & 15));
    auto [it, added] = seen.try_emplace(key, n);
    if (!added && it->second != n) {
      first = {3, it->second};
      second = {3, n};
      break;
    }
  }
  PeopleDirectory people;
  for (const char* id : {"ann", "bob", "cy"}) people.add_person({PersonId(id), id, true, {}, {}});
  people.add_credential({first, PersonId("ann"), true, {}, {}});
  people.add_credential({second, PersonId("bob"), true, {}, {}});
  EXPECT_EQ(people.find_card(first)->person.id(), PersonId("ann"));
  EXPECT_EQ(people.find_card(second)->person.id(), PersonId("bob"));
  EXPECT_EQ(people.find_card(second)->credential.card(), second);
  const PeopleDirectory before = people;
  people.add_credential({second, PersonId("cy"), false, {}, {}});  // the card changes hands
  EXPECT_EQ(people.find_card(second)->person.id(), PersonId("cy"));
  EXPECT_EQ(people.find_card(second)->position, people.find_person(PersonId("cy"))->position());
  EXPECT_FALSE(people.find_card(second)->credential.active());
  EXPECT_EQ(people.find_card(first)->person.id(), PersonId("ann"));
  EXPECT_EQ(before.find_card(second)->person.id(), PersonId("bob"));
  EXPECT_TRUE(before.find_card(second)->credential.active());
  EXPECT_EQ(people.credential_count(), 2u);
}

TEST(PeopleDirectory, EveryCardAnswersWithItsHolderAfterTheTableGrowsAndCardsMove) {
  PeopleDirectory people;
  constexpr int kPeople = 20'000;
  for (int i = 0; i < kPeople; ++i) {  // no reserve: the card table grows many times
    const PersonId id("p" + std::to_string(i));
    people.add_person({id, "", true, {}, {}});
    people.add_credential({CardNumber{1, static_cast<std::uint64_t>(i)}, id, true, {}, {}});
  }
  // Every tenth card moves to the next person, as a roster change would.
  for (int i = 0; i < kPeople; i += 10) {
    people.add_credential({CardNumber{1, static_cast<std::uint64_t>(i)},
                           PersonId("p" + std::to_string((i + 1) % kPeople)),
                           true,
                           {},
                           {}});
  }
  people.shrink_to_fit();
  for (int i = 0; i < kPeople; ++i) {
    const auto holder = people.find_card({1, static_cast<std::uint64_t>(i)});
    ASSERT_TRUE(holder);
    const int expected = i % 10 == 0 ? (i + 1) % kPeople : i;
    EXPECT_EQ(holder->person.id_str(), "p" + std::to_string(expected));
    EXPECT_EQ(holder->position, holder->person.position());
  }
  for (int i = kPeople; i < 2 * kPeople; ++i) {
    EXPECT_FALSE(people.find_card({1, static_cast<std::uint64_t>(i)}));
    EXPECT_FALSE(people.find_card({2, static_cast<std::uint64_t>(i - kPeople)}));
  }
}

}  // namespace flat_positions_test
}  // namespace vigil::core
