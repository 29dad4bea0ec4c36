// What a browser may ask: only commands of the contract, with their args
// rebuilt, never copied, and a refusal (never a crash) for anything else.
#include "vigil/console/browser_request.hpp"

#include <gtest/gtest.h>

namespace vigil::console::browser_request_test {

using nlohmann::json;

std::string request(const std::string& cmd, const json& args) {
  return json{{"op", "command"}, {"ref", "r1"},      {"cmd", cmd},
              {"site", "hq"},    {"gateway", "gw1"}, {"args", args}}
      .dump();
}

TEST(BrowserRequest, AcceptsEachCommandOfTheContractAndRebuildsItsArgs) {
  struct Case {
    std::string cmd;
    json args;
    json expected;
  };
  const std::vector<Case> cases = {
      {"incident-ack", {{"incident", "17"}}, {{"incident", "17"}}},
      {"incident-ack",
       {{"incident", "17"}, {"note", "on it"}, {"extra", 1}},
       {{"incident", "17"}, {"note", "on it"}}},
      {"incident-resolve",
       {{"incident", "3"}, {"note", "door re-latched"}},
       {{"incident", "3"}, {"note", "door re-latched"}}},
      {"lockdown-set", {{"zone", "lab"}}, {{"zone", "lab"}}},
      {"lockdown-release", {{"zone", "lab"}}, {{"zone", "lab"}}},
      {"zone-arm", {{"zone", "vault"}}, {{"zone", "vault"}}},
      {"zone-disarm", {{"zone", "vault"}}, {{"zone", "vault"}}},
      {"door-unlock",
       {{"door", "lobby-main"}, {"seconds", 300}},
       {{"door", "lobby-main"}, {"seconds", 300}}},
      {"fire-reset", {{"anything", true}}, json::object()},
  };
  for (const auto& c : cases) {
    const auto parsed = parse_browser_request(request(c.cmd, c.args));
    const auto* command = std::get_if<BrowserCommand>(&parsed);
    ASSERT_NE(command, nullptr) << c.cmd << " " << std::get<BrowserRequestError>(parsed).message;
    EXPECT_EQ(command->cmd, c.cmd);
    EXPECT_EQ(command->ref, "r1");
    EXPECT_EQ(command->site, "hq");
    EXPECT_EQ(command->gateway, "gw1");
    EXPECT_EQ(command->args, c.expected) << c.cmd;
  }
}

TEST(BrowserRequest, RefusesWhatTheContractDoesNotAllow) {
  struct Case {
    std::string text;
    std::string message;
  };
  const auto with = [](json j) { return j.dump(); };
  const json base{{"op", "command"}, {"ref", "r9"},      {"cmd", "incident-ack"},
                  {"site", "hq"},    {"gateway", "gw1"}, {"args", {{"incident", "5"}}}};
  auto patched = [&](const char* key, json value) {
    json j = base;
    j[key] = std::move(value);
    return j.dump();
  };
  const std::vector<Case> cases = {
      {"", "not a JSON object"},
      {"[1]", "not a JSON object"},
      {"{\"op\":\"command\"", "not a JSON object"},
      {std::string(17000, ' '), "message too long"},
      {patched("op", "shell"), "unknown 'op'"},
      {patched("cmd", "self-destruct"), "unknown 'cmd'"},
      {patched("ref", std::string(65, 'r')), "'ref' must be text of at most 64 characters"},
      {patched("site", "hq/+"), "'site' and 'gateway' must be ids"},
      {patched("gateway", ""), "'site' and 'gateway' must be ids"},
      {patched("args", {{"incident", "0"}}), "'incident' must be an incident number"},
      {patched("args", {{"incident", 5}}), "'incident' must be an incident number"},
      {patched("args", {{"incident", "5"}, {"note", 3}}), "'note' must be text"},
      {patched("args", {{"incident", "5"}, {"note", std::string(2001, 'n')}}),
       "'note' is too long"},
      {patched("args", "x"), "'args' must be an object"},
      {with(json{{"op", "command"},
                 {"cmd", "incident-resolve"},
                 {"site", "hq"},
                 {"gateway", "gw1"},
                 {"args", {{"incident", "5"}}}}),
       "a resolution needs a note saying what was done"},
      {with(json{{"op", "command"},
                 {"cmd", "door-unlock"},
                 {"site", "hq"},
                 {"gateway", "gw1"},
                 {"args", {{"door", "d1"}, {"seconds", 301}}}}),
       "'seconds' must be from 1 to 300"},
      {with(json{{"op", "command"},
                 {"cmd", "door-unlock"},
                 {"site", "hq"},
                 {"gateway", "gw1"},
                 {"args", {{"door", "d1"}, {"seconds", 0}}}}),
       "'seconds' must be from 1 to 300"},
      {with(json{{"op", "command"},
                 {"cmd", "door-unlock"},
                 {"site", "hq"},
                 {"gateway", "gw1"},
                 {"args", {{"door", "d1"}, {"seconds", 2.5}}}}),
       "'seconds' must be a whole number"},
      {with(json{{"op", "command"},
                 {"cmd", "zone-arm"},
                 {"site", "hq"},
                 {"gateway", "gw1"},
                 {"args", {{"zone", "#"}}}}),
       "'zone' must be a zone id"},
  };
  for (const auto& c : cases) {
    const auto parsed = parse_browser_request(c.text);
    const auto* error = std::get_if<BrowserRequestError>(&parsed);
    ASSERT_NE(error, nullptr) << c.text.substr(0, 200);
    EXPECT_EQ(error->message, c.message) << c.text.substr(0, 200);
  }
}

TEST(BrowserRequest, AcceptsAMeetingFollowUpAndItsClosing) {
  const auto add = parse_browser_request(
      R"({"op":"followup-add","ref":"m1","kind":"proposal","text":"replace the lobby lock",)"
      R"("owner":"ben","due":"2028-02-29","extra":true})");
  const auto* a = std::get_if<FollowUpAddRequest>(&add);
  ASSERT_NE(a, nullptr) << std::get<BrowserRequestError>(add).message;
  EXPECT_EQ(a->ref, "m1");
  EXPECT_EQ(a->followup.kind, "proposal");
  EXPECT_EQ(a->followup.text, "replace the lobby lock");
  EXPECT_EQ(a->followup.owner, "ben");
  EXPECT_EQ(a->followup.due, "2028-02-29");

  const auto done = parse_browser_request(R"({"op":"followup-done","ref":"m2","id":4})");
  const auto* d = std::get_if<FollowUpDoneRequest>(&done);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->ref, "m2");
  EXPECT_EQ(d->id, 4);
}

