// `vigilctl status`: vigild's status file (daemon/app/status_file.hpp) as a
// table: each Modbus device's online state and error counters.
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vigil/ctl/commands.hpp"

namespace vigil::ctl {
namespace {

// vigild rewrites the file every second; older than this, it is not running.
constexpr auto kStale = std::chrono::seconds(5);

}  // namespace

int status_show(const std::string& journal_path, core::TimePoint now, std::ostream& out,
                std::ostream& err) {
  const std::string path = journal_path + ".status.json";
  std::ifstream in(path);
  if (!in) {
    err << "vigilctl: no status file " << path << " (vigild has not run with this journal)\n";
    return 1;
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
    const auto written = core::from_unix_micros(doc.at("written_us").get<std::int64_t>());
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - written);
    out << "status written " << doc.at("written").get<std::string>() << " (" << age.count()
        << " s ago)\n";
    out << std::left << std::setw(16) << "device" << std::setw(8) << "online" << std::right
        << std::setw(10) << "polls" << std::setw(10) << "timeouts" << std::setw(11) << "exceptions"
        << std::setw(8) << "crc" << std::setw(10) << "malformed" << std::setw(9) << "offline"
        << std::setw(8) << "streak" << std::setw(13) << "write_fails"
        << "\n";
    for (const auto& d : doc.at("modbus")) {
      out << std::left << std::setw(16) << d.at("device").get<std::string>() << std::setw(8)
          << (d.at("online").get<bool>() ? "yes" : "NO") << std::right << std::setw(10)
          << d.at("polls").get<std::uint64_t>() << std::setw(10)
          << d.at("timeouts").get<std::uint64_t>() << std::setw(11)
          << d.at("exceptions").get<std::uint64_t>() << std::setw(8)
          << d.at("crc_errors").get<std::uint64_t>() << std::setw(10)
          << d.at("bad_frames").get<std::uint64_t>() << std::setw(9)
          << d.at("offline_transitions").get<std::uint64_t>() << std::setw(8)
          << d.at("failure_streak").get<std::uint64_t>() << std::setw(13)
          << d.at("write_failures").get<std::uint64_t>() << "\n";
    }
    if (age > kStale) {
      err << "vigilctl: the status is " << age.count()
          << " s old: vigild is not running (or cannot write " << path << ")\n";
      return 1;
    }
  } catch (const std::exception& e) {
    err << "vigilctl: " << path << ": unreadable status: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vigil::ctl
