// SiteIo: the hardware side of vigild. Owns one driver per configured device
// (Modbus I/O modules, GPIO chips) and one Wiegand decoder per reader, turns
// their callbacks into core Inputs on the daemon's io_context, and applies the
// core's SetOutput commands to the right driver.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "vigil/app/asio.hpp"
#include "vigil/config/site_config.hpp"
#include "vigil/core/eol.hpp"
#include "vigil/core/event.hpp"
#include "vigil/core/input.hpp"

namespace vigil::gpio {
class GpioChip;
struct EdgeEvent;
struct LevelReport;
}  // namespace vigil::gpio
namespace vigil::modbus {
class ModbusBus;
struct ModbusIoCallbacks;
struct ModbusIoCounters;
}  // namespace vigil::modbus
namespace vigil::fwb {
class BoardDriver;
}
namespace vigil::core {
class PeopleDirectory;
}
namespace vigil::wiegand {
class WiegandDecoder;
}

namespace vigil::app {

class SiteIo {
 public:
  using InputHandler = std::function<void(const core::Input&)>;

  // Events the shell itself observes and the core has no input for yet
  // (supervised lines: line_tamper, line_restored); to be journalled.
  using EventHandler = std::function<void(core::Event)>;

  // on_input and on_event are always called on io's thread.
  SiteIo(boost::asio::io_context& io, const config::SiteConfig& config, InputHandler on_input,
         EventHandler on_event = {});
  ~SiteIo();
  SiteIo(const SiteIo&) = delete;
  SiteIo& operator=(const SiteIo&) = delete;

  void start();
  void stop();
  // Drives an output point. The driver's answer comes back later as a
  // core::OutputResult input with the output's write_id (confirmed, or
  // failed with the reason): Modbus once the module acknowledged (and read
  // back) the coil, GPIO once the chip took the value, a door board once its
  // link acknowledged the command. Unknown devices are reported as failed
  // writes. A write superseded (a newer write of the same point) before it
  // was confirmed may go unanswered: Modbus and GPIO drop it, a door board
  // answers every command in order.
  void apply(const core::SetOutput& output);
  // Door boards keep a credential cache for offline decisions, built from
  // these people (set before start(); the object must outlive SiteIo).
  void set_people(const core::PeopleDirectory& people) { people_ = &people; }
  // The roster changed: door boards get a new credential cache.
  void roster_changed();
  // A config reload changed the rules (access levels, holidays, door modes):
  // door boards get a cache built on `site` (alive as long as SiteIo).
  void rules_changed(const core::Site& site);
  // The journal committed `event`: a door board's offline decision is
  // acknowledged to the board only now (it resends it until then).
  void journal_committed(const core::Event& event);
  // The core decided at a reader: a door board's reader shows it (a short
  // green for a grant, red and a beep for a denial). Other readers: nothing.
  void reader_feedback(const core::Event& event);

  // One Modbus device's health as its bus counts it, for the status report.
  struct ModbusDeviceHealth {
    core::DeviceId device;
    bool online = false;
    std::uint64_t polls = 0;
    std::uint64_t errors = 0;
    std::uint64_t timeouts = 0;
    std::uint64_t exceptions = 0;
    std::uint64_t crc_errors = 0;
    std::uint64_t bad_frames = 0;
    std::uint64_t offline_transitions = 0;
    std::uint64_t failure_streak = 0;
    std::uint64_t write_failures = 0;
  };
  // Every configured Modbus device, in config order; any thread.
  std::vector<ModbusDeviceHealth> modbus_health() const;

 private:
  struct ReaderLink;
  struct ChipLink;
  struct SupervisedLine;

  // site_io_supervision.cpp: EOL-supervised registers of the Modbus modules.
  void add_supervision(const config::ModbusDeviceConfig& device,
                       modbus::ModbusIoCallbacks& callbacks);
  void on_supervised_value(const core::DeviceId& device, int index, double value, bool initial,
                           core::TimePoint time, core::MonoTime mono);
  void on_supervised_device_offline(const core::DeviceId& device);
  void report_line(SupervisedLine& line, core::LineState state, bool initial, core::TimePoint time);
  void arm_dwell(SupervisedLine& line);
  void stop_supervision();
  void deliver(const core::Input& input);
  void on_edge(ChipLink& chip, const gpio::EdgeEvent& edge);
  void on_level(ChipLink& chip, const gpio::LevelReport& level, core::TimePoint wall);
  void write_gpio(ChipLink& chip, const core::SetOutput& output);
  void flush_pending_writes(ChipLink& chip);
  // The driver's answer to `output`, with its write id.
  void report_output(const core::SetOutput& output, bool ok, const std::string& error);
  void arm_frame_timer(ReaderLink& reader);
  void on_frame_timer(ReaderLink& reader);
  // Door boards (site_io_boards.cpp).
  void start_boards();
  void stop_boards();
  bool apply_board(const core::SetOutput& output);
  void restore_offline_cursor(const core::DeviceId& id, fwb::BoardDriver& driver);

  boost::asio::io_context& io_;
  const config::SiteConfig& config_;
  InputHandler on_input_;
  EventHandler on_event_;
  std::vector<std::unique_ptr<SupervisedLine>> supervised_;
  std::vector<std::unique_ptr<modbus::ModbusBus>> modbus_buses_;
  std::map<core::DeviceId, modbus::ModbusBus*> modbus_;  // device -> the bus serving it
  std::vector<std::unique_ptr<ChipLink>> chips_;
  std::vector<std::unique_ptr<ReaderLink>> readers_;
  std::map<core::DeviceId, std::unique_ptr<fwb::BoardDriver>> boards_;
  const core::PeopleDirectory* people_ = nullptr;
  const core::Site* rules_ =
      nullptr;  // the rules boards' caches follow; config_.site until a reload
  bool started_ = false;
};

}  // namespace vigil::app
