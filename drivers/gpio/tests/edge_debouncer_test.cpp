// The debounce filter both GPIO backends run edges through, on explicit
// times: a change counts once it held, stamped when it began.
#include "vigil/gpio/edge_debouncer.hpp"

#include <gtest/gtest.h>

namespace vigil::gpio {
namespace {

using namespace std::chrono_literals;

EdgeEvent edge(bool rising, std::chrono::nanoseconds at) {
  return EdgeEvent{3, rising, at};
}

TEST(EdgeDebouncer, WithoutDebounceEveryChangePassesAtOnce) {
  EdgeDebouncer d;
  d.configure(3, 0ns);
  d.reset(3, false);
  EXPECT_EQ(d.on_edge(edge(true, 1ms)).size(), 1u);
  EXPECT_EQ(d.on_edge(edge(false, 1ms + 50us)).size(), 1u);
  EXPECT_EQ(d.next_deadline(), std::nullopt);
}

TEST(EdgeDebouncer, EdgeThatRepeatsTheInitialLevelIsDropped) {
  EdgeDebouncer d;
  d.configure(3, 0ns);
  d.reset(3, true);  // read at start, after an edge to true was already queued
  EXPECT_TRUE(d.on_edge(edge(true, 1ms)).empty());
}

TEST(EdgeDebouncer, ChangeThatHeldIsReportedWithTheTimeItBegan) {
  EdgeDebouncer d;
  d.configure(3, 20ms);
  d.reset(3, false);
  EXPECT_TRUE(d.on_edge(edge(true, 100ms)).empty());
  EXPECT_EQ(d.next_deadline(), 120ms);
  EXPECT_TRUE(d.poll(119ms).empty());
  const auto out = d.poll(120ms);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].rising);
  EXPECT_EQ(out[0].timestamp, 100ms);
  EXPECT_EQ(d.next_deadline(), std::nullopt);
}

TEST(EdgeDebouncer, BounceShorterThanTheDebounceIsDropped) {
  EdgeDebouncer d;
  d.configure(3, 20ms);
  d.reset(3, false);
  EXPECT_TRUE(d.on_edge(edge(true, 100ms)).empty());
  EXPECT_TRUE(d.on_edge(edge(false, 105ms)).empty());  // back before it held
  EXPECT_TRUE(d.poll(200ms).empty());
}

TEST(EdgeDebouncer, BouncingChangeCountsFromItsLastEdge) {
  EdgeDebouncer d;
  d.configure(3, 20ms);
  d.reset(3, false);
  d.on_edge(edge(true, 100ms));
  d.on_edge(edge(false, 101ms));
  d.on_edge(edge(true, 103ms));
  EXPECT_TRUE(d.poll(122ms).empty());
  const auto out = d.poll(123ms);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].timestamp, 103ms);
}

TEST(EdgeDebouncer, HeldChangeIsReleasedBeforeALaterEdgeOnAnotherLine) {
  EdgeDebouncer d;
  d.configure(3, 20ms);
  d.configure(4, 0ns);
  d.reset(3, false);
  d.reset(4, false);
  d.on_edge(edge(true, 100ms));
  const auto out = d.on_edge(EdgeEvent{4, true, 150ms});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].line, 3u);
  EXPECT_EQ(out[1].line, 4u);
}

TEST(EdgeDebouncer, LevelReadOnReconnectSupersedesAHeldChange) {
  EdgeDebouncer d;
  d.configure(3, 20ms);
  d.reset(3, false);
  d.on_edge(edge(true, 100ms));
  d.drop_held();
  d.reset(3, true);
  EXPECT_TRUE(d.poll(200ms).empty()) << "the read level already says true";
}

}  // namespace
}  // namespace vigil::gpio
