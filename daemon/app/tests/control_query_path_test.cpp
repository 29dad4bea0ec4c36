// The audited query path as an operator's command takes it: rows never
// reach the operator before the audit record that covers them is durable,
// and vigilctl's front finds the socket from the cache its full tool fills.
// A real ControlServer, a real journal writer on a real SQLite file, a raw
// client socket or vigilctl's own client.
#include <gtest/gtest.h>

#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <optional>
#include <sstream>

#include "vigil/app/control_server.hpp"
#include "vigil/config/load.hpp"
#include "vigil/ctl/control_client.hpp"
#include "vigil/ctl/socket_cache.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/journal_writer.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/journal/sqlite.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::app {
namespace {

namespace fs = std::filesystem;
using core::EventKind;

std::string me() {
  const passwd* entry = getpwuid(geteuid());
  return entry ? entry->pw_name : "uid:" + std::to_string(geteuid());
}

// site.yaml in `dir`, this Unix user an auditor of the whole site; its
// mtime an hour back, so the socket cache may remember it.
fs::path write_site(const testing::TempDir& dir) {
  const auto path = dir.file("site.yaml");
  std::ofstream(path) << "site: { id: hq, gateway: gw1, time_zone: UTC }\n"
                      << "journal: { path: journal.db }\n"
                      << "zones:\n  - { id: lab-a }\n"
                      << "operators:\n  - { user: \"" << me()
                      << "\", roles: [auditor], zones: [\"*\"] }\n";
  fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::hours(1));
  return path;
}

config::SiteConfig load(const fs::path& path) {
  auto loaded = config::load_site_config(path);
  if (!loaded) throw std::runtime_error(config::to_string(loaded.diagnostics()));
  return loaded.value();
}

core::Event denial(int minute) {
  core::Event e;
  e.kind = EventKind::access_denied;
  e.time = core::TimePoint{} + std::chrono::hours(24 * 20000) + std::chrono::minutes(minute);
  e.zone = core::ZoneId("lab-a");
  e.reason = core::DenyReason::unknown_card;
  return e;
}

// A connected client socket to `path`, the request sent.
int send_request(const std::string& path, const ctl::ControlRequest& request) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    throw std::runtime_error("connect " + path + ": " + std::strerror(errno));
  }
  const std::string bytes = ctl::format_request(request);
  if (::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size())) {
    throw std::runtime_error("send");
  }
  return fd;
}

// Everything the server sends until it closes, parsed as a reply.
ctl::ControlReply read_reply(int fd) {
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) text.append(buffer, n);
  ::close(fd);
  auto reply = ctl::parse_reply(text);
  if (auto* error = std::get_if<std::string>(&reply)) throw std::runtime_error(*error);
  return std::get<ctl::ControlReply>(reply);
}

