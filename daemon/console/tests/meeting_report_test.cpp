// The meeting view's figures: a gateway's digest reduced to what the meeting
// reads (never a crash on a bad one), kept per gateway by the state store,
// and the exported report (CSV and printable HTML) escaping every text.
#include "vigil/console/meeting_report.hpp"

#include <gtest/gtest.h>

#include "vigil/console/state_store.hpp"

namespace vigil::console::meeting_report_test {

using nlohmann::json;

// A digest as docs/schema/digest.schema.json describes it.
json sample_digest() {
  return json::parse(R"({
    "v": 1, "site": "hq", "gateway": "gw1",
    "time": "2026-11-29T06:00:00.000000Z", "since": "2026-11-28T06:00:00.000000Z",
    "open": [{"id": "hq/gw1/0011aabb/7", "kind": "door_forced", "severity": "critical",
              "zone": "lobby", "opened": "2026-11-28T22:00:00.000000Z", "age_s": 28800,
              "state": "acknowledged", "level_name": "shift_lead"}],
    "raised": {"total": 3, "by_kind": {"door_forced": 2, "door_held_open": 1},
               "by_zone": {"lobby": 2, "_site": 1}},
    "resolved": [{"id": "hq/gw1/0011aabb/5", "kind": "door_held_open", "severity": "warning",
                  "zone": "lobby", "opened": "2026-11-28T09:00:00.000000Z",
                  "resolved_at": "2026-11-28T10:00:00.000000Z", "resolved_by": "ben",
                  "note": "closed it, \"stuck\" hinge"}],
    "deficiencies": {
      "open": [{"id": 4, "kind": "offline", "item": "reader lobby-in", "zone": "lobby",
                "started": "2026-11-20T08:00:00.000000Z", "age_s": 700000, "due": "2026-11-25",
                "overdue": true, "unit": "", "note": "<cable> cut"}],
      "closed": []}})");
}

TEST(MeetingDigest, KeepsTheFiguresTheMeetingReads) {
  const auto s = digest_summary(sample_digest(), "hq", "gw1");
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)["time"], "2026-11-29T06:00:00.000000Z");
  EXPECT_EQ((*s)["open"][0]["age_s"], 28800);
  EXPECT_EQ((*s)["open"][0]["kind"], "door_forced");
  EXPECT_EQ((*s)["raised"]["total"], 3);
  EXPECT_EQ((*s)["raised"]["by_zone"], (json{{"lobby", 2}, {"_site", 1}}));
  EXPECT_EQ((*s)["deficiencies"][0]["id"], "4");
  EXPECT_EQ((*s)["deficiencies"][0]["overdue"], true);
  EXPECT_EQ((*s)["resolved"][0]["resolved_by"], "ben");
}

TEST(MeetingDigest, RefusesWhatIsNotADigestAndDropsBadlyTypedFields) {
  for (const char* text : {"[]", "{}", R"({"v":2,"time":"t","open":[],"raised":{},"resolved":[]})",
                           R"({"v":1,"time":5,"open":[],"raised":{},"resolved":[]})",
                           R"({"v":1,"time":"t","open":{},"raised":{},"resolved":[]})"}) {
    EXPECT_FALSE(digest_summary(json::parse(text), "hq", "gw1")) << text;
  }
  auto odd = sample_digest();
  odd["open"][0]["age_s"] = "long";
  odd["raised"]["by_kind"]["door_forced"] = "two";
  odd["deficiencies"] = 17;
  const auto s = digest_summary(odd, "hq", "gw1");
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)["open"][0]["age_s"], 0);
  EXPECT_FALSE((*s)["raised"]["by_kind"].contains("door_forced"));
  EXPECT_TRUE((*s)["deficiencies"].empty());
}

