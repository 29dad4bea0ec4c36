#include "sim_site.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "vigil/wiegand/frame.hpp"

namespace vigil::sim {
namespace {

std::string names_of(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

// A kernel chip has 32..64 lines per bank; give the sim at least that, and
// enough for every line the site config names.
std::uint32_t lines_needed(const config::SiteConfig& config, const core::DeviceId& chip) {
  std::uint32_t needed = 64;
  auto consider = [&](const core::PointRef& p) {
    if (p.device == chip && p.kind == core::PointKind::gpio_line)
      needed = std::max(needed, p.index + 1);
  };
  for (const auto& d : config.site.doors) {
    consider(d.lock);
    consider(d.contact);
    if (d.rex) consider(*d.rex);
  }
  for (const auto& w : config.wiegand_readers) {
    if (w.chip == chip) needed = std::max({needed, w.d0_line + 1, w.d1_line + 1});
  }
  return needed;
}

}  // namespace

SimSite::SimSite(config::SiteConfig config, Console& console, WiegandTiming timing)
    : config_(std::move(config)), console_(console) {
  for (const auto& device : config_.modbus_devices) start_modbus(device);
  for (const auto& chip : config_.gpio_chips) start_chip(chip);
  for (const auto& board : config_.door_boards) start_board(board);
  for (const auto& w : config_.wiegand_readers) {
    auto chip = chips_.find(w.chip.str());
    if (chip == chips_.end()) {
      banner_.push_back("reader " + w.reader.str() + ": on chip " + w.chip.str() +
                        ", which is not simulated; no swipes there");
      continue;
    }
    readers_[w.reader.str()] = Reader{
        std::make_unique<WiegandReaderSim>(*chip->second, w.d0_line, w.d1_line, timing), w.formats};
    banner_.push_back("reader " + w.reader.str() + ": Wiegand on " + w.chip.str() + " lines " +
                      std::to_string(w.d0_line) + "/" + std::to_string(w.d1_line));
  }
}

SimSite::~SimSite() {
  std::error_code ec;
  for (const auto& link : pty_links_) std::filesystem::remove(link, ec);
}

void SimSite::start_modbus(const config::ModbusDeviceConfig& device) {
  const std::string id = device.id.str();
  ModbusIoServerOptions options;
  options.unit_id = device.unit_id;
  options.coil_count = device.coil_count;
  options.input_count = device.input_count;
  std::unique_ptr<ModbusIoServer> server;
  try {
    if (device.transport == "tcp") {
      options.transport = ModbusSimTransport::tcp;
      options.port = device.port;
      server = std::make_unique<ModbusIoServer>(options);
      std::string line = id + ": Modbus TCP on 127.0.0.1:" + std::to_string(server->port());
      if (device.host != "127.0.0.1" && device.host != "localhost") {
        line += " (the config says " + device.host + "; vigil-sim serves loopback only)";
      }
      banner_.push_back(line);
    } else {
      options.transport = ModbusSimTransport::rtu;
      server = std::make_unique<ModbusIoServer>(options);
      // The daemon opens the configured serial device: point it at our pty,
      // unless a real device lives there.
      const std::filesystem::path link = device.serial_device;
      std::error_code ec;
      const bool replaceable = !std::filesystem::exists(std::filesystem::symlink_status(link)) ||
                               std::filesystem::is_symlink(std::filesystem::symlink_status(link));
      std::string line = id + ": Modbus RTU on pty " + server->device_path();
      if (replaceable) {
        std::filesystem::create_directories(link.parent_path(), ec);
        std::filesystem::remove(link, ec);
        std::filesystem::create_symlink(server->device_path(), link, ec);
        if (!ec) {
          pty_links_.push_back(link);
          line += " (linked from " + link.string() + ")";
        }
      } else {
        line += " (" + link.string() + " exists and is not a link: point the config at the pty)";
      }
      banner_.push_back(line);
    }
  } catch (const std::exception& e) {
    throw std::runtime_error("device " + id + ": cannot start the Modbus simulator: " + e.what());
  }
  server->on_coil_change([this, id](int index, bool value) {
    report_output(core::PointRef{core::DeviceId(id), core::PointKind::coil,
                                 static_cast<std::uint32_t>(index)},
                  value);
  });
  modbus_[id] = std::move(server);
}

void SimSite::start_chip(const config::GpioChipConfig& chip) {
  const std::string id = chip.id.str();
  if (chip.backend != "sim") {
    banner_.push_back(id + ": kernel GPIO chip " + chip.path + " (not simulated)");
    return;
  }
  try {
    auto server = std::make_unique<SimChipServer>(chip.path, lines_needed(config_, chip.id));
    server->on_output_change([this, id](std::uint32_t line, bool value) {
      report_output(core::PointRef{core::DeviceId(id), core::PointKind::gpio_line, line}, value);
    });
    banner_.push_back(id + ": sim GPIO chip on " + chip.path);
    chips_[id] = std::move(server);
  } catch (const std::exception& e) {
    throw std::runtime_error("device " + id + ": " + e.what());
  }
}

void SimSite::report_output(const core::PointRef& point, bool value) {
  bool named = false;
  for (const auto& d : config_.site.doors) {
    if (d.lock != point) continue;
    console_.print(d.id.str() + " lock: " + (value ? "UNLOCKED" : "LOCKED") + "  (" +
                   core::to_string(point) + ")");
    named = true;
  }
  if (!named) console_.print(core::to_string(point) + ": " + (value ? "ON" : "OFF"));
}

const core::Door& SimSite::door(const std::string& name) const {
  if (const auto* d = config_.site.find_door(core::DoorId(name))) return *d;
  std::vector<std::string> names;
  for (const auto& d : config_.site.doors) names.push_back(d.id.str());
  throw std::runtime_error("unknown door '" + name + "' (doors: " + names_of(names) + ")");
}

void SimSite::set_input(const core::PointRef& point, bool value) {
  const std::string& device = point.device.str();
  if (point.kind == core::PointKind::discrete_input) {
    if (auto it = modbus_.find(device); it != modbus_.end()) {
      return it->second->set_input(static_cast<int>(point.index), value);
    }
  } else if (point.kind == core::PointKind::gpio_line) {
    if (auto it = chips_.find(device); it != chips_.end()) {
      it->second->set_input(point.index, value);
      return;
    }
  }
  if (SimDoorBoard* b = board_of(point); b && point.kind == core::PointKind::discrete_input) {
    return b->set_input(static_cast<std::uint8_t>(point.index), value);
  }
  throw std::runtime_error(core::to_string(point) + " is not an input vigil-sim simulates");
}

bool SimSite::output(const core::PointRef& point) const {
  const std::string& device = point.device.str();
  if (point.kind == core::PointKind::coil) {
    if (auto it = modbus_.find(device); it != modbus_.end()) {
      return it->second->coil(static_cast<int>(point.index));
    }
  } else if (point.kind == core::PointKind::gpio_line) {
    if (auto it = chips_.find(device); it != chips_.end()) return it->second->level(point.index);
  }
  if (SimDoorBoard* b = board_of(point); b && point.kind == core::PointKind::coil) {
    return b->relay(static_cast<std::uint8_t>(point.index));
  }
  throw std::runtime_error(core::to_string(point) + " is not an output vigil-sim simulates");
}

void SimSite::swipe(const std::string& reader, core::CardNumber card, const std::string& format) {
  if (swipe_at_board(reader, card, format)) return;
  auto it = readers_.find(reader);
  if (it == readers_.end()) {
    std::vector<std::string> names;
    for (const auto& [name, r] : readers_) names.push_back(name);
    throw std::runtime_error("unknown reader '" + reader +
                             "' (Wiegand readers: " + names_of(names) + ")");
  }
  std::string name = format;
  if (name.empty()) name = it->second.formats.empty() ? "H10301" : it->second.formats.front();
  const auto spec = wiegand::find_format(name, config_.custom_formats);
  if (!spec) throw std::runtime_error("unknown Wiegand format '" + name + "'");
  const auto bits = wiegand::encode(*spec, card);
  if (bits.empty()) {
    throw std::runtime_error("card " + core::to_string(card) + " does not fit format " + name);
  }
  console_.print(reader + ": card " + core::to_string(card) + " (" + name + ", " +
                 std::to_string(bits.size()) + " bits)");
  it->second.sim->send(bits);
}

void SimSite::keys(const std::string& reader, const std::string& typed, bool four_bit) {
  auto it = readers_.find(reader);
  if (it == readers_.end()) throw std::runtime_error("unknown Wiegand reader '" + reader + "'");
  console_.print(reader + ": " + std::to_string(typed.size()) + " keys (" + (four_bit ? "4" : "8") +
                 "-bit bursts)");
  for (char c : typed) {
    const unsigned code = c == '*' ? 10u : c == '#' ? 11u : static_cast<unsigned>(c - '0');
    const auto key = core::keypad_key_from_code(code);
    if (!key) throw std::runtime_error(std::string("not a keypad key: '") + c + "'");
    // A pause before each key: each burst is its own frame, apart from a
    // card swiped just before.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    it->second.sim->send(wiegand::encode_key(
        *key, four_bit ? wiegand::KeyBurst::four_bit : wiegand::KeyBurst::eight_bit));
  }
}

