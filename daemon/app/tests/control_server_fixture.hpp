// The control socket tests' site (control_server_test.cpp,
// control_server_wire_test.cpp, control_server_operations_test.cpp; its
// config also serves control_report_test.cpp): a real
// ControlServer on a temp socket, a real journal writer on a real SQLite
// file, requests sent by vigilctl's own client. The test's Unix user is
// mapped (or not) to the operator each case needs; no setuid is involved.
#pragma once

#include <gtest/gtest.h>

#include <pwd.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <map>
#include <string>
#include <vector>

#include "vigil/app/control_server.hpp"
#include "vigil/config/load.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/ctl/control_client.hpp"
#include "vigil/journal/journal_writer.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::app::control_test {

using core::EventKind;

inline std::string me() {
  const passwd* entry = getpwuid(geteuid());
  return entry ? entry->pw_name : "uid:" + std::to_string(geteuid());
}

// Zones: lab-a > lab-a-inner, and lab-b. `operators` is the YAML list.
inline config::SiteConfig site_config(const testing::TempDir& dir, const std::string& operators) {
  const std::string yaml =
      "site: { id: hq, gateway: gw1, time_zone: UTC }\n"
      "journal: { path: journal.db }\n"
      "zones:\n"
      "  - { id: lab-a }\n"
      "  - { id: lab-a-inner, parent: lab-a }\n"
      "  - { id: lab-b }\n"
      "access_levels:\n"
      "  - { id: staff, zones: [lab-a, lab-b], schedule: always }\n"
      "operators:\n" +
      operators;
  const auto path = dir.file("site.yaml");
  std::ofstream(path) << yaml;
  auto loaded = config::load_site_config(path);
  if (!loaded) throw std::runtime_error(config::to_string(loaded.diagnostics()));
  return loaded.value();
}

inline std::string operator_entry(const std::string& user, const std::string& roles,
                                  const std::string& zones) {
  return "  - { user: \"" + user + "\", roles: [" + roles + "], zones: [" + zones + "] }\n";
}

inline core::Event denial_in(const char* zone, int minute) {
  core::Event e;
  e.kind = EventKind::access_denied;
  e.time = core::TimePoint{} + std::chrono::hours(24 * 20000) + std::chrono::minutes(minute);
  e.zone = core::ZoneId(zone);
  e.reason = core::DenyReason::unknown_card;
  return e;
}

// One site with its journal, writer and control server.
class ControlSite {
 public:
  explicit ControlSite(const std::string& operators)
      : config_(site_config(dir_, operators)),
        writer_(journal::Journal(config_.journal_path)),
        server_(config_, [this](core::Event e) { return audit(std::move(e)); }) {
    for (int i = 0; i < 3; ++i) writer_.submit(denial_in("lab-a", i));
    writer_.submit(denial_in("lab-a-inner", 5));
    for (int i = 0; i < 2; ++i) writer_.submit(denial_in("lab-b", 10 + i));
    writer_.flush();
    server_.start();
  }

  ctl::ControlReply call(std::vector<std::string> argv,
                         std::map<std::string, std::string> files = {}) {
    auto reply = ctl::call_control(config_.control_socket, {std::move(argv), std::move(files)});
    if (auto* error = std::get_if<std::string>(&reply)) {
      ADD_FAILURE() << *error;
      return {-1, "", *error};
    }
    return std::get<ctl::ControlReply>(reply);
  }

  std::vector<core::Event> audit_records() const {
    return journal::Journal(config_.journal_path)
        .query({.kinds = {EventKind::record_access, EventKind::access_refused}});
  }

  const config::SiteConfig& config() const { return config_; }
  ControlServer& server() { return server_; }
  // Appends as vigild's doors would, durably.
  void journal_now(core::Event e) {
    writer_.submit(std::move(e));
    writer_.flush();
  }
  const testing::TempDir& dir() const { return dir_; }

 private:
  bool audit(core::Event e) {
    std::promise<void> done;
    auto durable = done.get_future();
    if (!writer_.submit(std::move(e), [&done](const core::Event&) { done.set_value(); })) {
      return false;
    }
    durable.wait();
    return true;
  }

  testing::TempDir dir_{"vigil-control"};
  config::SiteConfig config_;
  journal::JournalWriter writer_;
  ControlServer server_;
};

inline std::string attr(const core::Event& e, const char* key) {
  if (auto text = core::attr_text(e.attrs, key)) return *text;
  if (auto n = core::attr_int(e.attrs, key)) return std::to_string(*n);
  return "";
}

inline std::size_t csv_rows(const std::string& csv) {
  std::size_t lines = 0;
  for (char c : csv) lines += c == '\n';
  return lines == 0 ? 0 : lines - 1;  // minus the header
}

// The operations commands go through the same socket, table and audit.
inline std::vector<core::Event> events_of(const ControlSite& site, EventKind kind) {
  return journal::Journal(site.config().journal_path).query({.kinds = {kind}});
}

}  // namespace vigil::app::control_test
