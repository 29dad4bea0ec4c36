// The virtual site behind vigil-sim: a Modbus server for every Modbus device
// of the site config, a sim GPIO chip for every sim_gpio device, a Wiegand
// reader on every Wiegand reader's lines, and door emulation (contact and REX
// inputs driven by name, lock outputs reported by name). It knows the site
// only through the config a daemon would load, never through daemon code.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "console.hpp"
#include "vigil/config/site_config.hpp"
#include "vigil/sim/modbus_io_server.hpp"
#include "vigil/sim/scenario_runner.hpp"
#include "vigil/sim/sim_chip_server.hpp"
#include "vigil/sim/sim_door_board.hpp"
#include "vigil/sim/wiegand_reader_sim.hpp"

namespace vigil::sim {

class SimSite final : public SiteActions {
 public:
  // Starts every server. Throws std::runtime_error naming the device that
  // could not start (port in use, socket served by another simulator).
  SimSite(config::SiteConfig config, Console& console, WiegandTiming timing = {});
  ~SimSite() override;  // stops the servers, removes socket files and pty links
  SimSite(const SimSite&) = delete;
  SimSite& operator=(const SimSite&) = delete;

  void swipe(const std::string& reader, core::CardNumber card, const std::string& format) override;
  // Types on a Wiegand reader's keypad: one burst per key ('0'-'9', '*',
  // '#'), 8 bits (code + complement) or 4 (the bare code), with a 100 ms
  // pause before each as a hand types. Keys are not echoed (PINs).
  void keys(const std::string& reader, const std::string& typed, bool four_bit) override;
  void set_contact(const std::string& door, bool open) override;
  void set_rex(const std::string& door, bool pressed) override;
  bool lock_energised(const std::string& door) const override;

  // Fault injection on a door board's line (sim_boards.cpp): cut, restore,
  // reboot, drop N, flip N, garbage N. Returns what was done.
  std::string board_fault(const std::string& board, const std::string& fault, std::size_t n);

  // One line per served device, for the start-up banner.
  std::vector<std::string> describe() const;
  // One line per door (contact, lock, REX), one per Modbus module's watchdog.
  std::vector<std::string> status() const;
  // Waits until a daemon is connected to every sim GPIO chip and has polled
  // every Modbus device; false on timeout or when `stop` becomes true.
  bool wait_for_daemon(std::chrono::milliseconds timeout, const std::atomic<bool>& stop);

 private:
  struct Reader {
    std::unique_ptr<WiegandReaderSim> sim;
    std::vector<std::string> formats;
  };

  const core::Door& door(const std::string& name) const;
  void set_input(const core::PointRef& point, bool value);
  bool output(const core::PointRef& point) const;
  void report_output(const core::PointRef& point, bool value);
  std::vector<std::string> waiting_for() const;
  void start_modbus(const config::ModbusDeviceConfig& device);
  void start_chip(const config::GpioChipConfig& chip);
  // Door boards (sim_boards.cpp).
  void start_board(const config::DoorBoardConfig& board);
  SimDoorBoard* board_of(const core::PointRef& point) const;
  bool swipe_at_board(const std::string& reader, core::CardNumber card, const std::string& format);
  std::string link_device(const std::string& path, const std::string& pty);

  config::SiteConfig config_;
  Console& console_;
  std::map<std::string, std::unique_ptr<ModbusIoServer>> modbus_;
  std::map<std::string, std::unique_ptr<SimChipServer>> chips_;
  std::map<std::string, std::unique_ptr<SimDoorBoard>> boards_;
  // Site reader -> (board, reader port, formats).
  struct BoardReader {
    std::string board;
    std::uint8_t port = 0;
    std::vector<std::string> formats;
  };
  std::map<std::string, BoardReader> board_readers_;
  std::map<std::string, Reader> readers_;  // declared last: stopped first
  std::vector<std::filesystem::path> pty_links_;
  std::vector<std::string> banner_;
};

}  // namespace vigil::sim
