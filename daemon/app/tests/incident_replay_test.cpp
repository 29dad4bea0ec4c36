// The start-up replay of the incident rules (IncidentPipeline::replay) reads
// only the kinds the rules and the event stream act on, through the kind
// index (s21-startup, issue 8's start with 2,000,000 people). These tests
// hold it to what the full replay it replaced stored: the same outbox rows,
// byte for byte, from a journal where thousands of roster rows lie between
// the events that raise incidents.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "vigil/app/incident_cursor.hpp"
#include "vigil/app/incident_pipeline.hpp"
#include "vigil/core/incident_lifecycle.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/sqlite.hpp"
#include "vigil/mqtt/outbox.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::app {
namespace incident_replay_test {

using namespace std::chrono_literals;

const core::TimePoint kT0{1'700'000'000s};

core::Event at_door(core::EventKind kind, std::chrono::seconds at, const char* door) {
  core::Event e;
  e.kind = kind;
  e.time = kT0 + at;
  e.door = core::DoorId{door};
  e.reader = core::ReaderId{std::string(door) + "-in"};
  return e;
}

core::Event denied(std::chrono::seconds at) {
  auto e = at_door(core::EventKind::access_denied, at, "front");
  e.reason = core::DenyReason::unknown_card;
  return e;
}

core::Event entry(std::chrono::seconds at, const char* person) {
  auto e = at_door(core::EventKind::entry, at, "front");
  e.person = core::PersonId{person};
  e.zone = core::ZoneId{"lobby"};
  return e;
}

core::Event watched_grant(std::chrono::seconds at, const char* person) {
  auto e = at_door(core::EventKind::access_granted, at, "lab");
  e.person = core::PersonId{person};
  core::set_attr(e.attrs, "flag", std::string("watch"));
  core::set_attr(e.attrs, "flag_reason", std::string("travel"));
  return e;
}

core::Event person_added(std::chrono::seconds at, std::size_t i) {
  core::Event e;
  e.kind = core::EventKind::person_added;
  e.time = kT0 + at;
  e.person = core::PersonId{"p" + std::to_string(i)};
  core::set_attr(e.attrs, "name", "Person " + std::to_string(i));
  core::set_attr(e.attrs, "operator", std::string("import"));
  return e;
}

// A day at a site with an import in the middle: two denials at the front
// reader before 3,000 imported people and the third (within the rules'
// minute) after them, so the burst's state must cross the roster rows.
std::vector<core::Event> day_with_an_import() {
  std::vector<core::Event> events{
      entry(0s, "ada"), at_door(core::EventKind::door_forced, 1s, "back"),
      denied(2s),       watched_grant(3s, "bob"),
      denied(4s),
  };
  for (std::size_t i = 0; i < 3'000; ++i) events.push_back(person_added(5s, i));
  events.push_back(denied(30s));  // third within 60 s: repeated denials
  events.push_back(entry(31s, "bob"));
  events.push_back(at_door(core::EventKind::door_held_open, 40s, "lab"));
  for (std::size_t i = 3'000; i < 3'500; ++i) events.push_back(person_added(50s, i));
  return events;
}

// The pipeline as vigild configures it: door zones, the event stream and
// retained incident states on.
struct ConfiguredPipeline : IncidentPipeline {
  ConfiguredPipeline()
      : IncidentPipeline(core::IncidentRulesConfig{},
                         mqtt::TopicTree{"vigil", core::SiteId{"s"}, core::GatewayId{"g"}}) {
    configure(*this);
  }
  static void configure(IncidentPipeline& pipeline);
};

void ConfiguredPipeline::configure(IncidentPipeline& pipeline) {
  pipeline.set_door_zones({{"front", core::ZoneId{"lobby"}}, {"lab", core::ZoneId{"lab"}}});
  pipeline.set_event_stream({.publish = true});
  pipeline.set_incident_states(true, {"desk", "manager"});
}

std::vector<std::string> outbox_rows(const std::filesystem::path& db) {
  std::vector<std::string> rows;
  for (const auto& m : mqtt::Outbox{db}.peek(100'000)) {
    rows.push_back(m.topic + " qos " + std::to_string(m.qos) + (m.retain ? " retained " : " ") +
                   m.payload);
  }
  return rows;
}

class IncidentReplayTest : public ::testing::Test {
 protected:
  // The journal as vigilctl leaves it after a day and an import: the rows
  // after `cursor` never went through a running pipeline.
  void write_journal(const std::filesystem::path& db, std::uint64_t cursor) {
    journal::Journal journal{db};
    auto events = day_with_an_import();
    journal.append(events);
    journal::sqlite::Database setup{db};
    IncidentCursor::create_table(setup);
    if (cursor > 0) IncidentCursor::advance(setup, cursor);
  }

  // What the replay did before s21: every event after the cursor through
  // the pipeline, in seq order, in one transaction.
  void replay_every_row(const std::filesystem::path& db, IncidentPipeline& pipeline) {
    journal::sqlite::Database connection{db};
    mqtt::Outbox::create_table(connection);
    const auto cursor = static_cast<std::uint64_t>(
        connection.query_int("SELECT coalesce(max(seq), 0) FROM incident_cursor"));
    const auto events = journal::Journal{db}.query({.after_seq = cursor});
    journal::sqlite::Transaction txn(connection);
    pipeline.in_transaction(events, connection);
    txn.commit();
  }

  vigil::testing::TempDir dir_;
};

TEST_F(IncidentReplayTest, StoresWhatAReplayOfEveryRowStoresAcrossThousandsOfRosterRows) {
  for (const std::uint64_t cursor : {std::uint64_t{0}, std::uint64_t{2}}) {
    const auto filtered = dir_.file("filtered-" + std::to_string(cursor) + ".db");
    const auto every_row = dir_.file("every-row-" + std::to_string(cursor) + ".db");
    write_journal(filtered, cursor);
    write_journal(every_row, cursor);

    ConfiguredPipeline pipeline;
    const auto raised = pipeline.replay(filtered);
    ConfiguredPipeline reference;
    replay_every_row(every_row, reference);

    EXPECT_EQ(raised, reference.incidents_stored()) << "cursor " << cursor;
    const auto rows = outbox_rows(filtered);
    EXPECT_EQ(rows, outbox_rows(every_row)) << "cursor " << cursor;
    // The burst across the import was seen: forced door (unless before the
    // cursor), watched entry, repeated denials, held open.
    const auto count = [&](const char* topic, const std::string& what) {
      return std::count_if(rows.begin(), rows.end(), [&](const std::string& row) {
        return row.find(topic) != std::string::npos && row.find(what) != std::string::npos;
      });
    };
    const auto incidents = [&](const char* kind) {
      return count("/incident/", std::string("\"kind\":\"") + kind + "\"");
    };
    EXPECT_EQ(incidents("repeated_denials"), 1) << "cursor " << cursor;
    EXPECT_EQ(incidents("door_forced"), cursor == 0 ? 1 : 0);
    EXPECT_EQ(incidents("watched_person_entry"), 1);
    EXPECT_EQ(incidents("door_held_open"), 1);
    EXPECT_EQ(count("/event/lobby", ""), cursor == 0 ? 5 : 4);  // entries and denials
  }
}

TEST_F(IncidentReplayTest, MovesTheCursorPastTrailingRosterRowsSoTheNextStartReadsNothing) {
  const auto db = dir_.file("vigil.db");
  write_journal(db, 0);
  const auto head = journal::Journal{db}.last_seq();
  ConfiguredPipeline pipeline;
  EXPECT_EQ(pipeline.replay(db), 4u);
  EXPECT_EQ(IncidentCursor{db}.load(), head);  // the last 500 rows are roster rows
  const auto stored = outbox_rows(db).size();

  ConfiguredPipeline restarted;
  EXPECT_EQ(restarted.replay(db), 0u);
  EXPECT_EQ(outbox_rows(db).size(), stored);
}

TEST_F(IncidentReplayTest, ReadsThroughTheKindIndexNeverTheWholeTable) {
  const auto db = dir_.file("vigil.db");
  write_journal(db, 0);
  const journal::Journal journal{db};
  const auto plan = journal.query_plan(
      {.kinds = IncidentPipeline::replay_kinds(), .after_seq = 2, .limit = 10'000});
  std::string joined;
  for (const auto& step : plan) joined += step + "; ";
  ASSERT_FALSE(plan.empty());
  EXPECT_NE(joined.find("USING INDEX events_by_kind"), std::string::npos) << joined;
  EXPECT_TRUE(std::none_of(plan.begin(), plan.end(), [](const std::string& step) {
    return step.rfind("SCAN events", 0) == 0;
  })) << joined;
}

TEST(IncidentReplayKinds, CoverEveryKindTheRulesRaiseFromAndEveryStreamedKind) {
  const auto& kinds = IncidentPipeline::replay_kinds();
  const auto listed = [&](core::EventKind k) {
    return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
  };
  for (const auto k : core::incident_source_kinds()) EXPECT_TRUE(listed(k)) << core::to_string(k);
  EXPECT_TRUE(listed(core::EventKind::entry));
  EXPECT_TRUE(listed(core::EventKind::access_denied));
  EXPECT_TRUE(listed(core::EventKind::alarm_intrusion));
  EXPECT_TRUE(listed(core::EventKind::fire_release));
  EXPECT_FALSE(listed(core::EventKind::person_added));
  EXPECT_FALSE(listed(core::EventKind::checkpoint));
}

}  // namespace incident_replay_test
}  // namespace vigil::app