TEST(BrowserRequest, RefusesAFollowUpOutsideTheRules) {
  const json base{{"op", "followup-add"}, {"ref", "m1"},    {"kind", "resolution"},
                  {"text", "audit"},      {"owner", "ben"}, {"due", "2026-12-01"}};
  auto patched = [&](const char* key, json value) {
    json j = base;
    j[key] = std::move(value);
    return j.dump();
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {patched("kind", "wish"), "'kind' must be proposal or resolution"},
      {patched("text", " \n "), "'text' must say what was agreed"},
      {patched("text", 5), "'text' must say what was agreed"},
      {patched("text", std::string(2001, 't')), "'text' is too long"},
      {patched("owner", "ben smith"), "'owner' must be a user name"},
      {patched("owner", ""), "'owner' must be a user name"},
      {patched("due", "2026-02-29"), "'due' must be a date written YYYY-MM-DD"},
      {patched("due", "2026-13-01"), "'due' must be a date written YYYY-MM-DD"},
      {patched("due", "2026-1-01"), "'due' must be a date written YYYY-MM-DD"},
      {patched("due", "+026-01-01"), "'due' must be a date written YYYY-MM-DD"},
      {patched("due", 20261201), "'due' must be a date written YYYY-MM-DD"},
      {R"({"op":"followup-done","id":0})", "'id' must be a follow-up number"},
      {R"({"op":"followup-done","id":"4"})", "'id' must be a follow-up number"},
      {R"({"op":"followup-done","id":1.5})", "'id' must be a follow-up number"},
      {R"({"op":"followup-done"})", "'id' must be a follow-up number"},
  };
  for (const auto& [text, message] : cases) {
    const auto parsed = parse_browser_request(text);
    const auto* error = std::get_if<BrowserRequestError>(&parsed);
    ASSERT_NE(error, nullptr) << text.substr(0, 200);
    EXPECT_EQ(error->message, message) << text.substr(0, 200);
  }
}

}  // namespace vigil::console::browser_request_test
