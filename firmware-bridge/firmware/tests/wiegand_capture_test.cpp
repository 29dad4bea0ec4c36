#include <gtest/gtest.h>

#include <string>

#include "vigil/fwb/wiegand_capture.hpp"

namespace vigil::fwb {
namespace {

// Sends a bit string as a reader does: one falling edge per bit, 2 ms apart.
std::uint32_t send(WiegandCapture& w, const std::string& bits, std::uint32_t t_us) {
  for (char b : bits) {
    w.on_edge(b == '1' ? WiegandLine::d1 : WiegandLine::d0, t_us);
    t_us += 2000;
  }
  return t_us;
}

const std::string kCard12_1001 = "00000110000000011111010010";  // H10301 12:1001

TEST(WiegandCapture, ClosesAFrameOnlyAfterTheInterBitGap) {
  WiegandCapture w;
  CapturedFrame f;
  const std::uint32_t end = send(w, kCard12_1001, 1000);
  const std::uint32_t last_edge = end - 2000;
  EXPECT_FALSE(w.poll(last_edge + 19'999, f));
  ASSERT_TRUE(w.poll(last_edge + 20'000, f));
  EXPECT_EQ(f.kind, CapturedFrame::Kind::card);
  EXPECT_EQ(f.bit_count, 26);
  const BoardCard card = card_from_bits(f.bit_count, f.bits);
  EXPECT_TRUE(card.ok);
  EXPECT_EQ(card.facility, 12u);
  EXPECT_EQ(card.number, 1001u);
  EXPECT_FALSE(w.poll(last_edge + 40'000, f)) << "one frame, once";
}

TEST(WiegandCapture, SurvivesTheMicrosecondCounterWrapping) {
  WiegandCapture w;
  CapturedFrame f;
  const std::uint32_t end = send(w, kCard12_1001, 0xFFFF'0000u);
  ASSERT_TRUE(w.poll(end + 20'000, f));
  EXPECT_EQ(f.bit_count, 26);
}

TEST(WiegandCapture, RecognisesFourAndEightBitKeypadBursts) {
  struct Row {
    std::string bits;
    int key;  // -1: dropped
  };
  const std::vector<Row> table = {
      {"0101", 5},      {"1011", 11},    {"1010", 10},     {"0000", 0},  {"11100001", 1},
      {"01001011", 11}, {"11110000", 0}, {"11100010", -1}, {"1100", -1}, {"111", -1},
  };
  for (const auto& row : table) {
    WiegandCapture w;
    CapturedFrame f;
    const std::uint32_t end = send(w, row.bits, 0);
    const bool got = w.poll(end + 30'000, f);
    if (row.key < 0) {
      EXPECT_FALSE(got) << row.bits;
      EXPECT_EQ(w.counters().runts, 1u) << row.bits;
      continue;
    }
    ASSERT_TRUE(got) << row.bits;
    EXPECT_EQ(f.kind, CapturedFrame::Kind::key) << row.bits;
    EXPECT_EQ(f.key, row.key) << row.bits;
  }
}

TEST(WiegandCapture, IgnoresAGlitchRightAfterAnEdge) {
  WiegandCapture w;
  CapturedFrame f;
  w.on_edge(WiegandLine::d0, 1000);
  w.on_edge(WiegandLine::d1, 1050);  // 50 us later: noise on the other line
  const std::uint32_t end = send(w, kCard12_1001.substr(1), 3000);
  ASSERT_TRUE(w.poll(end + 20'000, f));
  EXPECT_EQ(f.bit_count, 26);
  EXPECT_EQ(w.counters().glitches, 1u);
  EXPECT_EQ(card_from_bits(f.bit_count, f.bits).number, 1001u);
}

TEST(WiegandCapture, DropsAFrameLongerThan128Bits) {
  WiegandCapture w;
  CapturedFrame f;
  const std::uint32_t end = send(w, std::string(130, '1'), 0);
  EXPECT_FALSE(w.poll(end + 20'000, f));
  EXPECT_EQ(w.counters().overflows, 1u);
  const std::uint32_t next = send(w, kCard12_1001, end + 40'000);
  EXPECT_TRUE(w.poll(next + 20'000, f)) << "the next frame is clean";
  EXPECT_EQ(f.bit_count, 26);
}

TEST(WiegandCapture, AnH10301WithBadParityIsNotACard) {
  std::string bad = kCard12_1001;
  bad[5] = bad[5] == '1' ? '0' : '1';
  WiegandCapture w;
  CapturedFrame f;
  ASSERT_TRUE(w.poll(send(w, bad, 0) + 20'000, f));
  EXPECT_FALSE(card_from_bits(f.bit_count, f.bits).ok);
}

TEST(WiegandCapture, OtherLengthsAreRawNumbers) {
  WiegandCapture w;
  CapturedFrame f;
  ASSERT_TRUE(w.poll(send(w, "100000000000000000000000000000011", 0) + 20'000, f));
  const BoardCard c = card_from_bits(f.bit_count, f.bits);
  EXPECT_EQ(f.bit_count, 33);
  EXPECT_EQ(c.facility, 0u);
  EXPECT_EQ(c.number, (std::uint64_t{1} << 32) | 3u);
}

}  // namespace
}  // namespace vigil::fwb
