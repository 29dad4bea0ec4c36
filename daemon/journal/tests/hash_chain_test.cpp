// The canonical bytes are a published format (docs/journal.md): these tests
// pin them byte for byte, so a change here is a change to the format.
#include "vigil/journal/hash_chain.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigil::journal {
namespace {

std::vector<std::uint8_t> bytes(std::initializer_list<int> raw) {
  std::vector<std::uint8_t> out;
  for (int b : raw) out.push_back(static_cast<std::uint8_t>(b));
  return out;
}

std::vector<std::uint8_t> magic_and(std::initializer_list<int> raw) {
  std::vector<std::uint8_t> out(kCanonicalMagic.begin(), kCanonicalMagic.end());
  auto rest = bytes(raw);
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

std::vector<std::uint8_t> encoded(void (*put)(CanonicalBytes&)) {
  CanonicalBytes canonical;
  canonical.start();
  put(canonical);
  return {canonical.bytes().begin(), canonical.bytes().end()};
}

TEST(CanonicalBytes, StartWithTheV2Magic) {
  EXPECT_EQ(kCanonicalMagic, "vigil.journal.v2");
  EXPECT_EQ(encoded([](CanonicalBytes&) {}), magic_and({}));
}

TEST(CanonicalBytes, TagEachValueWithItsSqliteType) {
  struct Case {
    const char* what;
    void (*put)(CanonicalBytes&);
    std::vector<std::uint8_t> expected;
  };
  const Case cases[] = {
      {"integer 258", [](CanonicalBytes& c) { c.put_integer(258); },
       magic_and({0x01, 0, 0, 0, 0, 0, 0, 1, 2})},
      {"integer -1 is two's complement", [](CanonicalBytes& c) { c.put_integer(-1); },
       magic_and({0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})},
      {"text", [](CanonicalBytes& c) { c.put_text("d1"); },
       magic_and({0x03, 0, 0, 0, 2, 'd', '1'})},
      {"empty text", [](CanonicalBytes& c) { c.put_text(""); }, magic_and({0x03, 0, 0, 0, 0})},
      {"blob",
       [](CanonicalBytes& c) {
         c.put_blob(std::vector<std::uint8_t>{'d', '1'});
       },
       magic_and({0x04, 0, 0, 0, 2, 'd', '1'})},
      {"null", [](CanonicalBytes& c) { c.put_null(); }, magic_and({0x05})},
      {"real 1.0", [](CanonicalBytes& c) { c.put_real(1.0); },
       magic_and({0x02, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0})},
      {"name: id then text", [](CanonicalBytes& c) { c.put_name(3, "p"); },
       magic_and({0x01, 0, 0, 0, 0, 0, 0, 0, 3, 0x03, 0, 0, 0, 1, 'p'})},
  };
  for (const auto& c : cases) EXPECT_EQ(encoded(c.put), c.expected) << c.what;
}

TEST(CanonicalBytes, SameTextAsTextAndAsBlobHashDifferently) {
  // The attack: CAST(person AS BLOB) keeps the bytes, not the type.
  RowHasher hasher;
  EXPECT_NE(hasher.sha256(encoded([](CanonicalBytes& c) { c.put_text("p02"); })),
            hasher.sha256(encoded([](CanonicalBytes& c) {
              c.put_blob(std::vector<std::uint8_t>{'p', '0', '2'});
            })));
}

TEST(CanonicalBytes, AbsentAndEmptyHashDifferently) {
  RowHasher hasher;
  EXPECT_NE(hasher.sha256(encoded([](CanonicalBytes& c) { c.put_null(); })),
            hasher.sha256(encoded([](CanonicalBytes& c) { c.put_text(""); })));
}

TEST(CanonicalBytes, SeqValueSitsRightAfterMagicAndTag) {
  auto out = encoded([](CanonicalBytes& c) { c.put_integer(0x0102030405060708); });
  EXPECT_EQ(out[kSeqValueOffset], 0x01);
  EXPECT_EQ(out[kSeqValueOffset + 7], 0x08);
}

TEST(HashChain, GenesisIsSha256OfTheGenesisMagicAndTheJournalId) {
  JournalIdBytes id{};
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(i * 0x11);
  std::vector<std::uint8_t> input(kGenesisMagic.begin(), kGenesisMagic.end());
  input.insert(input.end(), id.begin(), id.end());
  EXPECT_EQ(genesis_hash(id), RowHasher{}.sha256(input));
  JournalIdBytes other = id;
  other[15] ^= 1;
  EXPECT_NE(genesis_hash(id), genesis_hash(other));
}

TEST(HashChain, Sha256MatchesAKnownVector) {
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  std::string abc = "abc";
  auto hash = RowHasher{}.sha256({reinterpret_cast<const std::uint8_t*>(abc.data()), abc.size()});
  EXPECT_EQ(to_hex(hash), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HashChain, RandomJournalIdsDiffer) {
  EXPECT_NE(random_journal_id(), random_journal_id());
}

TEST(HashChain, HexRoundTripsAndRejectsBadDigits) {
  JournalIdBytes id{};
  EXPECT_TRUE(from_hex("00112233445566778899AABBCCDDEEff", id));
  EXPECT_EQ(to_hex(id), "00112233445566778899aabbccddeeff");
  EXPECT_FALSE(from_hex("00112233445566778899aabbccddeeg0", id));
  EXPECT_FALSE(from_hex("0011", id));
}

}  // namespace
}  // namespace vigil::journal
