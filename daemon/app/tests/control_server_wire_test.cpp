// The control socket's wire: malformed requests answered with an error
// while the server keeps serving, the socket file's mode and a stale socket
// replaced, and the kept read connection seeing what a fresh one would
// (the site: control_server_fixture.hpp).
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <thread>

#include "control_server_fixture.hpp"

namespace vigil::app::control_test {
namespace {

// A raw client: sends `bytes` (from a thread: the server may stop reading
// early), then reads the reply.
std::string raw_exchange(const std::string& path, std::string bytes, bool close_write) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) return "";
  std::thread sender([fd, bytes = std::move(bytes), close_write] {
    for (std::size_t sent = 0; sent < bytes.size();) {
      const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
    if (close_write) ::shutdown(fd, SHUT_WR);
  });
  std::string reply;
  char buffer[4096];
  ssize_t n;
  while ((n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) reply.append(buffer, n);
  sender.join();
  ::close(fd);
  return reply;
}

TEST(ControlSocket, MalformedRequestsGetAnErrorAndTheServerKeepsServing) {
  ControlSite site(operator_entry(me(), "auditor", "lab-a"));
  const std::string path = site.config().control_socket;
  struct Bad {
    const char* name;
    std::string bytes;
    bool close_write;
    const char* says;
  };
  const std::vector<Bad> cases{
      {"Garbage", "hello there\n", false, "not JSON"},
      {"NotAnObject", "[1,2]\n", false, "must be a JSON object"},
      {"WrongVersion", "{\"v\":2,\"argv\":[\"status\"]}\n", false, "\\\"v\\\": 1"},
      {"NoWords", "{\"v\":1,\"argv\":[]}\n", false, "non-empty list"},
      {"DeepNesting", std::string(100000, '[') + "\n", false, "nested too deeply"},
      {"Truncated", "{\"v\":1,\"argv\":[\"status\"", true, "cut short"},
      {"Oversize", std::string(ctl::kMaxRequestBytes + 100, 'a'), false, "larger than"},
      {"BadFileName", "{\"v\":1,\"argv\":[\"status\"],\"files\":{\"../x\":\"\"}}\n", false,
       "plain base name"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string reply = raw_exchange(path, c.bytes, c.close_write);
    auto parsed = ctl::parse_reply(reply);
    ASSERT_TRUE(std::holds_alternative<ctl::ControlReply>(parsed)) << reply;
    EXPECT_EQ(std::get<ctl::ControlReply>(parsed).rc, 2);
    EXPECT_NE(reply.find(c.says), std::string::npos) << reply;
  }
  EXPECT_EQ(site.server().stats().malformed, cases.size());
  EXPECT_TRUE(site.audit_records().empty());  // no command was named: nothing looked at
  auto ok = site.call({"log", "query", "--zone", "lab-a"});
  EXPECT_EQ(ok.rc, 0) << ok.err;
}

TEST(ControlSocket, SocketIsOwnerAndGroupOnlyAndAStaleSocketIsReplaced) {
  testing::TempDir dir("vigil-stale");
  auto config = site_config(dir, operator_entry(me(), "guard", ""));
  {
    // A socket file with nobody behind it, as a killed vigild leaves it.
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, config.control_socket.c_str(), sizeof(addr.sun_path) - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
    ::close(fd);
  }
  ControlServer first(config, [](core::Event) { return true; });
  ASSERT_NO_THROW(first.start());
  struct stat st {};
  ASSERT_EQ(::stat(config.control_socket.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0660u);
  // A second server on a live socket refuses rather than steal it.
  ControlServer second(config, [](core::Event) { return true; });
  EXPECT_THROW(second.start(), std::runtime_error);
  EXPECT_TRUE(ctl::control_socket_answers(config.control_socket));
  first.stop();
  EXPECT_FALSE(std::filesystem::exists(config.control_socket));
}

// vigild keeps one read connection for `log query` across requests: what
// it answers must be what a fresh connection would, after rows, new names
// and an archiving have happened since it opened.
TEST(ControlSocket, AKeptQueryConnectionSeesNewRowsNewPeopleAndArchivedMonths) {
  ControlSite site(operator_entry(me(), "auditor, supervisor", "\"*\""));
  auto first = site.call({"log", "query", "--zone", "lab-a", "--format", "csv"});
  ASSERT_EQ(first.rc, 0) << first.err;
  EXPECT_EQ(csv_rows(first.out), 3u) << first.out;
  auto unknown = site.call({"log", "query", "--person", "p-new"});
  EXPECT_EQ(unknown.rc, 2) << unknown.err;

  core::Event e = denial_in("lab-a", 30);
  e.person = core::PersonId("p-new");
  site.journal_now(e);
  auto zone = site.call({"log", "query", "--zone", "lab-a", "--format", "csv"});
  EXPECT_EQ(csv_rows(zone.out), 4u) << zone.out;
  auto person = site.call({"log", "query", "--person", "p-new", "--format", "csv"});
  ASSERT_EQ(person.rc, 0) << person.err;
  EXPECT_EQ(csv_rows(person.out), 1u) << person.out;

  ASSERT_EQ(site.call({"log", "archive", "--before", "2025-01"}).rc, 0);
  auto after = site.call({"log", "query", "--kind", "access_denied", "--format", "csv"});
  ASSERT_EQ(after.rc, 0) << after.err;
  EXPECT_EQ(csv_rows(after.out), 7u) << after.out;
  EXPECT_EQ(site.audit_records().size(), 6u);  // one per request
}

}  // namespace
}  // namespace vigil::app::control_test
