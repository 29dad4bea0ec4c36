#include "vigil/app/incident_pipeline.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "vigil/app/incident_cursor.hpp"
#include "vigil/journal/journal_writer.hpp"
#include "vigil/mqtt/outbox.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::app {
namespace {

using namespace std::chrono_literals;

core::Event forced(const char* door) {
  core::Event e;
  e.kind = core::EventKind::door_forced;
  e.time = core::TimePoint{1'700'000'000s};
  e.door = core::DoorId{door};
  return e;
}

core::Event denied(std::chrono::seconds at) {
  core::Event e;
  e.kind = core::EventKind::access_denied;
  e.reason = core::DenyReason::unknown_card;
  e.time = core::TimePoint{1'700'000'000s + at};
  e.reader = core::ReaderId{"front-in"};
  e.door = core::DoorId{"front"};
  return e;
}

core::Event entry(const char* person) {
  core::Event e;
  e.kind = core::EventKind::entry;
  e.time = core::TimePoint{1'700'000'100s};
  e.reader = core::ReaderId{"front-in"};
  e.door = core::DoorId{"front"};
  e.person = core::PersonId{person};
  return e;
}

class IncidentPipelineTest : public ::testing::Test {
 protected:
  // A writer whose hook is the pipeline's, failing its next `fail_` attempts
  // after the pipeline has run (as a full disk at COMMIT would).
  std::unique_ptr<journal::JournalWriter> writer() {
    journal::Journal journal{db_};
    mqtt::Outbox::create_table(*setup_);
    IncidentCursor::create_table(*setup_);
    journal::WriterOptions options;
    options.first_retry = 1ms;
    options.in_batch_transaction = [this](std::span<const core::Event> events,
                                          journal::sqlite::Database& db) {
      pipeline_.in_transaction(events, db);
      if (fail_ > 0) {
        --fail_;
        throw journal::JournalError("disk full (test)", 13);
      }
    };
    return std::make_unique<journal::JournalWriter>(std::move(journal), std::move(options));
  }

  vigil::testing::TempDir dir_;
  std::filesystem::path db_ = dir_.file("vigil.db");
  std::unique_ptr<journal::sqlite::Database> setup_ =
      std::make_unique<journal::sqlite::Database>(db_);
  IncidentPipeline pipeline_{core::IncidentRulesConfig{},
                             mqtt::TopicTree{"vigil", core::SiteId{"s"}, core::GatewayId{"g"}}};
  std::atomic<int> fail_{0};
};

TEST_F(IncidentPipelineTest, ForcedDoorIncidentCommitsWithItsEventAndMovesTheCursor) {
  auto w = writer();
  w->submit(forced("front"));
  w->flush();
  mqtt::Outbox outbox{db_};
  const auto rows = outbox.peek(10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].topic, "vigil/v1/s/g/incident/major/_site");
  EXPECT_NE(rows[0].payload.find("\"id\":\"s/g/1\""), std::string::npos) << rows[0].payload;
  EXPECT_EQ(IncidentCursor{db_}.load(), 1u);
  EXPECT_EQ(pipeline_.incidents_stored(), 1u);
  // The committed row is handed to the sender as stored: same id, topic and
  // payload, so it can be published without reading it back.
  const auto handed = pipeline_.take_committed();
  ASSERT_EQ(handed.size(), 1u);
  EXPECT_EQ(handed[0].id, rows[0].id);
  EXPECT_EQ(handed[0].topic, rows[0].topic);
  EXPECT_EQ(handed[0].payload, rows[0].payload);
  EXPECT_TRUE(pipeline_.take_committed().empty());
}

TEST_F(IncidentPipelineTest, RetriedBatchRaisesEachIncidentOnceWithTheRulesStateItHadBefore) {
  auto w = writer();
  w->submit(denied(1s));
  w->submit(denied(2s));
  w->flush();
  // The third denial completes the burst. Its first commit fails after the
  // rules have seen it: the retry must still raise the incident, exactly once.
  fail_ = 2;
  w->submit(denied(3s));
  w->submit(forced("back"));
  w->flush();
  mqtt::Outbox outbox{db_};
  const auto rows = outbox.peek(10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].topic, "vigil/v1/s/g/incident/warning/_site");
  EXPECT_EQ(rows[1].topic, "vigil/v1/s/g/incident/major/_site");
  EXPECT_EQ(IncidentCursor{db_}.load(), 4u);
  EXPECT_EQ(w->stats().failed_commits, 2u);
  // The rows handed to the sender are the committed ones, each once: the
  // rolled-back attempts' rows are not among them.
  const auto handed = pipeline_.take_committed();
  ASSERT_EQ(handed.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(handed[i].id, rows[i].id);
    EXPECT_EQ(handed[i].payload, rows[i].payload);
  }
}

TEST_F(IncidentPipelineTest, ReplayRaisesIncidentsOfEventsAfterTheCursorOnce) {
  {
    journal::Journal journal{db_};
    std::vector<core::Event> events{forced("front"), forced("back")};
    journal.append(events);  // as a daemon that stored nothing would have left it
  }
  IncidentCursor::create_table(*setup_);
  IncidentCursor::advance(*setup_, 1);
  EXPECT_EQ(pipeline_.replay(db_), 1u);
  EXPECT_EQ(pipeline_.replay(db_), 0u);
  mqtt::Outbox outbox{db_};
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_NE(outbox.peek(1)[0].payload.find("\"door\":\"back\""), std::string::npos);
  EXPECT_EQ(IncidentCursor{db_}.load(), 2u);
}

}  // namespace
}  // namespace vigil::app

