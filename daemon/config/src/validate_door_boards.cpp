// Validate: door boards (a baud rate the serial port can be set to) and the
// readers wired to their reader ports (the board exists, the port is within
// its reader count, no two readers share a port, their formats exist).
#include <algorithm>
#include <array>
#include <map>

#include "draft.hpp"
#include "suggest.hpp"

namespace vigil::config {
namespace {

// The rates Linux termios (and so boost::asio::serial_port) can set.
constexpr std::array<std::int64_t, 21> kBaudRates{
    1200,   2400,   4800,    9600,    19200,   38400,   57600,   115200,  230400,  460800, 500000,
    576000, 921600, 1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000};

std::vector<std::string> format_names(const Draft& draft) {
  std::vector<std::string> names;
  for (const auto& spec : wiegand::builtin_formats()) names.push_back(spec.name);
  for (const auto& f : draft.formats) names.push_back(f.name.value);
  return names;
}

}  // namespace

void validate_door_boards(const Draft& draft, Diagnostics& diag) {
  std::map<std::string, const DraftDevice*> boards;
  std::vector<std::string> device_names;
  for (const auto& d : draft.devices) {
    if (d.id.value.empty()) continue;
    device_names.push_back(d.id.value);
    if (d.type != DeviceType::door_board) continue;
    boards.emplace(d.id.value, &d);
    if (std::find(kBaudRates.begin(), kBaudRates.end(), d.board.baud) == kBaudRates.end()) {
      diag.error(d.pos, "device '" + d.id.value + "': 'baud': " + std::to_string(d.board.baud) +
                            " is not a rate a serial port can be set to (e.g. 115200)");
    }
  }
  const std::vector<std::string> formats = format_names(draft);
  std::map<std::pair<std::string, std::int64_t>, const DraftReader*> ports;
  for (const auto& reader : draft.readers) {
    if (!reader.board) continue;
    const DraftBoardReader& b = *reader.board;
    for (const auto& f : b.formats) {
      if (std::find(formats.begin(), formats.end(), f.value) == formats.end()) {
        diag.error(f.pos, "'formats': unknown wiegand format '" + f.value + "'" +
                              did_you_mean(f.value, formats));
      }
    }
    if (b.device.value.empty() || !b.port) continue;
    auto it = boards.find(b.device.value);
    if (it == boards.end()) {
      const bool exists =
          std::find(device_names.begin(), device_names.end(), b.device.value) != device_names.end();
      diag.error(b.device.pos, exists ? "'device': device '" + b.device.value +
                                            "' is not a door board (type door_board)"
                                      : "'device': unknown device '" + b.device.value + "'" +
                                            did_you_mean(b.device.value, device_names));
      continue;
    }
    const int count = it->second->board.reader_count;
    if (b.port->value >= count) {
      diag.error(b.port->pos, "'reader': door board '" + b.device.value + "' has " +
                                  std::to_string(count) + " readers" +
                                  (count > 0 ? " (0-" + std::to_string(count - 1) + ")" : "") +
                                  ", got " + std::to_string(b.port->value));
      continue;
    }
    auto [used, inserted] = ports.emplace(std::pair{b.device.value, b.port->value}, &reader);
    if (!inserted) {
      diag.error(b.port->pos, "'reader': reader " + std::to_string(b.port->value) +
                                  " of door board '" + b.device.value +
                                  "' is already used by reader '" + used->second->id.value +
                                  "' (line " + std::to_string(used->second->pos.line) + ")");
    }
  }
}

}  // namespace vigil::config
