#include <gtest/gtest.h>

#include <random>

#include "frame_builder.hpp"
#include "vigil/fwb/decoder.hpp"

namespace vigil::fwb {
namespace {

using namespace vigil::fwb::testing;

const Message kKey = KeypadKey{0, 5, 100};

TEST(FrameDecoder, ResynchronisesAtTheNextDelimiterAfterGarbage) {
  FrameDecoder d;
  const Bytes garbage = {0x13, 0x99, 0xFF, 0x42, 0x00};
  const Fed fed = feed(d, concat(garbage, encode(FrameHeader{}, kKey)));
  EXPECT_EQ(fed.errors.size(), 1u);
  ASSERT_EQ(fed.frames.size(), 1u);
  EXPECT_TRUE(fed.frames[0].message == kKey);
}

TEST(FrameDecoder, GarbageGluedToAFrameCostsThatFrameOnly) {
  FrameDecoder d;
  const Bytes one = encode(FrameHeader{}, kKey);
  const Fed fed = feed(d, concat(concat(Bytes{0x31, 0x32}, one), one));
  EXPECT_EQ(fed.errors.size(), 1u);
  EXPECT_EQ(fed.frames.size(), 1u);
}

TEST(FrameDecoder, IgnoresIdleDelimiters) {
  FrameDecoder d;
  const Fed fed = feed(d, concat(Bytes{0, 0, 0}, encode(FrameHeader{}, kKey)));
  EXPECT_TRUE(fed.errors.empty());
  EXPECT_EQ(fed.frames.size(), 1u);
}

TEST(FrameDecoder, EveryFrameOfAStreamWithRandomNoiseBetweenIsFoundOrCounted) {
  std::mt19937 rng(7);
  FrameDecoder d;
  Bytes stream;
  const int kFrames = 200;
  for (int i = 0; i < kFrames; ++i) {
    stream = concat(stream, encode(FrameHeader{}, KeypadKey{0, 1, static_cast<std::uint32_t>(i)}));
    if (i % 10 == 0) {
      for (int k = 0; k < 15; ++k) stream.push_back(static_cast<std::uint8_t>(rng()));
      stream.push_back(0);
    }
  }
  const Fed fed = feed(d, stream);
  EXPECT_EQ(fed.frames.size(), static_cast<std::size_t>(kFrames));
  EXPECT_EQ(d.counters().frames, static_cast<std::uint32_t>(kFrames));
  std::uint32_t last = 0;
  for (std::size_t i = 0; i < fed.frames.size(); ++i) {
    const auto& k = std::get<KeypadKey>(fed.frames[i].message);
    if (i > 0) {
      EXPECT_EQ(k.board_ms, last + 1);
    }
    last = k.board_ms;
  }
}

TEST(FrameDecoder, AFlippedBitIsCaughtByTheCrcOrCobs) {
  const Bytes good = encode(FrameHeader{}, kKey);
  for (std::size_t i = 0; i + 1 < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes bad = good;
      bad[i] ^= static_cast<std::uint8_t>(1u << bit);
      FrameDecoder d;
      const Fed fed = feed(d, concat(bad, Bytes{0}));
      EXPECT_TRUE(fed.frames.empty()) << "byte " << i << " bit " << bit;
    }
  }
}

}  // namespace
}  // namespace vigil::fwb
