#include <gtest/gtest.h>

#include "frame_builder.hpp"
#include "test_messages.hpp"
#include "vigil/fwb/codec.hpp"
#include "vigil/fwb/decoder.hpp"

namespace vigil::fwb {
namespace {

using namespace vigil::fwb::testing;

TEST(FrameCodec, EveryMessageRoundTripsThroughTheDecoder) {
  std::uint16_t seq = 500;
  for (const Message& m : every_message()) {
    FrameHeader h;
    h.seq = seq++;
    h.ack = 0xFFFE;
    const Bytes wire = encode(h, m);
    ASSERT_FALSE(wire.empty()) << to_string(type_of(m));
    EXPECT_EQ(std::count(wire.begin(), wire.end() - 1, 0), 0);
    EXPECT_EQ(wire.back(), 0);
    FrameDecoder d;
    const Fed fed = feed(d, wire);
    ASSERT_EQ(fed.frames.size(), 1u) << to_string(type_of(m));
    EXPECT_EQ(fed.frames[0].header.type, type_of(m));
    EXPECT_EQ(fed.frames[0].header.seq, h.seq);
    EXPECT_EQ(fed.frames[0].header.ack, h.ack);
    EXPECT_TRUE(fed.frames[0].message == m) << to_string(type_of(m));
  }
}

TEST(FrameCodec, RefusesMessagesThatCannotBeEncoded) {
  Bytes out(kMaxWireFrame);
  CardRead no_bits;
  no_bits.bit_count = 0;
  EXPECT_EQ(encode_frame({}, no_bits, out), 0u);
  CardRead too_many;
  too_many.bit_count = kMaxCardBits + 1;
  EXPECT_EQ(encode_frame({}, too_many, out), 0u);
  CacheChunk overfull;
  overfull.count = kMaxChunkEntries + 1;
  EXPECT_EQ(encode_frame({}, overfull, out), 0u);
  Bytes tiny(8);
  EXPECT_EQ(encode_frame({}, Heartbeat{}, tiny), 0u);
}

TEST(FrameCodec, FullChunksFitTheLargestPayload) {
  CacheChunk c;
  c.chunk_count = 1;
  c.count = kMaxChunkEntries;
  EXPECT_FALSE(encode(FrameHeader{}, c).empty());
  c.kind = CacheChunkKind::schedules;
  c.count = kMaxChunkWindows;
  EXPECT_FALSE(encode(FrameHeader{}, c).empty());
}

struct BadFrame {
  const char* what;
  Bytes wire;
  FrameError error;
};

TEST(FrameDecoder, DropsEveryKindOfBadFrameWithItsReason) {
  const Bytes hb = {0x10, 0x27, 0, 0};  // heartbeat payload, uptime 10000
  const std::vector<BadFrame> table = {
      {"code past the end", {0x05, 0x11, 0x00}, FrameError::bad_cobs},
      {"shorter than header and CRC", wire_of({0x01, 0x02, 0x00}), FrameError::too_short},
      {"CRC off by one bit", wire_of(concat(header(0x02), hb), 1), FrameError::bad_crc},
      {"version 2", wire_of(concat(header(0x02, 0, 0, 2), hb)), FrameError::bad_version},
      {"type 0x7f", wire_of(concat(header(0x7f), hb)), FrameError::unknown_type},
      {"heartbeat one byte short", wire_of(concat(header(0x02), {0x10, 0x27, 0})),
       FrameError::bad_length},
      {"heartbeat one byte long", wire_of(concat(header(0x02), {0x10, 0x27, 0, 0, 0})),
       FrameError::bad_length},
      {"card read with 0 bits", wire_of(concat(header(0x10), {1, 0, 0, 0, 0, 0, 0})),
       FrameError::bad_value},
      {"output mode 9", wire_of(concat(header(0x20), {0, 9, 0, 0, 0, 0})), FrameError::bad_value},
      {"ack with a payload", wire_of(concat(header(0x03), {0})), FrameError::bad_length},
      {"chunk count shorter than entries",
       wire_of(concat(header(0x40), {1, 0, 0, 0, 0, 0, 1, 0, 1, 1})), FrameError::bad_length},
  };
  for (const auto& bad : table) {
    FrameDecoder d;
    const Fed fed = feed(d, bad.wire);
    ASSERT_EQ(fed.errors.size(), 1u) << bad.what;
    EXPECT_EQ(fed.errors[0], bad.error) << bad.what << ": " << to_string(fed.errors[0]);
    EXPECT_TRUE(fed.frames.empty()) << bad.what;
    EXPECT_EQ(d.counters().of(bad.error), 1u) << bad.what;
    EXPECT_EQ(d.counters().dropped(), 1u) << bad.what;
  }
}

TEST(FrameDecoder, DropsAFrameLongerThanTheLargestAndKeepsTheNext) {
  FrameDecoder d;
  Bytes wire(kMaxWireFrame + 20, 0x55);
  wire.push_back(0);
  const Bytes good = encode(FrameHeader{}, Heartbeat{1});
  const Fed fed = feed(d, concat(wire, good));
  ASSERT_EQ(fed.errors.size(), 1u);
  EXPECT_EQ(fed.errors[0], FrameError::too_long);
  ASSERT_EQ(fed.frames.size(), 1u);
  EXPECT_TRUE(fed.frames[0].message == Message{Heartbeat{1}});
}

}  // namespace
}  // namespace vigil::fwb
