// The canonical bytes are a published format (docs/journal.md): these tests
// pin them byte for byte, so a change here is a change to the format.
#include "vigil/journal/hash_chain.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigil::journal {
namespace {

void put(std::vector<std::uint8_t>& out, std::initializer_list<int> raw) {
  for (int b : raw) out.push_back(static_cast<std::uint8_t>(b));
}

void put(std::vector<std::uint8_t>& out, std::string_view text) {
  out.insert(out.end(), text.begin(), text.end());
}

core::Event entry_at_d1() {
  core::Event event;
  event.time = core::from_unix_micros(0x0102030405060708);
  event.kind = core::EventKind::entry;
  event.door = core::DoorId{"d1"};
  event.card = core::CardNumber{.facility = 12, .number = 1001};
  return event;
}

TEST(HashChain, CanonicalBytesFollowTheDocumentedLayout) {
  std::vector<std::uint8_t> actual;
  append_canonical_bytes(actual, 258, 0x0102030405060708, to_row_text(entry_at_d1()), kGenesisHash);

  std::vector<std::uint8_t> expected;
  put(expected, "vigil.journal.v1");
  put(expected, {0, 0, 0, 0, 0, 0, 1, 2});  // seq 258
  put(expected, {1, 2, 3, 4, 5, 6, 7, 8});  // ts_us
  put(expected, {1, 0, 0, 0, 5});
  put(expected, "entry");
  put(expected, {1, 0, 0, 0, 4});
  put(expected, "none");
  put(expected, {1, 0, 0, 0, 2});
  put(expected, "d1");
  put(expected, {0, 0, 0, 0});  // reader, zone, person, device absent
  put(expected, {1, 0, 0, 0, 7});
  put(expected, "12:1001");
  put(expected, {1, 0, 0, 0, 0});  // detail present and empty
  expected.insert(expected.end(), kGenesisHash.begin(), kGenesisHash.end());

  EXPECT_EQ(actual, expected);
}

TEST(HashChain, NegativeTimestampIsTwosComplement) {
  std::vector<std::uint8_t> actual;
  append_canonical_bytes(actual, 1, -1, to_row_text(entry_at_d1()), kGenesisHash);
  std::vector<std::uint8_t> ts(actual.begin() + 24, actual.begin() + 32);
  EXPECT_EQ(ts, std::vector<std::uint8_t>(8, 0xff));
}

TEST(HashChain, AbsentFieldHashesDifferentlyFromEmptyField) {
  auto absent = to_row_text(entry_at_d1());
  auto empty = absent;
  empty.person = "";
  RowHasher hasher;
  EXPECT_NE(hasher.hash_row(1, 0, absent, kGenesisHash),
            hasher.hash_row(1, 0, empty, kGenesisHash));
}

TEST(HashChain, BytesCannotShiftBetweenAdjacentFields) {
  // Length prefixes: door "d1" + reader "x" must not equal door "d" + reader "1x".
  auto a = to_row_text(entry_at_d1());
  a.door = "d1";
  a.reader = "x";
  auto b = a;
  b.door = "d";
  b.reader = "1x";
  RowHasher hasher;
  EXPECT_NE(hasher.hash_row(1, 0, a, kGenesisHash), hasher.hash_row(1, 0, b, kGenesisHash));
}

TEST(HashChain, MatchesTheWorkedExampleInTheDocs) {
  // docs/journal.md, "Worked example": computed there with Python's hashlib.
  RowHasher hasher;
  auto hash = hasher.hash_row(258, 0x0102030405060708, to_row_text(entry_at_d1()), kGenesisHash);
  EXPECT_EQ(to_hex(hash), "2bcd589efe456d599e41754966e4be6f774f45083dd64a7bc83dce4d7d7b8d8f");
}

TEST(HashChain, Sha256OfEmptyInputIsTheStandardValue) {
  RowHasher hasher;
  EXPECT_EQ(to_hex(hasher.sha256({})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(HashChain, RowTextNamesKindReasonAndCardAsStored) {
  auto event = entry_at_d1();
  event.kind = core::EventKind::access_denied;
  event.reason = core::DenyReason::outside_schedule;
  auto row = to_row_text(event);
  EXPECT_EQ(row.kind, "access_denied");
  EXPECT_EQ(row.reason, "outside_schedule");
  EXPECT_EQ(row.card, "12:1001");
  EXPECT_FALSE(row.person.has_value());
}

}  // namespace
}  // namespace vigil::journal
