#include "vigil/wiegand/decoder.hpp"

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace vigil::wiegand {
namespace decoder_test {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;
using Line = WiegandDecoder::Line;

constexpr nanoseconds kStart = 1000s;  // CLOCK_MONOTONIC is never near zero
constexpr nanoseconds kCloseAfter = 25ms;

FormatSpec builtin(const std::string& name) {
  return find_format(name).value_or(FormatSpec{});
}

// Sends `bits` as low pulses of `pulse` width, one every `interval`, the
// first falling at `start`. Returns the time of the last rising edge.
nanoseconds send(WiegandDecoder& decoder, const std::vector<bool>& bits, nanoseconds start,
                 nanoseconds pulse = 50us, nanoseconds interval = 2ms) {
  nanoseconds t = start;
  nanoseconds last_rise = start;
  for (bool bit : bits) {
    const Line line = bit ? Line::d1 : Line::d0;
    decoder.on_edge(line, false, t);
    decoder.on_edge(line, true, t + pulse);
    last_rise = t + pulse;
    t += interval;
  }
  return last_rise;
}

std::vector<bool> h10301_frame() {
  return encode(builtin("H10301"), {1, 1});
}

WiegandError expect_error(const std::optional<WiegandResult>& result) {
  EXPECT_TRUE(result.has_value());
  if (!result || !std::holds_alternative<WiegandError>(*result)) {
    ADD_FAILURE() << "expected an error";
    return {};
  }
  return std::get<WiegandError>(*result);
}

TEST(WiegandDecoder, DecodesEveryFormatAcrossTheSiaTimingRange) {
  struct Timing {
    std::string what;
    nanoseconds pulse;
    nanoseconds interval;
  };
  // SIA AC-01: pulse 20-100 us, interval 200 us-20 ms. 20 ms stays below the
  // 25 ms close time, so the slowest reader's frame is still one frame.
  const std::vector<Timing> timings = {
      {"fastest", 20us, 200us}, {"typical", 50us, 2ms}, {"slowest", 100us, 20ms}};
  for (const auto& timing : timings) {
    for (const auto& spec : builtin_formats()) {
      SCOPED_TRACE(timing.what + " " + spec.name);
      WiegandDecoder decoder({spec});
      const auto bits = encode(spec, {0, 4321});
      const nanoseconds end = send(decoder, bits, kStart, timing.pulse, timing.interval);
      EXPECT_FALSE(decoder.poll(end + kCloseAfter - 1ns).has_value());
      const auto result = decoder.poll(end + kCloseAfter);
      ASSERT_TRUE(result.has_value());
      EXPECT_EQ(*result, WiegandResult(WiegandCard{spec.name, {0, 4321}, bits_to_string(bits)}));
    }
  }
}

TEST(WiegandDecoder, FrameSplitByAPauseShorterThanTheCloseTimeIsOneCard) {
  WiegandDecoder decoder(builtin_formats());
  const auto bits = h10301_frame();
  const std::vector<bool> head(bits.begin(), bits.begin() + 10);
  const std::vector<bool> tail(bits.begin() + 10, bits.end());
  const nanoseconds head_end = send(decoder, head, kStart);
  EXPECT_FALSE(decoder.poll(head_end + 24ms).has_value());
  const nanoseconds end = send(decoder, tail, head_end + 24ms);
  EXPECT_EQ(decoder.poll(end + kCloseAfter),
            WiegandResult(WiegandCard{"H10301", {1, 1}, bits_to_string(bits)}));
}

TEST(WiegandDecoder, PauseLongerThanTheCloseTimeSplitsIntoTwoFrames) {
  const auto bits = h10301_frame();
  const std::vector<bool> head(bits.begin(), bits.begin() + 13);
  const std::vector<bool> tail(bits.begin() + 13, bits.end());
  // Whether the owner polls during the pause or only after the second part
  // arrived, the result is the same two 13-bit errors.
  for (bool poll_in_pause : {true, false}) {
    SCOPED_TRACE(poll_in_pause ? "polled in the pause" : "polled late");
    WiegandDecoder decoder(builtin_formats());
    std::vector<WiegandResult> results;
    const nanoseconds head_end = send(decoder, head, kStart);
    if (poll_in_pause) results.push_back(*decoder.poll(head_end + 30ms));
    const nanoseconds end = send(decoder, tail, head_end + 30ms);
    while (auto result = decoder.poll(end + kCloseAfter)) results.push_back(*result);

    EXPECT_EQ(results, (std::vector<WiegandResult>{
                           WiegandError{bits_to_string(head), 13, "unknown_length"},
                           WiegandError{bits_to_string(tail), 13, "unknown_length"}}));
    EXPECT_EQ(decoder.frames_error(), 2u);
  }
}

TEST(WiegandDecoder, BothLinesLowAtOnceIsNoiseNotACard) {
  WiegandDecoder decoder(builtin_formats());
  const auto bits = h10301_frame();
  nanoseconds t = send(decoder, {bits.begin(), bits.begin() + 5}, kStart) + 2ms;
  decoder.on_edge(Line::d0, false, t);
  decoder.on_edge(Line::d1, false, t + 10us);  // D1 falls while D0 is low
  decoder.on_edge(Line::d0, true, t + 50us);
  decoder.on_edge(Line::d1, true, t + 60us);
  t = send(decoder, {bits.begin() + 5, bits.end()}, t + 2ms);

  const WiegandError error = expect_error(decoder.poll(t + kCloseAfter));
  EXPECT_EQ(error.check_failed, "noise");
  EXPECT_EQ(error.bit_count, 28);
  EXPECT_EQ(error.raw_bits.size(), 28u);
  EXPECT_EQ(decoder.frames_ok(), 0u);
  EXPECT_EQ(decoder.frames_error(), 1u);
}

TEST(WiegandDecoder, PulsesOutsideTheAllowedWidthAreNoise) {
  struct Case {
    nanoseconds pulse;
    bool noise;
  };
  const std::vector<Case> cases = {{4us, true},  {5us, false},      {20us, false},
                                   {5ms, false}, {5ms + 1ns, true}, {8ms, true}};
  for (const auto& c : cases) {
    SCOPED_TRACE(std::to_string(c.pulse.count()) + " ns");
    WiegandDecoder decoder(builtin_formats());
    const auto bits = h10301_frame();
    const nanoseconds end = send(decoder, bits, kStart, c.pulse, 10ms);
    const auto result = decoder.poll(end + kCloseAfter);
    ASSERT_TRUE(result.has_value());
    if (c.noise) {
      EXPECT_EQ(*result, WiegandResult(WiegandError{bits_to_string(bits), 26, "noise"}));
    } else {
      EXPECT_TRUE(std::holds_alternative<WiegandCard>(*result));
    }
  }
}

TEST(WiegandDecoder, LostEdgesMakeTheFrameNoise) {
  struct Case {
    std::string what;
    Line line;
    bool rising;
  };
  const std::vector<Case> cases = {
      {"rising edge on a high line", Line::d1, true},
      {"falling edge on a low line", Line::d0, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    WiegandDecoder decoder(builtin_formats());
    const auto bits = h10301_frame();
    nanoseconds t = send(decoder, {bits.begin(), bits.begin() + 5}, kStart);
    decoder.on_edge(Line::d0, false, t + 1ms);
    decoder.on_edge(c.line, c.rising, t + 1ms + 20us);
    decoder.on_edge(Line::d0, true, t + 1ms + 50us);
    t = send(decoder, {bits.begin() + 5, bits.end()}, t + 2ms);
    EXPECT_EQ(expect_error(decoder.poll(t + kCloseAfter)).check_failed, "noise");
  }
}

TEST(WiegandDecoder, MoreThan64BitsIsTooLongWithRawBitsAndCount) {
  struct Case {
    int bits;
    std::size_t stored;
  };
  // Past kMaxStoredBits the raw bits are capped; the count stays exact.
  const std::vector<Case> cases = {{65, 65}, {70, 70}, {200, 128}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.bits);
    WiegandDecoder decoder(builtin_formats());
    const std::vector<bool> bits(static_cast<std::size_t>(c.bits), true);
    const nanoseconds end = send(decoder, bits, kStart, 20us, 200us);
    EXPECT_EQ(decoder.poll(end + kCloseAfter),
              WiegandResult(WiegandError{std::string(c.stored, '1'), c.bits, "too_long"}));
  }
}

TEST(WiegandDecoder, ShortAndLongFramesKeepTheirRawBitsAndCount) {
  for (int size : {4, 25, 27, 64}) {
    SCOPED_TRACE(size);
    WiegandDecoder decoder(builtin_formats());
    std::vector<bool> bits;
    for (int i = 0; i < size; ++i) bits.push_back(i % 3 == 0);
    const nanoseconds end = send(decoder, bits, kStart);
    EXPECT_EQ(decoder.poll(end + kCloseAfter),
              WiegandResult(WiegandError{bits_to_string(bits), size, "unknown_length"}));
  }
}

TEST(WiegandDecoder, LineStuckLowClosesTheFrameAsNoise) {
  WiegandDecoder decoder(builtin_formats());
  decoder.on_edge(Line::d1, false, kStart);
  EXPECT_EQ(decoder.poll(kStart + kCloseAfter), WiegandResult(WiegandError{"1", 1, "noise"}));
  // The stuck pulse's eventual end starts nothing, and the next frame decodes.
  decoder.on_edge(Line::d1, true, kStart + 1s);
  EXPECT_FALSE(decoder.deadline().has_value());
  const nanoseconds end = send(decoder, h10301_frame(), kStart + 2s);
  EXPECT_TRUE(std::holds_alternative<WiegandCard>(*decoder.poll(end + kCloseAfter)));
}

TEST(WiegandDecoder, RisingEdgeOutsideAFrameIsIgnored) {
  // A line that was low when the driver opened it reports only its rise.
  WiegandDecoder decoder(builtin_formats());
  decoder.on_edge(Line::d0, true, kStart);
  EXPECT_FALSE(decoder.deadline().has_value());
  EXPECT_FALSE(decoder.poll(kStart + 1s).has_value());
  EXPECT_EQ(decoder.frames_error(), 0u);
}

TEST(WiegandDecoder, DeadlineFollowsTheLastEdgeAndPollClosesTheFrameThere) {
  WiegandDecoder decoder(builtin_formats());
  EXPECT_FALSE(decoder.deadline().has_value());
  EXPECT_FALSE(decoder.poll(kStart).has_value());

  decoder.on_edge(Line::d0, false, kStart);
  EXPECT_EQ(decoder.deadline(), kStart + kCloseAfter);
  decoder.on_edge(Line::d0, true, kStart + 50us);
  EXPECT_EQ(decoder.deadline(), kStart + 50us + kCloseAfter);

  EXPECT_FALSE(decoder.poll(kStart + 50us + kCloseAfter - 1ns).has_value());
  EXPECT_EQ(decoder.poll(kStart + 50us + kCloseAfter),
            WiegandResult(WiegandError{"0", 1, "unknown_length"}));
  EXPECT_FALSE(decoder.deadline().has_value());
  EXPECT_FALSE(decoder.poll(kStart + 1s).has_value());
}

TEST(WiegandDecoder, EdgeAfterAMissedDeadlineClosesThePreviousFrameFirst) {
  WiegandDecoder decoder(builtin_formats());
  const auto first = encode(builtin("H10301"), {1, 1});
  const auto second = encode(builtin("H10301"), {2, 2});
  const nanoseconds first_end = send(decoder, first, kStart);
  const nanoseconds second_end = send(decoder, second, first_end + 40ms);

  // The first frame is ready, stamped with the time it closed.
  EXPECT_EQ(decoder.deadline(), first_end + kCloseAfter);
  EXPECT_EQ(decoder.poll(second_end),
            WiegandResult(WiegandCard{"H10301", {1, 1}, bits_to_string(first)}));
  EXPECT_EQ(decoder.deadline(), second_end + kCloseAfter);
  EXPECT_FALSE(decoder.poll(second_end).has_value());
  EXPECT_EQ(decoder.poll(second_end + kCloseAfter),
            WiegandResult(WiegandCard{"H10301", {2, 2}, bits_to_string(second)}));
}

TEST(WiegandDecoder, CloseTimeIsConfigurable) {
  WiegandDecoder decoder(builtin_formats(), 50ms);
  const auto bits = h10301_frame();
  const std::vector<bool> head(bits.begin(), bits.begin() + 10);
  const std::vector<bool> tail(bits.begin() + 10, bits.end());
  const nanoseconds head_end = send(decoder, head, kStart);
  EXPECT_FALSE(decoder.poll(head_end + 40ms).has_value());
  const nanoseconds end = send(decoder, tail, head_end + 40ms);
  EXPECT_FALSE(decoder.poll(end + 49ms).has_value());
  EXPECT_TRUE(std::holds_alternative<WiegandCard>(*decoder.poll(end + 50ms)));
}

TEST(WiegandDecoder, AcceptsOnlyTheReadersFormats) {
  WiegandDecoder decoder({builtin("Corporate1000")});
  const auto bits = h10301_frame();
  const nanoseconds end = send(decoder, bits, kStart);
  EXPECT_EQ(decoder.poll(end + kCloseAfter),
            WiegandResult(WiegandError{bits_to_string(bits), 26, "unknown_length"}));
}

TEST(WiegandDecoder, CountsGoodAndBadFrames) {
  WiegandDecoder decoder(builtin_formats());
  nanoseconds t = kStart;
  for (const auto& bits : {h10301_frame(), std::vector<bool>(5, true), h10301_frame()}) {
    t = send(decoder, bits, t) + kCloseAfter;
    ASSERT_TRUE(decoder.poll(t).has_value());
    t += 1s;
  }
  EXPECT_EQ(decoder.frames_ok(), 2u);
  EXPECT_EQ(decoder.frames_error(), 1u);
}

}  // namespace decoder_test
}  // namespace vigil::wiegand
