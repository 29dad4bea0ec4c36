// Time zones from the system's TZif files (RFC 8536, versions 1 to 4). The
// core reasons in UTC and needs the site's offset rules as plain data; this
// turns /usr/share/zoneinfo/<name> into a core::TimeZone. Rules past the
// file's last explicit transition (slim TZif files stop early and leave the
// rest to the POSIX TZ footer) are expanded into transitions up to 2200.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "vigil/core/time.hpp"

namespace vigil::config {

class TimeZoneError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `name` is an IANA name such as "Europe/Berlin" or "UTC". Throws
// TimeZoneError when the name is malformed, the file is missing or it is not
// a valid TZif file.
core::TimeZone load_time_zone(const std::string& name,
                              const std::filesystem::path& zoneinfo_dir = "/usr/share/zoneinfo");

// Parses TZif bytes already in memory.
core::TimeZone parse_tzif(std::string_view bytes, const std::string& name);

}  // namespace vigil::config