void SimSite::set_contact(const std::string& name, bool open) {
  const auto& d = door(name);
  set_input(d.contact, open);
  console_.print(name + " contact: " + (open ? "OPEN" : "CLOSED"));
}

void SimSite::set_rex(const std::string& name, bool pressed) {
  const auto& d = door(name);
  if (!d.rex) throw std::runtime_error("door '" + name + "' has no REX input");
  set_input(*d.rex, pressed);
  console_.print(name + " rex: " + (pressed ? "PRESSED" : "released"));
}

bool SimSite::lock_energised(const std::string& name) const {
  return output(door(name).lock);
}

std::vector<std::string> SimSite::describe() const {
  return banner_;
}

std::vector<std::string> SimSite::status() const {
  std::vector<std::string> out;
  for (const auto& d : config_.site.doors) {
    std::string line = d.id.str() + ": ";
    try {
      line += std::string("lock ") + (output(d.lock) ? "UNLOCKED" : "LOCKED");
    } catch (const std::exception&) {
      line += "lock not simulated";
    }
    const auto& device = d.contact.device.str();
    if (auto m = modbus_.find(device);
        m != modbus_.end() && d.contact.kind == core::PointKind::discrete_input) {
      line += std::string(", contact ") +
              (m->second->input(static_cast<int>(d.contact.index)) ? "OPEN" : "closed");
    } else if (auto c = chips_.find(device); c != chips_.end()) {
      line += std::string(", contact ") + (c->second->level(d.contact.index) ? "OPEN" : "closed");
    }
    out.push_back(line);
  }
  // The modules' own watchdogs: what they do if vigild dies.
  for (const auto& [id, server] : modbus_) {
    const auto w = server->watchdog();
    std::string line = id + ": watchdog ";
    if (w.timeout.count() == 0) {
      line += "disarmed";
    } else {
      line += std::to_string(w.timeout.count()) + " ms, " +
              (w.tripped ? "TRIPPED (coils at their safe values)" : "armed");
    }
    out.push_back(line + ", " + std::to_string(w.trips) + " trip(s)");
  }
  const auto missing = waiting_for();
  out.push_back(missing.empty() ? "daemon: attached"
                                : "daemon: not yet seen on " + names_of(missing));
  return out;
}

std::vector<std::string> SimSite::waiting_for() const {
  std::vector<std::string> missing;
  for (const auto& [id, chip] : chips_) {
    if (!chip->client_connected()) missing.push_back(id);
  }
  for (const auto& [id, server] : modbus_) {
    if (server->requests_answered() == 0) missing.push_back(id);
  }
  for (const auto& [id, board] : boards_) {
    if (!board->link_up()) missing.push_back(id);
  }
  return missing;
}

bool SimSite::wait_for_daemon(std::chrono::milliseconds timeout, const std::atomic<bool>& stop) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool announced = false;
  for (;;) {
    const auto missing = waiting_for();
    if (missing.empty()) return true;
    if (!announced) {
      console_.print("waiting for vigild to attach to " + names_of(missing));
      announced = true;
    }
    if (stop || std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace vigil::sim
