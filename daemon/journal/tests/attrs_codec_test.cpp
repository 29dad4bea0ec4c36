// Typed attributes: one canonical encoding, decoded back exactly, and covered
// by the hash chain (a changed value or a changed type breaks it).
#include "vigil/journal/attrs_codec.hpp"

#include <gtest/gtest.h>

#include "journal_test_support.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace {

using testing::RawSql;
using testing::TempDir;

core::Attrs sample_attrs() {
  core::Attrs attrs;
  core::set_attr(attrs, "output", std::string{"lock-1"});
  core::set_attr(attrs, "value", true);
  core::set_attr(attrs, "delta_us", std::int64_t{-1'500'000});
  core::set_attr(attrs, "error", std::string{""});
  return attrs;
}

TEST(AttrsCodec, RoundTripsEveryValueType) {
  auto attrs = sample_attrs();
  auto decoded = decode_attrs(encode_attrs(attrs));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, attrs);
}

TEST(AttrsCodec, EncodesTheDocumentedBytes) {
  core::Attrs attrs;
  core::set_attr(attrs, "n", std::int64_t{2});
  core::set_attr(attrs, "b", false);
  core::set_attr(attrs, "s", std::string{"x"});
  std::vector<std::uint8_t> expected{
      0x01, 0, 0, 0, 3,                                       // version, count
      0,    0, 0, 1, 'b', 0x06, 0x00,                         // b = false
      0,    0, 0, 1, 'n', 0x01, 0,    0, 0, 0, 0,   0, 0, 2,  // n = 2
      0,    0, 0, 1, 's', 0x03, 0,    0, 0, 1, 'x',           // s = "x"
  };
  EXPECT_EQ(encode_attrs(attrs), expected);
}

// The journal's row binding reuses one buffer for every row (s24-import):
// what a longer earlier row left in it must not reach the next one.
TEST(AttrsCodec, EncodingIntoAUsedBufferGivesTheSameBytesAsAFreshOne) {
  std::vector<std::uint8_t> buffer;
  encode_attrs_into(sample_attrs(), buffer);
  EXPECT_EQ(buffer, encode_attrs(sample_attrs()));
  core::Attrs shorter;
  core::set_attr(shorter, "n", std::int64_t{2});
  encode_attrs_into(shorter, buffer);
  EXPECT_EQ(buffer, encode_attrs(shorter));
  EXPECT_EQ(decode_attrs(buffer), shorter);
}

TEST(AttrsCodec, AnUnsortedListEncodesAsItsSortedForm) {
  core::Attrs unsorted{{"z", std::int64_t{1}}, {"a", std::int64_t{2}}, {"a", std::int64_t{3}}};
  core::Attrs sorted;
  core::set_attr(sorted, "a", std::int64_t{3});
  core::set_attr(sorted, "z", std::int64_t{1});
  EXPECT_EQ(encode_attrs(unsorted), encode_attrs(sorted));
}

TEST(AttrsCodec, RefusesEveryNonCanonicalEncoding) {
  auto good = encode_attrs(sample_attrs());
  struct Case {
    const char* what;
    std::vector<std::uint8_t> bytes;
  };
  auto with = [&](std::size_t at, std::uint8_t value) {
    auto out = good;
    out[at] = value;
    return out;
  };
  std::vector<std::uint8_t> truncated(good.begin(), good.end() - 1);
  auto trailing = good;
  trailing.push_back(0);
  const Case cases[] = {
      {"unknown version", with(0, 0x02)},
      {"count larger than the entries", with(4, 5)},
      {"truncated", truncated},
      {"trailing byte", trailing},
      {"keys out of order", {0x01, 0, 0, 0, 2, 0, 0, 0, 1, 'b', 0x06, 0, 0, 0, 0, 1, 'a', 0x06, 0}},
      {"repeated key", {0x01, 0, 0, 0, 2, 0, 0, 0, 1, 'a', 0x06, 0, 0, 0, 0, 1, 'a', 0x06, 1}},
      {"boolean byte 2", {0x01, 0, 0, 0, 1, 0, 0, 0, 1, 'a', 0x06, 2}},
      {"unknown tag", {0x01, 0, 0, 0, 1, 0, 0, 0, 1, 'a', 0x04, 0, 0, 0, 0}},
      {"length past the end", {0x01, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 'a'}},
  };
  for (const auto& c : cases) EXPECT_FALSE(decode_attrs(c.bytes).has_value()) << c.what;
  EXPECT_FALSE(decode_attrs(std::span<const std::uint8_t>{}).has_value()) << "empty";
}

class AttrsInTheChain : public ::testing::Test {
 protected:
  void SetUp() override {
    Journal journal{path()};
    auto events = testing::sample_events(6);
    core::set_attr(events[3].attrs, "count", std::int64_t{1});
    journal.append(events);
  }
  std::filesystem::path path() const { return dir_.file("j.db"); }

 private:
  TempDir dir_;
};

TEST_F(AttrsInTheChain, AreStoredAsTheCanonicalBlobAndReadBack) {
  RawSql raw{path()};
  EXPECT_EQ(raw.text("SELECT typeof(attrs) FROM events WHERE seq = 4"), "blob");
  EXPECT_EQ(raw.text("SELECT lower(hex(attrs)) FROM events WHERE seq = 4"),
            "010000000100000005636f756e74010000000000000001");
  auto rows = Journal{path()}.query({.after_seq = 3, .limit = 1});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(core::attr_int(rows[0].attrs, "count"), 1);
}

TEST_F(AttrsInTheChain, AChangedValueBreaksTheChain) {
  // count = 2, same type.
  RawSql{path()}.exec(
      "UPDATE events SET attrs = x'010000000100000005636f756e74010000000000000002' WHERE seq = 4");
  auto result = Journal{path()}.verify();
  EXPECT_EQ(result.damage, Damage::altered);
  EXPECT_EQ(result.bad_seq, 4u);
}

TEST_F(AttrsInTheChain, AChangedValueTypeBreaksTheChain) {
  // count = true: integer 1 and boolean true are different facts.
  RawSql{path()}.exec(
      "UPDATE events SET attrs = x'010000000100000005636f756e740601' WHERE seq = 4");
  auto result = Journal{path()}.verify();
  EXPECT_EQ(result.damage, Damage::altered);
  EXPECT_EQ(result.bad_seq, 4u);
}

TEST_F(AttrsInTheChain, AddedAttrsOnARowWithoutThemBreakTheChain) {
  RawSql{path()}.exec("UPDATE events SET attrs = x'0100000000' WHERE seq = 2");
  EXPECT_EQ(Journal{path()}.verify().bad_seq, 2u);
}

}  // namespace
}  // namespace vigil::journal