TEST(ConsoleState, KeepsTheNewestDigestOfEachGatewayForTheMeetingView) {
  StateStore store("vigil");
  const auto update = store.apply("vigil/v1/hq/gw1/digest", sample_digest().dump());
  ASSERT_TRUE(update);
  EXPECT_EQ((*update)["type"], "digest");
  EXPECT_EQ((*update)["gateway"], "gw1");
  EXPECT_EQ((*update)["digest"]["raised"]["total"], 3);
  EXPECT_FALSE(store.apply("vigil/v1/hq/gw1/digest", sample_digest().dump())) << "unchanged";
  EXPECT_FALSE(store.apply("vigil/v1/hq/gw2/digest", "{\"v\":1}"));
  EXPECT_EQ(store.ignored(), 1U);
  ASSERT_EQ(store.digests().size(), 1U);
  EXPECT_EQ(store.snapshot()["digests"][0]["site"], "hq");
  ASSERT_TRUE(store.apply("vigil/v1/hq/gw1/digest", ""));  // a cleared retained slot
  EXPECT_TRUE(store.digests().empty());
}

MeetingReport sample_report() {
  FollowUp open;
  open.id = 1;
  open.kind = "proposal";
  open.text = "=HYPERLINK(\"x\"), then <b>fix</b>";
  open.owner = "ben";
  open.due = "2026-11-28";
  open.created_by = "ann";
  open.created_at = "2026-11-20T08:00:00Z";
  FollowUp done = open;
  done.id = 2;
  done.text = "badge audit";
  done.status = "done";
  done.done_by = "ben";
  done.done_at = "2026-11-29T07:00:00Z";
  return {{*digest_summary(sample_digest(), "hq", "gw1")},
          {open, done},
          "2026-11-29",
          "2026-11-29T08:00:00Z"};
}

TEST(MeetingReport, CsvListsTheDigestFiguresAndTheFollowUps) {
  const auto text = meeting_report_csv(sample_report());
  for (const char* line :
       {"section,site,gateway,id,kind,severity,zone,count,age_s,owner,due,status,by,at,text\r\n",
        "digest,hq,gw1,,,,,1,,,,,,2026-11-29T06:00:00.000000Z,since "
        "2026-11-28T06:00:00.000000Z\r\n",
        "raised,hq,gw1,,,,,3,,,,,,,\r\n", "raised_by_kind,hq,gw1,,door_forced,,,2,,,,,,,\r\n",
        "raised_by_zone,hq,gw1,,,,lobby,2,,,,,,,\r\n",
        "open_incident,hq,gw1,hq/gw1/0011aabb/7,door_forced,critical,lobby,,28800,,,acknowledged,"
        "shift_lead,2026-11-28T22:00:00.000000Z,\r\n",
        "deficiency,hq,gw1,4,offline,,lobby,,700000,,2026-11-25,overdue,,,reader lobby-in: <cable> "
        "cut\r\n",
        "resolved,hq,gw1,hq/gw1/0011aabb/5,door_held_open,warning,lobby,,,,,resolved,ben,"
        "2026-11-28T10:00:00.000000Z,\"closed it, \"\"stuck\"\" hinge\"\r\n",
        // a formula is defused and quoted
        "followup,,,1,proposal,,,,,ben,2026-11-28,overdue,ann,2026-11-20T08:00:00Z,\"'=HYPERLINK("
        "\"\"x\"\"), then <b>fix</b>\"\r\n",
        "followup,,,2,proposal,,,,,ben,2026-11-28,done,ben,2026-11-29T07:00:00Z,badge audit\r\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin\n" << text;
  }
}

TEST(MeetingReport, HtmlEscapesEveryTextAndMarksOverdueRows) {
  const auto page = meeting_report_html(sample_report());
  EXPECT_EQ(page.find("<b>fix"), std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;fix&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(page.find("&lt;cable&gt; cut"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_NE(page.find("<h2>hq / gw1</h2>"), std::string::npos);
  EXPECT_NE(page.find("<tr class=\"overdue\"><td>1</td>"), std::string::npos);
  EXPECT_NE(page.find("<tr><td>2</td>"), std::string::npos) << "done is not overdue";
  EXPECT_NE(page.find("1 open incidents, 3 raised, 1 resolved, 1 open deficiencies"),
            std::string::npos);
}

}  // namespace vigil::console::meeting_report_test