bool readable_now(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

TEST(ControlQueryPath, NoRowReachesTheOperatorWhileTheWriterCannotCommitTheAuditRecord) {
  testing::TempDir dir{"vigil-query-path"};
  const auto config = load(write_site(dir));
  journal::JournalWriter writer(journal::Journal(config.journal_path));
  for (int i = 0; i < 3; ++i) writer.submit(denial(i));
  writer.flush();
  const journal::Journal reader(config.journal_path);
  auto audited = [&] { return reader.query({.kinds = {EventKind::record_access}}); };

  std::optional<std::promise<core::Event>> submitted;
  ControlServer server(config, [&](core::Event e) {
    std::promise<void> done;
    auto durable = done.get_future();
    core::Event copy = e;
    if (!writer.submit(std::move(e), [&done](const core::Event&) { done.set_value(); })) {
      return false;
    }
    if (submitted) submitted->set_value(copy);
    durable.wait();
    return true;
  });
  server.start();
  // A first query while the writer is free: the server's read connection is open.
  ASSERT_EQ(
      read_reply(send_request(config.control_socket, {{"log", "query", "--zone", "lab-a"}, {}})).rc,
      0);
  ASSERT_EQ(audited().size(), 1u);

  // Another connection holds the write lock: the writer cannot commit.
  journal::sqlite::Database blocker(config.journal_path);
  blocker.exec("BEGIN IMMEDIATE");
  submitted.emplace();
  auto record_submitted = submitted->get_future();
  const int client = send_request(config.control_socket,
                                  {{"log", "query", "--zone", "lab-a", "--format", "csv"}, {}});

  // The record is with the writer, the query's rows are built, and the
  // server is waiting for the commit: the operator has received nothing.
  const core::Event record = record_submitted.get();
  EXPECT_EQ(record.kind, EventKind::record_access);
  EXPECT_EQ(core::attr_int(record.attrs, "rows").value_or(-1), 3);
  EXPECT_FALSE(readable_now(client));
  EXPECT_EQ(audited().size(), 1u);

  blocker.exec("ROLLBACK");  // the writer commits; only then the rows go out
  const auto reply = read_reply(client);
  EXPECT_EQ(reply.rc, 0) << reply.err;
  const auto records = audited();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(core::attr_text(records[1].attrs, "digest").value_or(""),
            journal::sha256_hex(reply.out));
  EXPECT_EQ(core::attr_int(records[1].attrs, "rows").value_or(-1), 3);
}

TEST(ControlQueryPath, AnAuditRecordThatCannotBeMadeDurableWithholdsTheRows) {
  testing::TempDir dir{"vigil-query-path"};
  const auto config = load(write_site(dir));
  {
    journal::JournalWriter writer(journal::Journal(config.journal_path));
    writer.submit(denial(0));
    writer.flush();
  }
  // What vigild's sink answers when the writer did not commit in time.
  ControlServer server(config, [](core::Event) { return false; });
  server.start();
  const auto reply = read_reply(send_request(config.control_socket, {{"log", "query"}, {}}));
  EXPECT_EQ(reply.rc, 1);
  EXPECT_EQ(reply.out, "");
  EXPECT_NE(reply.err.find("the audit record could not be journalled; nothing returned"),
            std::string::npos)
      << reply.err;
}

TEST(ControlQueryPath, TheFrontAsksTheSocketTheFullToolFoundUntilTheConfigChanges) {
  testing::TempDir dir{"vigil-query-path"};
  testing::TempDir cache{"vigil-query-cache"};
  const char* old_runtime = std::getenv("XDG_RUNTIME_DIR");
  const std::string saved = old_runtime != nullptr ? old_runtime : "";
  ::setenv("XDG_RUNTIME_DIR", cache.path().c_str(), 1);

  const auto path = write_site(dir);
  const auto config = load(path);
  journal::JournalWriter writer(journal::Journal(config.journal_path));
  for (int i = 0; i < 2; ++i) writer.submit(denial(i));
  writer.flush();
  ControlServer server(config, [&](core::Event e) {
    std::promise<void> done;
    auto durable = done.get_future();
    if (!writer.submit(std::move(e), [&done](const core::Event&) { done.set_value(); })) {
      return false;
    }
    durable.wait();
    return true;
  });
  server.start();
  // --zone: the rows, not the audit records the queries add.
  const std::vector<std::string> words{"log",      "query", "--zone",   "lab-a",
                                       "--format", "csv",   "--config", path.string()};

  // The front alone knows no socket yet: the full tool's turn.
  std::ostringstream out, err;
  EXPECT_EQ(ctl::run_through_daemon_cached(words, out, err), std::nullopt);
  // The full tool loads the config, is served by vigild, remembers the socket.
  EXPECT_EQ(ctl::run_through_daemon(words, out, err), 0) << err.str();
  const std::string full = out.str();
  EXPECT_NE(full.find("lab-a"), std::string::npos) << full;
  // Now the front is served without loading the config: the same rows.
  std::ostringstream front_out;
  EXPECT_EQ(ctl::run_through_daemon_cached(words, front_out, err), 0) << err.str();
  EXPECT_EQ(front_out.str(), full);
  EXPECT_EQ(
      journal::Journal(config.journal_path).query({.kinds = {EventKind::record_access}}).size(),
      2u);

  // An edit (here: a broken one) sends the front back to the full tool,
  // which reports the mistake instead of asking vigild.
  std::ofstream(path, std::ios::app) << "zones: [\n";
  EXPECT_EQ(ctl::run_through_daemon_cached(words, out, err), std::nullopt);

  if (old_runtime != nullptr) {
    ::setenv("XDG_RUNTIME_DIR", saved.c_str(), 1);
  } else {
    ::unsetenv("XDG_RUNTIME_DIR");
  }
}

}  // namespace
}  // namespace vigil::app
