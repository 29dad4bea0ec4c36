// Validate: what each device's driver would refuse at start (so `vigild
// --check` refuses it first, with a position), and the door timing rules.
#include <sys/un.h>

#include <map>

#include "draft.hpp"
#include "vigil/config/duration.hpp"
#include "vigil/config/modbus_options.hpp"

namespace vigil::config {
namespace {

// IEC 60839-11-1: an input held for 400 ms always registers, so no debounce
// filter may reach that long.
constexpr core::Duration kMaxDebounce = std::chrono::milliseconds(400);

void validate_modbus(const DraftDevice& d, Diagnostics& diag) {
  const ModbusDeviceConfig& m = d.modbus;
  // The driver's check below repeats rules the parser already reported with
  // a sharper position; it only runs on an otherwise clean config.
  const bool clean_so_far = diag.count() == 0;
  if (m.coil_count == 0 && m.input_count == 0 && m.registers.empty()) {
    diag.error(d.pos, "device '" + d.id.value +
                          "': a Modbus module needs coils or inputs (both 'coils' and 'inputs' "
                          "are 0)");
  }
  if (m.watchdog && !m.watchdog->safe_coils.empty() &&
      static_cast<int>(m.watchdog->safe_coils.size()) != m.coil_count) {
    diag.error(d.safe_coils_pos, "'safe_coils': device '" + d.id.value + "' has " +
                                     std::to_string(m.coil_count) + " coils, got " +
                                     std::to_string(m.watchdog->safe_coils.size()) +
                                     " safe states (give one per coil, or none for all off)");
  }
  // Then the driver's own check, for every rule not spelled out above (a
  // watchdog shorter than one poll plus one timeout, say): whatever the
  // driver would refuse at start, the check refuses first.
  if (!clean_so_far || diag.count() != 0) return;
  for (const auto& e : modbus::check(modbus_options(m))) {
    diag.error(d.pos, "device '" + d.id.value + "': '" + e.field + "': " + e.message);
  }
}

void validate_sim_socket(const Draft& draft, const DraftDevice& d, Diagnostics& diag) {
  if (d.gpio.path.empty()) {
    diag.error(d.path_pos, "'socket': the sim chip's socket path is empty");
    return;
  }
  // sun_path holds the path and its terminating NUL. The check is on the
  // path vigild will connect to: relative paths grow by the config's folder.
  const std::string resolved = resolve_config_path(draft.source, d.gpio.path);
  constexpr std::size_t kMax = sizeof(sockaddr_un{}.sun_path) - 1;
  if (resolved.size() > kMax) {
    diag.error(d.path_pos, "'socket': '" + resolved + "' is " + std::to_string(resolved.size()) +
                               " bytes long; a Unix socket path may be at most " +
                               std::to_string(kMax));
  }
}

void check_debounce(const std::optional<Located<core::Duration>>& v, std::string_view key,
                    Diagnostics& diag) {
  if (!v) return;
  if (v->value.count() < 0 || v->value >= kMaxDebounce) {
    diag.error(v->pos, "'" + std::string(key) +
                           "': must be at least 0ms and shorter than 400ms (IEC 60839-11-1: a "
                           "400ms input always registers)");
  }
}

// Devices on one serial port share one RS-485 line: one master, one set of
// serial settings, and each unit id at most once (two modules answering the
// same address would collide on the wire).
void validate_shared_ports(const Draft& draft, Diagnostics& diag) {
  std::map<std::string, const DraftDevice*> first_on_port;
  std::map<std::pair<std::string, int>, const DraftDevice*> unit_owner;
  for (const auto& d : draft.devices) {
    if (d.type != DeviceType::modbus_rtu || d.modbus.serial_device.empty()) continue;
    const ModbusDeviceConfig& m = d.modbus;
    const auto [first, fresh] = first_on_port.emplace(m.serial_device, &d);
    if (!fresh && first->second->modbus.baud != m.baud) {
      const DraftDevice& other = *first->second;
      diag.error(d.baud_pos.value_or(d.pos),
                 "device '" + d.id.value + "': serial port " + m.serial_device + " runs at " +
                     std::to_string(other.modbus.baud) + " baud for device '" + other.id.value +
                     "' (line " + std::to_string(other.pos.line) + "), not " +
                     std::to_string(m.baud) + ": the devices on one port share one line");
    }
    const auto [owner, unique] = unit_owner.emplace(std::pair{m.serial_device, m.unit_id}, &d);
    if (!unique) {
      const DraftDevice& other = *owner->second;
      diag.error(d.unit_pos.value_or(d.pos),
                 "device '" + d.id.value + "': unit " + std::to_string(m.unit_id) + " on " +
                     m.serial_device + " is already device '" + other.id.value + "' (line " +
                     std::to_string(other.pos.line) +
                     "); each module on a line needs its own unit id");
    }
  }
}

}  // namespace

void validate_devices(const Draft& draft, Diagnostics& diag) {
  validate_shared_ports(draft, diag);
  for (const auto& d : draft.devices) {
    if (d.type == DeviceType::modbus_tcp || d.type == DeviceType::modbus_rtu) {
      validate_modbus(d, diag);
    } else if (d.type == DeviceType::sim_gpio) {
      validate_sim_socket(draft, d, diag);
    }
  }
}

void validate_door_timings(const Draft& draft, Diagnostics& diag) {
  const core::Door defaults;
  for (const auto& door : draft.doors) {
    check_debounce(door.contact_debounce, "contact_debounce", diag);
    check_debounce(door.rex_debounce, "rex_debounce", diag);
    if (door.relock_delay) {
      const auto& v = *door.relock_delay;
      // The delay runs from the door closing, not from the grant, so it is
      // independent of unlock_time (a 100ms pulse with the default 500ms is
      // sound). A shut door unlocked for longer than the held-open time would
      // be a worse hole than the held-open door the guards are alarmed about.
      if (v.value.count() < 0 || v.value >= door.held_open_time) {
        diag.error(v.pos,
                   "'relock_delay': must be at least 0ms and shorter than the door's "
                   "held_open_time (" +
                       format_duration(door.held_open_time) + ")");
      }
    }
    const core::Duration debounce =
        door.rex_debounce ? door.rex_debounce->value : defaults.rex_debounce;
    const core::Duration stuck =
        door.rex_stuck_time ? door.rex_stuck_time->value : defaults.rex_stuck_time;
    if (stuck <= debounce) {
      const Pos at = door.rex_stuck_time ? door.rex_stuck_time->pos : door.rex_debounce->pos;
      diag.error(at, std::string(door.rex_stuck_time ? "'rex_stuck_time'" : "'rex_debounce'") +
                         ": the REX stuck time (" + format_duration(stuck) +
                         ") must be longer than its debounce (" + format_duration(debounce) + ")");
    }
  }
}

}  // namespace vigil::config
