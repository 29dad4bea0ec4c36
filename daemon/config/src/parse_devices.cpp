// Parse: devices (Modbus I/O modules, GPIO chips) and custom Wiegand formats.
#include <charconv>

#include "draft.hpp"

namespace vigil::config {
namespace {

const std::vector<std::string> kModbusTcpKeys{
    "id",    "type",   "host",      "port",     "unit",          "poll",   "timeout",
    "coils", "inputs", "read_back", "watchdog", "offline_after", "module", "supervised_inputs"};
const std::vector<std::string> kModbusRtuKeys{
    "id",    "type",   "serial",    "baud",     "unit",          "poll",   "timeout",
    "coils", "inputs", "read_back", "watchdog", "offline_after", "module", "supervised_inputs"};
const std::vector<std::string> kSimGpioKeys{"id", "type", "socket", "lines"};
const std::vector<std::string> kGpiodKeys{"id", "type", "chip", "lines"};
const std::vector<std::string> kDoorBoardKeys{"id",      "type",   "serial", "baud",
                                              "readers", "inputs", "relays"};
const std::vector<std::string> kAllDeviceKeys{"id",
                                              "type",
                                              "host",
                                              "port",
                                              "serial",
                                              "baud",
                                              "unit",
                                              "poll",
                                              "timeout",
                                              "coils",
                                              "inputs",
                                              "socket",
                                              "chip",
                                              "lines",
                                              "read_back",
                                              "watchdog",
                                              "offline_after",
                                              "module",
                                              "supervised_inputs",
                                              "readers",
                                              "relays"};

// A required text key that must not be blank: the drivers refuse an empty
// host, serial device or chip at start.
std::optional<Located<std::string>> non_empty(const MapReader& m, std::string_view key,
                                              Diagnostics& diag) {
  auto v = m.string(key, Need::required);
  if (v && v->value.find_first_not_of(" \t") == std::string::npos) {
    diag.error(v->pos, "'" + std::string(key) + "': must not be empty");
    return std::nullopt;
  }
  return v;
}

// `module: TYPE`: coils, inputs and registers come from the type's map, so
// the device may not count them itself.
const ModuleType* apply_module_type(const MapReader& m, Draft& draft, DraftDevice& device,
                                    Diagnostics& diag) {
  auto name = m.string("module", Need::optional);
  if (!name) return nullptr;
  const ModuleType* type = find_module_type(draft, *name, diag);
  if (type == nullptr) return nullptr;
  ModbusDeviceConfig& out = device.modbus;
  out.module_type = type->name;
  out.coil_address = type->coil_address;
  out.coil_count = type->coil_count;
  out.input_address = type->input_address;
  out.input_count = type->input_count;
  out.registers = type->registers;
  for (const char* key : {"coils", "inputs"}) {
    if (!m.has(key)) continue;
    const int n = std::string_view(key) == "coils" ? type->coil_count : type->input_count;
    diag.error(m.key_pos(key), "'" + std::string(key) + "': device '" + device.id.value + "' has " +
                                   std::to_string(n) + " " + key + " from its module type '" +
                                   type->name + "'; remove '" + key + "'");
  }
  return type;
}

void parse_modbus(const MapReader& m, Draft& draft, DraftDevice& device, Diagnostics& diag) {
  ModbusDeviceConfig& out = device.modbus;
  out.id = core::DeviceId(device.id.value);
  const ModuleType* type = apply_module_type(m, draft, device, diag);
  if (device.type == DeviceType::modbus_tcp) {
    out.transport = "tcp";
    if (auto v = non_empty(m, "host", diag)) out.host = v->value;
    if (auto v = m.integer("port", Need::optional, 1, 65535)) {
      out.port = static_cast<std::uint16_t>(v->value);
    }
  } else {
    out.transport = "rtu";
    if (auto v = non_empty(m, "serial", diag)) out.serial_device = v->value;
    if (auto v = m.integer("baud", Need::optional, 300, 4'000'000)) {
      out.baud = static_cast<int>(v->value);
      device.baud_pos = v->pos;
    }
  }
  // 0 is broadcast (no module ever answers it) and 248..255 are reserved on
  // serial lines; Modbus TCP gateways commonly answer on 255. The driver
  // refuses the same ranges at start.
  const bool rtu = device.type == DeviceType::modbus_rtu;
  if (auto v = m.integer("unit", Need::optional, 1, rtu ? 247 : 255)) {
    out.unit_id = static_cast<int>(v->value);
    device.unit_pos = v->pos;
  }
  for (const char* key : {"poll", "timeout"}) {
    auto v = m.duration(key, Need::optional);
    if (!v) continue;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(v->value);
    if (ms.count() <= 0 || ms != v->value) {
      diag.error(v->pos, "'" + std::string(key) + "': must be whole milliseconds, at least 1ms");
      continue;
    }
    (std::string_view(key) == "poll" ? out.poll_period : out.timeout) = ms;
  }
  // One Modbus read returns at most 2000 coils or discrete inputs.
  if (auto v = m.integer("coils", Need::optional, 0, 2000); v && !type) {
    out.coil_count = static_cast<int>(v->value);
  }
  if (auto v = m.integer("inputs", Need::optional, 0, 2000); v && !type) {
    out.input_count = static_cast<int>(v->value);
  }
  if (auto v = m.boolean("read_back", Need::optional)) out.read_back = v->value;
  // Failed reads in a row before the device counts as offline: one lost frame
  // on a noisy line is not an outage, a hundred are.
  if (auto v = m.integer("offline_after", Need::optional, 1, 100)) {
    out.offline_after = static_cast<int>(v->value);
  }
  parse_modbus_watchdog(m, device, diag);
  parse_supervised_inputs(m, device, diag);
  // The type knows where its module keeps the watchdog; the device's own
  // keys, when written, still win.
  if (type && out.watchdog) {
    const YAML::Node w = m.get("watchdog");
    if (type->watchdog_timeout_register && !w["timeout_register"]) {
      out.watchdog->timeout_register = *type->watchdog_timeout_register;
    }
    if (type->watchdog_safe_register && !w["safe_register"]) {
      out.watchdog->safe_register = *type->watchdog_safe_register;
    }
  }
}

void parse_device(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader m(node, "device", kAllDeviceKeys, diag);
  if (!m.ok()) return;
  DraftDevice device;
  device.pos = m.pos();
  if (auto v = m.id("id", Need::required)) device.id = *v;
  if (auto v = m.string("type", Need::required)) {
    const std::string& t = v->value;
    if (t == "modbus_tcp") {
      device.type = DeviceType::modbus_tcp;
    } else if (t == "modbus_rtu") {
      device.type = DeviceType::modbus_rtu;
    } else if (t == "sim_gpio") {
      device.type = DeviceType::sim_gpio;
    } else if (t == "gpiod") {
      device.type = DeviceType::gpiod;
    } else if (t == "door_board") {
      device.type = DeviceType::door_board;
    } else {
      diag.error(v->pos, "'type': unknown device type '" + t +
                             "' (expected modbus_tcp, modbus_rtu, sim_gpio, gpiod or door_board)");
    }
  }
  switch (device.type) {
    case DeviceType::modbus_tcp:
      m.reject_except(kModbusTcpKeys, "a modbus_tcp device");
      parse_modbus(m, draft, device, diag);
      break;
    case DeviceType::modbus_rtu:
      m.reject_except(kModbusRtuKeys, "a modbus_rtu device");
      parse_modbus(m, draft, device, diag);
      break;
    case DeviceType::sim_gpio:
      m.reject_except(kSimGpioKeys, "a sim_gpio device");
      device.gpio.id = core::DeviceId(device.id.value);
      device.gpio.backend = "sim";
      if (auto v = m.string("socket", Need::required)) {
        device.gpio.path = v->value;
        device.path_pos = v->pos;
      }
      parse_gpio_lines(m, device, diag);
      break;
    case DeviceType::gpiod:
      m.reject_except(kGpiodKeys, "a gpiod device");
      device.gpio.id = core::DeviceId(device.id.value);
      device.gpio.backend = "gpiod";
      if (auto v = non_empty(m, "chip", diag)) {
        device.gpio.path = v->value;
        device.path_pos = v->pos;
      }
      parse_gpio_lines(m, device, diag);
      break;
    case DeviceType::door_board:
      m.reject_except(kDoorBoardKeys, "a door_board device");
      parse_door_board(m, device, diag);
      break;
    case DeviceType::unknown:
      break;
  }
  draft.devices.push_back(std::move(device));
}

// "1-12" or "2-3,5-6,8-9" or "7": bit positions a parity check covers.
std::optional<std::vector<int>> parse_bit_list(std::string_view text) {
  std::vector<int> bits;
  auto number = [](std::string_view s, int& out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc{} && end == s.data() + s.size() && out >= 0 && out < 1000;
  };
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    const std::size_t dash = item.find('-');
    int first = 0;
    int last = 0;
    if (!number(item.substr(0, dash), first)) return std::nullopt;
    last = first;
    if (dash != std::string_view::npos && !number(item.substr(dash + 1), last)) return std::nullopt;
    if (last < first) return std::nullopt;
    for (int b = first; b <= last; ++b) bits.push_back(b);
    if (comma != std::string_view::npos && text.empty()) return std::nullopt;
  }
  if (bits.empty()) return std::nullopt;
  return bits;
}

void parse_field(const MapReader& m, std::string_view key, wiegand::BitField& out, Need need,
                 Diagnostics& diag) {
  const YAML::Node node = m.get(key, need);
  if (!node.IsDefined()) return;
  MapReader field(node, std::string(key), {"first", "length"}, diag);
  if (!field.ok()) return;
  if (auto v = field.integer("first", Need::required, 0, wiegand::kMaxFrameBits - 1)) {
    out.first = static_cast<int>(v->value);
  }
  if (auto v = field.integer("length", Need::required, 1, wiegand::kMaxFrameBits)) {
    out.length = static_cast<int>(v->value);
  }
}

void parse_parity(const YAML::Node& node, wiegand::FormatSpec& spec, Diagnostics& diag) {
  MapReader m(node, "parity check", {"bit", "kind", "over"}, diag);
  if (!m.ok()) return;
  wiegand::ParityCheck check;
  if (auto v = m.integer("bit", Need::required, 0, wiegand::kMaxFrameBits - 1)) {
    check.bit = static_cast<int>(v->value);
  }
  if (auto v = m.string("kind", Need::required)) {
    if (v->value == "even" || v->value == "odd") {
      check.kind =
          v->value == "even" ? wiegand::ParityCheck::Kind::even : wiegand::ParityCheck::Kind::odd;
    } else {
      diag.error(v->pos, "'kind': expected even or odd, got '" + v->value + "'");
    }
  }
  if (auto v = m.string("over", Need::required)) {
    if (auto bits = parse_bit_list(v->value)) {
      check.covered = std::move(*bits);
    } else {
      diag.error(v->pos, "'over': expected bit positions such as \"1-12\" or \"2-3,5-6\", got '" +
                             v->value + "'");
    }
  }
  spec.parity.push_back(std::move(check));
}

void parse_format(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  const std::size_t errors_before = diag.count();
  MapReader m(node, "wiegand format", {"name", "bits", "facility", "number", "parity"}, diag);
  if (!m.ok()) return;
  DraftFormat format;
  format.pos = m.pos();
  if (auto v = m.id("name", Need::required)) format.name = *v;
  format.spec.name = format.name.value;
  if (auto v = m.integer("bits", Need::required, 1, wiegand::kMaxFrameBits)) {
    format.spec.bit_count = static_cast<int>(v->value);
  }
  parse_field(m, "facility", format.spec.facility, Need::optional, diag);
  parse_field(m, "number", format.spec.number, Need::required, diag);
  const YAML::Node parity = m.get("parity");
  if (parity.IsDefined() && expect_list(parity, "parity", diag)) {
    for (const auto& item : parity) parse_parity(item, format.spec, diag);
  }
  format.parsed_cleanly = diag.count() == errors_before;
  draft.formats.push_back(std::move(format));
}

}  // namespace

void parse_devices(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  if (!expect_list(node, "devices", diag)) return;
  for (const auto& item : node) parse_device(item, draft, diag);
}

void parse_wiegand_formats(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  if (!expect_list(node, "wiegand_formats", diag)) return;
  for (const auto& item : node) parse_format(item, draft, diag);
}

}  // namespace vigil::config
