#include <gtest/gtest.h>

#include "link_harness.hpp"
#include "vigil/fwb/codec.hpp"

namespace vigil::fwb {
namespace {

using testing::LinkPair;

Message key(std::uint32_t n) {
  return KeypadKey{0, 1, n};
}

std::vector<std::uint32_t> keys_of(const std::vector<Message>& ms) {
  std::vector<std::uint32_t> out;
  for (const auto& m : ms) out.push_back(std::get<KeypadKey>(m).board_ms);
  return out;
}

TEST(Link, HandshakeBringsBothEndsUp) {
  LinkPair p;
  p.start();
  p.run_for(Millis{5});
  EXPECT_TRUE(p.a.up());
  EXPECT_TRUE(p.b.up());
  EXPECT_EQ(p.a_end.ups, 1);
  EXPECT_EQ(p.b_end.ups, 1);
  EXPECT_EQ(p.a.peer_session(), 0xBu);
}

TEST(Link, HandshakeSurvivesLostHellos) {
  LinkPair p;
  p.drop_a_to_b = [](int n) { return n < 3; };
  p.drop_b_to_a = [](int n) { return n == 0; };
  p.start();
  p.run_for(Millis{2000});
  EXPECT_TRUE(p.a.up());
  EXPECT_TRUE(p.b.up());
}

TEST(Link, RefusesToSendWhileDownAndControlMessagesAlways) {
  LinkPair p;
  EXPECT_EQ(p.a.send(key(1), p.now), SendResult::link_down);
  EXPECT_EQ(p.a.send(Heartbeat{}, p.now), SendResult::invalid);
  CardRead bad;
  bad.bit_count = 0;
  EXPECT_EQ(p.a.send(bad, p.now), SendResult::invalid);
}

TEST(Link, DeliversInOrderAndFreesTheWindowOnAck) {
  LinkPair p;
  p.start();
  p.run_for(Millis{5});
  for (std::uint32_t i = 0; i < kLinkWindow; ++i)
    EXPECT_EQ(p.a.send(key(i), p.now), SendResult::sent);
  EXPECT_EQ(p.a.send(key(99), p.now), SendResult::window_full);
  p.run_for(Millis{5});
  EXPECT_EQ(p.a.in_flight(), 0u);
  EXPECT_EQ(keys_of(p.b_end.received), (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(Link, RetransmitsALostFrameAfterTheTimeout) {
  LinkPair p;
  p.start();
  p.run_for(Millis{5});
  const int lose = p.a_to_b_frames;  // the next frame a sends
  p.drop_a_to_b = [lose](int n) { return n == lose; };
  p.a.send(key(1), p.now);
  p.a.send(key(2), p.now);
  p.run_for(Millis{100});
  EXPECT_TRUE(p.b_end.received.empty()) << "frame 2 must wait for frame 1";
  p.run_for(Millis{200});
  EXPECT_EQ(keys_of(p.b_end.received), (std::vector<std::uint32_t>{1, 2}));
  EXPECT_GE(p.a.counters().retransmitted, 2u);
  EXPECT_EQ(p.b.counters().out_of_order, 1u);
}

TEST(Link, ADuplicateFrameIsDroppedWhenItsAckWasLost) {
  LinkPair p;
  p.start();
  p.run_for(Millis{5});
  const int lose = p.b_to_a_frames;  // b's ack of the message
  p.drop_b_to_a = [lose](int n) { return n == lose; };
  p.a.send(key(7), p.now);
  p.run_for(Millis{400});
  EXPECT_EQ(keys_of(p.b_end.received), (std::vector<std::uint32_t>{7}));
  EXPECT_EQ(p.b.counters().duplicates, 1u);
  EXPECT_EQ(p.a.in_flight(), 0u);
}

TEST(Link, HeartbeatsKeepAnIdleLinkUp) {
  LinkPair p;
  p.start();
  p.run_for(Millis{60'000});
  EXPECT_TRUE(p.a.up());
  EXPECT_TRUE(p.b.up());
  EXPECT_EQ(p.a_end.downs, 0);
}

TEST(Link, GoesDownAfterMissedHeartbeatsAndBackUpWithoutLosingAMessage) {
  LinkPair p;
  p.start();
  p.run_for(Millis{5});
  p.cut = true;
  const Millis cut_at = p.now;
  p.a.send(key(1), p.now);
  p.run_for(Millis{1500});
  EXPECT_TRUE(p.a.up()) << "still inside link_timeout";
  p.run_for(Millis{501});
  EXPECT_FALSE(p.a.up());
  EXPECT_FALSE(p.b.up());
  EXPECT_EQ(p.a_end.downs, 1);
  EXPECT_LE(p.now - cut_at, Millis{2001});
  p.cut = false;
  p.run_for(Millis{300});
  EXPECT_TRUE(p.a.up());
  EXPECT_TRUE(p.b.up());
  p.run_for(Millis{300});
  EXPECT_EQ(keys_of(p.b_end.received), (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(p.a.counters().peer_restarts, 0u);
}

TEST(Link, APeerRebootRestartsSequenceNumbersAndResendsTheUnacked) {
  LinkPair p;
  p.start();
  p.run_for(Millis{5});
  for (std::uint32_t i = 0; i < 3; ++i) p.a.send(key(i), p.now);
  p.run_for(Millis{5});
  ASSERT_EQ(p.b_end.received.size(), 3u);
  p.cut = true;
  p.a.send(key(3), p.now);
  p.run_for(Millis{10});
  // b reboots: a new Link with a new session, nothing received yet.
  testing::End fresh;
  LinkConfig c = LinkPair::config(0xB2);
  Link b2(c, fresh, fresh);
  p.b_end.outbox.clear();
  b2.start(p.now);
  p.cut = false;
  for (int ms = 0; ms < 500; ++ms) {
    p.now += Millis{1};
    p.a.tick(p.now);
    b2.tick(p.now);
    b2.receive(p.a_end.outbox, p.now);
    p.a_end.outbox.clear();
    p.a.receive(fresh.outbox, p.now);
    fresh.outbox.clear();
  }
  EXPECT_TRUE(p.a.up());
  EXPECT_TRUE(b2.up());
  EXPECT_EQ(p.a.counters().peer_restarts, 1u);
  EXPECT_EQ(keys_of(fresh.received), (std::vector<std::uint32_t>{3}));
}

TEST(Link, AHelloOfAnotherProtocolVersionNeverBringsTheLinkUp) {
  testing::End end;
  Link link(LinkPair::config(0xA), end, end);
  link.start(Millis{0});
  Hello h;
  h.protocol_version = 2;
  h.session = 0xB;
  h.peer_session = 0xA;
  std::vector<std::uint8_t> wire(kMaxWireFrame);
  wire.resize(encode_frame({}, h, wire));
  link.receive(wire, Millis{1});
  EXPECT_FALSE(link.up());
  EXPECT_EQ(link.counters().version_mismatch, 1u);
}

TEST(Link, IgnoresDataFramesWhileNotUp) {
  LinkPair p;
  p.start();
  p.run_for(Millis{5});
  p.a.send(key(1), p.now);
  testing::End other;
  Link stranger(LinkPair::config(0xC), other, other);
  stranger.receive(p.a_end.outbox, p.now);
  EXPECT_TRUE(other.received.empty());
  EXPECT_EQ(stranger.counters().not_up, 1u);
}

}  // namespace
}  // namespace vigil::fwb
