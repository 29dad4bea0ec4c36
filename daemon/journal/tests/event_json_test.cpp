#include "vigil/journal/event_json.hpp"

#include <gtest/gtest.h>

#include "journal_test_support.hpp"

namespace vigil::journal {
namespace {

TEST(EventJson, UsesColumnNamesAndLeavesAbsentFieldsOut) {
  auto event = testing::door_event(0, core::EventKind::door_forced, "vault-door");
  event.seq = 42;
  auto json = event_to_json(event);
  EXPECT_EQ(json["seq"], 42);
  EXPECT_EQ(json["ts_us"], core::to_unix_micros(event.time));
  EXPECT_EQ(json["time"], core::format_utc(event.time));
  EXPECT_EQ(json["kind"], "door_forced");
  EXPECT_EQ(json["reason"], "none");
  EXPECT_EQ(json["door"], "vault-door");
  EXPECT_EQ(json["device"], "io-1");
  EXPECT_FALSE(json.contains("person"));
  EXPECT_FALSE(json.contains("card"));
  EXPECT_EQ(json["detail"], "");
}

TEST(EventJson, WritesTheCardAsFacilityColonNumber) {
  auto json = event_to_json(testing::granted(0, "p-1", "d1", "lab"));
  EXPECT_EQ(json["card"], "12:1000");
  EXPECT_EQ(json["person"], "p-1");
}

TEST(EventJson, VerifyResultNamesTheDamageOnlyWhenBad) {
  VerifyResult good;
  good.rows = 3;
  EXPECT_FALSE(verify_result_to_json(good).contains("damage"));
  EXPECT_EQ(verify_result_to_json(good)["head_hash"], std::string(64, '0'));

  VerifyResult bad{.ok = false,
                   .rows = 16,
                   .head_hash = Hash{},
                   .damage = Damage::altered,
                   .bad_seq = 17,
                   .message = "row 17: altered (hash mismatch)"};
  auto json = verify_result_to_json(bad);
  EXPECT_EQ(json["ok"], false);
  EXPECT_EQ(json["damage"], "altered");
  EXPECT_EQ(json["bad_seq"], 17);
}

}  // namespace
}  // namespace vigil::journal
