// The control socket's wire format and vigilctl's routing: what a request
// may carry, the error each malformed one gets, and which command lines go
// to vigild and which run here on a file.
#include <gtest/gtest.h>

#include <sstream>

#include "vigil/ctl/control_client.hpp"
#include "vigil/ctl/control_protocol.hpp"

namespace vigil::ctl {
namespace {

std::string error_of(std::string_view line) {
  auto parsed = parse_request(line);
  return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : "";
}

TEST(ControlProtocol, RequestWithFilesSurvivesTheWire) {
  ControlRequest request{{"person", "import", "people.csv", "--replace"},
                         {{"people.csv", std::string("a,b\r\n\xff\x00z", 8)}}};
  const std::string line = format_request(request);
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
  auto parsed = parse_request(line);
  ASSERT_TRUE(std::holds_alternative<ControlRequest>(parsed)) << std::get<std::string>(parsed);
  EXPECT_EQ(std::get<ControlRequest>(parsed).argv, request.argv);
  EXPECT_EQ(std::get<ControlRequest>(parsed).files, request.files);
}

TEST(ControlProtocol, MalformedRequestsAreNamed) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"", "not JSON"},
      {"{\"v\":1,\"argv\":[\"status\"]", "not JSON"},
      {"\"status\"", "must be a JSON object"},
      {"{\"argv\":[\"status\"]}", "needs \"v\": 1"},
      {"{\"v\":2,\"argv\":[\"status\"]}", "needs \"v\": 1"},
      {"{\"v\":1}", "non-empty list"},
      {"{\"v\":1,\"argv\":[7]}", "must be a string"},
      {"{\"v\":1,\"argv\":[\"status\"],\"sudo\":true}", "unknown request field 'sudo'"},
      {"{\"v\":1,\"argv\":[\"a\"],\"files\":{\"x\":\"QR==\"}}", "not valid base64"},
      {"{\"v\":1,\"argv\":[\"a\"],\"files\":{\"..\":\"\"}}", "not a plain base name"},
      {"{\"v\":1,\"argv\":[\"a\"],\"files\":{\"a/b\":\"\"}}", "not a plain base name"},
      {"{\"v\":1,\"argv\":[[[[[[[[[[\"a\"]]]]]]]]]]}", "nested too deeply"},
      {"{\"v\":1,\"argv\":[\"" + std::string(kMaxArgBytes + 1, 'x') + "\"]}", "a word longer"},
  };
  for (const auto& [line, says] : cases) {
    EXPECT_NE(error_of(line).find(says), std::string::npos) << line << " -> " << error_of(line);
  }
}

TEST(ControlProtocol, ReplyFilesSurviveTheWireAndAPathIsRefused) {
  const ControlReply sent{0, "x.csv: 3 rows\n", "", {{"x.csv", std::string("a,b\r\n\0\xff", 7)}}};
  const auto parsed = parse_reply(format_reply(sent));
  ASSERT_TRUE(std::holds_alternative<ControlReply>(parsed));
  EXPECT_EQ(std::get<ControlReply>(parsed).files, sent.files);
  for (const char* bad :
       {R"({"rc":0,"files":{"../x.csv":"YQ=="}})", R"({"rc":0,"files":{"x":"Y"}})",
        R"({"rc":0,"files":["x"]})", R"({"rc":0,"files":{"x":1}})"}) {
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_reply(bad))) << bad;
  }
}

TEST(ControlProtocol, Base64IsCanonical) {
  for (const std::string bytes : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    std::string back;
    ASSERT_TRUE(base64_decode(base64_encode(bytes), back));
    EXPECT_EQ(back, bytes);
  }
  std::string out;
  EXPECT_FALSE(base64_decode("Zm9v=", out));  // not a multiple of 4
  EXPECT_FALSE(base64_decode("Zm=v", out));   // padding inside
  EXPECT_FALSE(base64_decode("Zh==", out));   // leftover bits set
  EXPECT_FALSE(base64_decode("Zm9v!A==", out));
}

TEST(ControlRouting, CommandPathsAndWhatVigildServes) {
  const std::vector<std::tuple<std::vector<std::string>, std::string, bool>> table{
      {{"log", "query", "--zone", "a"}, "log query", true},
      {{"-c", "site.yaml", "log", "query"}, "log query", true},
      {{"log", "verify", "journal.db"}, "log verify", false},
      {{"config", "check", "site.yaml"}, "config check", false},
      {{"status", "-c", "site.yaml"}, "status", true},
      {{"audit", "--operator", "clara"}, "audit", true},
      {{"audit", "sample", "3"}, "audit sample", true},
      {{"person", "import", "people.csv", "--replace"}, "person import", true},
      {{"explain", "p1", "door"}, "explain p1", false},
      {{"log", "export", "--out", "x.csv"}, "log export", true},
      {{"log", "archive", "--before", "2026-10"}, "log archive", true},
      {{"log", "verify-export", "x.csv", "x.csv.manifest.json"}, "log verify-export", false},
  };
  for (const auto& [words, path, served] : table) {
    EXPECT_EQ(command_path(words), path);
    EXPECT_EQ(served_by_daemon(command_path(words)), served) << path;
  }
}

TEST(ControlRouting, FilesNamedOutrightRunHereAndSocketMisuseIsAnError) {
  std::ostringstream out, err;
  EXPECT_FALSE(run_through_daemon({"log", "query", "-j", "journal.db"}, out, err));
  EXPECT_FALSE(run_through_daemon({"log", "verify", "-c", "site.yaml"}, out, err));
  EXPECT_FALSE(run_through_daemon({"log", "query"}, out, err));  // nothing names a daemon
  EXPECT_EQ(run_through_daemon({"log", "verify", "--socket", "/nonexistent.sock"}, out, err), 2);
  EXPECT_EQ(run_through_daemon({"log", "query", "--socket", "/x.sock", "-j", "j.db"}, out, err), 2);
  EXPECT_EQ(run_through_daemon({"status", "--socket", "/nonexistent/vigild.sock"}, out, err), 2);
  EXPECT_NE(err.str().find("cannot reach vigild at /nonexistent/vigild.sock"), std::string::npos)
      << err.str();
}

}  // namespace
}  // namespace vigil::ctl
