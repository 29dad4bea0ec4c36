// SiteIo's state for one EOL-supervised register (site_io_supervision.cpp);
// a header of its own because ~SiteIo needs the complete type.
#pragma once

#include <optional>
#include <string>

#include "vigil/app/site_io.hpp"

namespace vigil::app {

struct SiteIo::SupervisedLine {
  core::DeviceId device;
  std::string point;  // "io1/ai0"
  int register_index = 0;
  core::EolSupervisor supervisor;
  boost::asio::steady_timer timer;
  double last_value = 0;
  bool tampered = false;
  std::optional<bool> active;  // last level delivered as a PointChanged (not normal)
  // The alarm sensor that names this line (`point: { supervised: REG }`), if
  // any, and its alarm zone: its line_tamper/line_restored carry both.
  std::optional<std::string> sensor;
  std::optional<core::ZoneId> zone;

  SupervisedLine(boost::asio::io_context& io, const core::DeviceId& d,
                 const config::SupervisedInputConfig& c)
      : device(d),
        point(d.str() + "/" + c.register_name),
        register_index(c.register_index),
        supervisor(c.bands, c.dwell),
        timer(io) {}
};

}  // namespace vigil::app
