// vigild's status file: `<journal path>.status.json`, rewritten (atomically,
// through a rename) every second while vigild runs, read by `vigilctl
// status`. It carries what is not an event: each Modbus device's health as
// its bus counts it (online, polls, timeouts, exceptions, CRC errors,
// malformed answers, offline transitions, the failure streak now). A file
// whose `written` time is old means vigild is not running.
//
//   {"v":1, "written":"2026-11-29T07:10:00.123456Z", "written_us":1795936200123456,
//    "modbus":[{"device":"io1","online":true,"polls":1200,"errors":0,"timeouts":0,
//               "exceptions":0,"crc_errors":0,"bad_frames":0,"offline_transitions":0,
//               "failure_streak":0,"write_failures":0}, ...]}
#pragma once

#include <string>
#include <vector>

#include "vigil/app/site_io.hpp"
#include "vigil/core/time.hpp"

namespace vigil::app {

std::string status_file_path(const std::string& journal_path);

std::string status_json(const std::vector<SiteIo::ModbusDeviceHealth>& modbus,
                        core::TimePoint written);

// Writes `content` to `path` through a temporary file and a rename, so a
// reader never sees half a file. False (and nothing replaced) on failure.
bool write_status_file(const std::string& path, const std::string& content);

}  // namespace vigil::app