namespace vigil::app {
namespace {

TEST_F(IncidentPipelineTest, EntriesAndDenialsStreamUnderTheDoorsZoneNamingNobodyByDefault) {
  pipeline_.set_door_zones({{"front", core::ZoneId{"lobby"}}});
  pipeline_.set_event_stream({.publish = true});
  auto w = writer();
  w->submit(denied(1s));
  w->submit(entry("p-17"));
  w->flush();
  const auto rows = mqtt::Outbox{db_}.peek(10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].topic, "vigil/v1/s/g/event/lobby");
  EXPECT_NE(rows[0].payload.find("\"kind\":\"access_denied\""), std::string::npos);
  EXPECT_NE(rows[0].payload.find("\"reason\":\"unknown_card\""), std::string::npos);
  EXPECT_NE(rows[1].payload.find("\"kind\":\"entry\""), std::string::npos);
  EXPECT_EQ(rows[1].payload.find("p-17"), std::string::npos) << rows[1].payload;
  EXPECT_EQ(rows[1].qos, 1);
  EXPECT_EQ(pipeline_.events_stored(), 2u);
  EXPECT_EQ(pipeline_.incidents_stored(), 0u);
}

TEST_F(IncidentPipelineTest, FullNamesComeFromThePeopleTableAndQosZeroIsKeptPerRow) {
  pipeline_.set_event_stream(
      {.publish = true, .qos = 0, .personal = mqtt::PersonalData::full_name});
  auto w = writer();
  setup_->exec("INSERT INTO people (id, name, active) VALUES ('p-17', 'Ada Quill', 1)");
  w->submit(entry("p-17"));
  w->flush();
  const auto rows = mqtt::Outbox{db_}.peek(10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].topic, "vigil/v1/s/g/event/_site");  // no door zones known
  EXPECT_NE(rows[0].payload.find("\"person\":\"p-17\""), std::string::npos) << rows[0].payload;
  EXPECT_NE(rows[0].payload.find("\"name\":\"Ada Quill\""), std::string::npos);
  EXPECT_EQ(rows[0].qos, 0);
}

TEST_F(IncidentPipelineTest, TheStreamIsOffUnlessConfigured) {
  auto w = writer();
  w->submit(entry("p-17"));
  w->flush();
  EXPECT_TRUE(mqtt::Outbox{db_}.peek(10).empty());
}

TEST_F(IncidentPipelineTest, WithStatesEachIncidentAlsoStoresItsRetainedOpenState) {
  pipeline_.set_incident_states(true, {"desk", "manager"});
  auto w = writer();
  w->submit(forced("front"));
  core::Event reported;  // published by IncidentStateWatch, never here
  reported.kind = core::EventKind::incident_reported;
  reported.zone = core::ZoneId{"lobby"};
  core::set_attr(reported.attrs, "anomaly", std::string("gift"));
  w->submit(reported);
  w->flush();
  mqtt::Outbox outbox{db_};
  const auto rows = outbox.peek(10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].topic, "vigil/v1/s/g/incident/major/_site");
  EXPECT_FALSE(rows[0].retain);
  EXPECT_EQ(rows[1].topic, "vigil/v1/s/g/incident-state/1");
  EXPECT_TRUE(rows[1].retain);
  EXPECT_NE(rows[1].payload.find(R"("state":"open")"), std::string::npos) << rows[1].payload;
  EXPECT_NE(rows[1].payload.find(R"("level_name":"desk","levels":2)"), std::string::npos)
      << rows[1].payload;
}

}  // namespace
}  // namespace vigil::app
