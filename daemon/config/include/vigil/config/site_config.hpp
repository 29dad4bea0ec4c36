// The validated site config: the core's Site model plus everything the shell
// needs to wire devices, the journal and the broker. Produced by
// load_site_config() (parse -> validate -> build, never interleaved).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "vigil/core/incident.hpp"
#include "vigil/core/site.hpp"
#include "vigil/wiegand/format.hpp"

namespace vigil::config {

struct BrokerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  std::string client_id;  // default: "vigild-<site>-<gateway>"
  std::chrono::seconds keepalive{10};
  std::string topic_root = "vigil";  // topics are <root>/<site>/<gateway>/...
};

struct ModbusDeviceConfig {
  core::DeviceId id;
  std::string transport = "tcp";   // "tcp" | "rtu"
  std::string host = "127.0.0.1";  // tcp
  std::uint16_t port = 502;        // tcp
  std::string serial_device;       // rtu, e.g. /dev/ttyUSB0
  int baud = 19200;                // rtu
  int unit_id = 1;
  std::chrono::milliseconds poll_period{50};
  std::chrono::milliseconds timeout{500};
  int coil_count = 8;
  int input_count = 8;
};

struct GpioChipConfig {
  core::DeviceId id;
  std::string backend = "sim";  // "sim" (Unix socket to vigil-sim) | "gpiod" (kernel chip)
  std::string path;             // socket path for sim, /dev/gpiochipN or chip name for gpiod
};

struct WiegandReaderConfig {
  core::ReaderId reader;  // also present in Site::readers
  core::DeviceId chip;
  std::uint32_t d0_line = 0;
  std::uint32_t d1_line = 0;
  std::vector<std::string> formats;  // names; empty = all built-in and custom formats
  std::chrono::microseconds frame_close{25000};
};

struct SiteConfig {
  std::string source_path;
  core::Site site;
  std::string journal_path;
  BrokerConfig broker;
  std::vector<ModbusDeviceConfig> modbus_devices;
  std::vector<GpioChipConfig> gpio_chips;
  std::vector<WiegandReaderConfig> wiegand_readers;
  std::vector<wiegand::FormatSpec> custom_formats;
  core::IncidentRulesConfig incident_rules;
};

}  // namespace vigil::config
