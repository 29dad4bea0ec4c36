// A burst of broker messages reaches the browsers as one update per changed
// gateway and one queue: under a campus of gateways the console re-sent the
// whole queue for every incident (docs/benchmarks.md, "Console").
#include <gtest/gtest.h>

#include "vigil/console/state_store.hpp"

namespace vigil::console::update_batch_test {

using nlohmann::json;

std::pair<std::string, std::string> batch_incident(const std::string& gw, int seq,
                                                   const std::string& severity) {
  return {"vigil/v1/hq/" + gw + "/incident/" + severity + "/lobby",
          json{{"v", 1},
               {"id", "hq/" + gw + "/seg/" + std::to_string(seq)},
               {"seq", seq},
               {"kind", "door_forced"},
               {"severity", severity},
               {"time", "2026-11-29T07:00:0" + std::to_string(seq % 10) + ".000000Z"},
               {"event", "door_forced"},
               {"site", "hq"},
               {"gateway", gw}}
              .dump()};
}

std::pair<std::string, std::string> batch_door(const std::string& gw, const std::string& contact) {
  return {"vigil/v1/hq/" + gw + "/state/door/lobby-main",
          json{{"v", 1},
               {"site", "hq"},
               {"gateway", gw},
               {"door", "lobby-main"},
               {"lock", "locked"},
               {"contact", contact},
               {"alarm", "none"},
               {"mode", "normal"},
               {"since", "2026-11-29T07:00:00.000000Z"}}
              .dump()};
}

std::pair<std::string, std::string> batch_resolved(const std::string& gw, int seq) {
  return {"vigil/v1/hq/" + gw + "/incident-state/seg/" + std::to_string(seq),
          json{{"v", 1},
               {"id", "hq/" + gw + "/seg/" + std::to_string(seq)},
               {"seq", seq},
               {"state", "resolved"},
               {"site", "hq"},
               {"gateway", gw}}
              .dump()};
}

std::vector<json> batch_run(StateStore& store, UpdateBatch& batch,
                            const std::vector<std::pair<std::string, std::string>>& messages) {
  for (const auto& [topic, payload] : messages) {
    if (const auto c = store.change(topic, payload)) batch.add(*c);
  }
  return batch.take(store);
}

TEST(ConsoleUpdateBatch, ABurstIsOneUpdatePerGatewayAndOneQueue) {
  StateStore store("vigil");
  UpdateBatch batch;
  std::vector<std::pair<std::string, std::string>> burst;
  for (int i = 0; i < 50; ++i) {
    burst.push_back(batch_door(i % 2 == 0 ? "gw1" : "gw2", i % 4 < 2 ? "open" : "closed"));
    burst.push_back(batch_incident("gw1", i, "major"));
  }
  const auto updates = batch_run(store, batch, burst);
  ASSERT_EQ(updates.size(), 3U);
  EXPECT_EQ(updates[0]["type"], "gateway");
  EXPECT_EQ(updates[0]["gateway"]["gateway"], "gw1");
  EXPECT_EQ(updates[1]["gateway"]["gateway"], "gw2");
  EXPECT_EQ(updates[2]["type"], "queue");
  EXPECT_EQ(updates[2]["queue"].size(), 50U);  // every incident of the burst, in one message
  EXPECT_TRUE(batch.empty());
  EXPECT_TRUE(batch.take(store).empty());  // nothing new: nothing to send
}

TEST(ConsoleUpdateBatch, TheNewestStateOfAGatewayIsSent) {
  StateStore store("vigil");
  UpdateBatch batch;
  const auto updates =
      batch_run(store, batch, {batch_door("gw1", "open"), batch_door("gw1", "closed")});
  ASSERT_EQ(updates.size(), 1U);
  EXPECT_EQ(updates[0]["gateway"]["doors"][0]["contact"], "closed");
}

TEST(ConsoleUpdateBatch, RaisedNamesTheMostSevereNewIncidentSoACriticalOneStillSounds) {
  StateStore store("vigil");
  UpdateBatch batch;
  const auto updates =
      batch_run(store, batch,
                {batch_incident("gw1", 1, "warning"), batch_incident("gw1", 2, "critical"),
                 batch_incident("gw1", 3, "critical"), batch_incident("gw1", 4, "major")});
  ASSERT_EQ(updates.size(), 1U);
  EXPECT_EQ(updates[0]["raised"], (json{{"id", "hq/gw1/seg/2"}, {"severity", "critical"}}));
}

TEST(ConsoleUpdateBatch, AQueueChangeWithoutANewIncidentHasNoRaised) {
  StateStore store("vigil");
  UpdateBatch batch;
  (void)batch_run(store, batch, {batch_incident("gw1", 1, "critical")});
  const auto updates = batch_run(store, batch, {batch_resolved("gw1", 1)});
  ASSERT_EQ(updates.size(), 1U);
  EXPECT_FALSE(updates[0].contains("raised"));
  EXPECT_TRUE(updates[0]["queue"].empty());
}

TEST(ConsoleUpdateBatch, ApplyStillAnswersEachMessageWithItsUpdate) {
  StateStore batched("vigil");
  StateStore direct("vigil");
  UpdateBatch batch;
  const auto door = batch_door("gw1", "open");
  const auto inc = batch_incident("gw1", 7, "critical");
  const auto updates = batch_run(batched, batch, {door, inc});
  ASSERT_EQ(updates.size(), 2U);
  EXPECT_EQ(direct.apply(door.first, door.second), updates[0]);
  EXPECT_EQ(direct.apply(inc.first, inc.second), updates[1]);
}

TEST(ConsoleUpdateBatch, DoorStatesGoWithoutWaitingForTheQueue) {
  StateStore store("vigil");
  UpdateBatch batch;
  for (const auto& [topic, payload] :
       {batch_incident("gw1", 1, "critical"), batch_door("gw1", "open")}) {
    batch.add(*store.change(topic, payload));
  }
  const auto doors = batch.take_gateways(store);
  ASSERT_EQ(doors.size(), 1U);
  EXPECT_EQ(doors[0]["gateway"]["doors"][0]["contact"], "open");
  EXPECT_FALSE(batch.empty());  // the queue waits for its turn
  const auto queue = batch.take_queue(store);
  ASSERT_TRUE(queue.has_value());
  EXPECT_EQ((*queue)["raised"]["severity"], "critical");
  EXPECT_TRUE(batch.empty());
  EXPECT_FALSE(batch.take_queue(store).has_value());
}

TEST(ConsoleFlushPacer, ALoneEventGoesAtOnceAndABusyCampusAtMostOncePerGap) {
  using std::chrono::milliseconds;
  FlushPacer pacer(milliseconds(50));
  const FlushPacer::TimePoint t0{std::chrono::seconds(1000)};
  EXPECT_EQ(pacer.due(t0), t0);  // nothing sent yet
  pacer.flushed(t0);
  EXPECT_EQ(pacer.due(t0 + milliseconds(10)), t0 + milliseconds(50));  // waits for the gap
  EXPECT_EQ(pacer.due(t0 + milliseconds(49)), t0 + milliseconds(50));
  EXPECT_EQ(pacer.due(t0 + milliseconds(50)), t0 + milliseconds(50));
  EXPECT_EQ(pacer.due(t0 + milliseconds(700)), t0 + milliseconds(700));  // a quiet spell: at once
  pacer.flushed(t0 + milliseconds(700));
  EXPECT_EQ(pacer.due(t0 + milliseconds(701)), t0 + milliseconds(750));
}

}  // namespace vigil::console::update_batch_test
