#include "vigil/app/status_file.hpp"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

namespace vigil::app {

std::string status_file_path(const std::string& journal_path) {
  return journal_path + ".status.json";
}

std::string status_json(const std::vector<SiteIo::ModbusDeviceHealth>& modbus,
                        core::TimePoint written) {
  nlohmann::ordered_json devices = nlohmann::ordered_json::array();
  for (const auto& d : modbus) {
    devices.push_back({{"device", d.device.str()},
                       {"online", d.online},
                       {"polls", d.polls},
                       {"errors", d.errors},
                       {"timeouts", d.timeouts},
                       {"exceptions", d.exceptions},
                       {"crc_errors", d.crc_errors},
                       {"bad_frames", d.bad_frames},
                       {"offline_transitions", d.offline_transitions},
                       {"failure_streak", d.failure_streak},
                       {"write_failures", d.write_failures}});
  }
  nlohmann::ordered_json doc{{"v", 1},
                             {"written", core::format_utc(written)},
                             {"written_us", core::to_unix_micros(written)},
                             {"modbus", devices}};
  return doc.dump() + "\n";
}

bool write_status_file(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << content;
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace vigil::app
