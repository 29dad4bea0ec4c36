// Validate: points (every lock, contact, REX and reader line names a device
// that can carry it, within the device's size, and no two users share one)
// and Wiegand formats (custom layouts are sound, reader format names exist).
#include <algorithm>
#include <map>

#include "draft.hpp"
#include "suggest.hpp"

namespace vigil::config {
namespace {

bool is_gpio(DeviceType t) {
  return t == DeviceType::sim_gpio || t == DeviceType::gpiod;
}
bool is_modbus(DeviceType t) {
  return t == DeviceType::modbus_tcp || t == DeviceType::modbus_rtu;
}
// Door boards are addressed like Modbus modules: relays as coils, inputs as inputs.
bool has_coils(DeviceType t) {
  return is_modbus(t) || t == DeviceType::door_board;
}

class PointChecker {
 public:
  PointChecker(const Draft& draft, Diagnostics& diag) : diag_(&diag) {
    for (const auto& d : draft.devices) {
      if (!d.id.value.empty()) devices_.emplace(d.id.value, &d);
    }
  }

  // Looks the device up; reports an unknown one.
  const DraftDevice* device(const LocatedId& ref, std::string_view key) {
    if (ref.value.empty()) return nullptr;
    auto it = devices_.find(ref.value);
    if (it != devices_.end()) return it->second;
    std::vector<std::string> names;
    for (const auto& [name, device] : devices_) names.push_back(name);
    diag_->error(ref.pos, "'" + std::string(key) + "': unknown device '" + ref.value + "'" +
                              did_you_mean(ref.value, names));
    return nullptr;
  }

  // `modbus_key` is what the point is called on a Modbus device: "coil" for
  // the lock, "input" for contact and REX.
  void door_point(const DraftPoint& p, std::string_view modbus_key, const std::string& role) {
    const DraftDevice* d = device(p.device, "device");
    const std::string key = "'" + p.index_key + "': ";
    if (d != nullptr && d->type != DeviceType::unknown) {
      if (p.index_key == "line" && !is_gpio(d->type)) {
        diag_->error(p.index.pos, key + "device '" + d->id.value +
                                      (d->type == DeviceType::door_board
                                           ? "' is a door board; address this point with '"
                                           : "' is a Modbus device; address this point with '") +
                                      std::string(modbus_key) + "'");
        return;
      }
      if (p.index_key != "line" && !has_coils(d->type)) {
        diag_->error(p.index.pos, key + "device '" + d->id.value +
                                      "' is a GPIO chip; address its lines with 'line'");
        return;
      }
      if (p.index_key != "line") {
        const bool coil = p.index_key == "coil";
        const bool board = d->type == DeviceType::door_board;
        const int size = board ? (coil ? d->board.relay_count : d->board.input_count)
                               : (coil ? d->modbus.coil_count : d->modbus.input_count);
        if (p.index.value >= size) {
          diag_->error(p.index.pos, key + "device '" + d->id.value + "' has " +
                                        std::to_string(size) +
                                        (coil ? (board ? " relays" : " coils") : " inputs") +
                                        (size > 0 ? " (0-" + std::to_string(size - 1) + ")" : "") +
                                        ", got " + std::to_string(p.index.value));
          return;
        }
      }
    }
    const core::PointKind kind = p.index_key == "coil"    ? core::PointKind::coil
                                 : p.index_key == "input" ? core::PointKind::discrete_input
                                                          : core::PointKind::gpio_line;
    claim(core::PointRef{core::DeviceId(p.device.value), kind,
                         static_cast<std::uint32_t>(p.index.value)},
          p.index, p.index_key, role);
  }

  void reader_lines(const DraftReader& reader) {
    const DraftWiegand& w = *reader.wiegand;
    const DraftDevice* chip = device(w.chip, "chip");
    if (chip != nullptr && chip->type != DeviceType::unknown && !is_gpio(chip->type)) {
      diag_->error(w.chip.pos, "'chip': device '" + chip->id.value +
                                   "' is not a GPIO chip (Wiegand readers need sim_gpio or gpiod)");
      return;
    }
    if (w.chip.value.empty()) return;
    const std::string of = " of reader '" + reader.id.value + "'";
    for (const auto& [line, name] : {std::pair{w.d0, "d0"}, std::pair{w.d1, "d1"}}) {
      if (!line) continue;
      claim(core::PointRef{core::DeviceId(w.chip.value), core::PointKind::gpio_line,
                           static_cast<std::uint32_t>(line->value)},
            *line, name, std::string(name == std::string_view("d0") ? "D0" : "D1") + of);
    }
  }

 private:
  // A point serves one purpose: two doors on one contact would both see every
  // opening, and a reader sharing a line with a door reads noise as cards.
  void claim(const core::PointRef& point, const Located<std::int64_t>& at, std::string_view key,
             const std::string& role) {
    auto [it, inserted] = used_.emplace(point, Use{role, at.pos.line});
    if (inserted) return;
    diag_->error(at.pos, "'" + std::string(key) + "': point " + core::to_string(point) +
                             " is already used as " + it->second.role + " (line " +
                             std::to_string(it->second.line) + ")");
  }

  struct Use {
    std::string role;
    int line;
  };
  Diagnostics* diag_;
  std::map<std::string, const DraftDevice*> devices_;
  std::map<core::PointRef, Use> used_;
};

}  // namespace

void validate_points(const Draft& draft, Diagnostics& diag) {
  PointChecker points(draft, diag);
  for (const auto& door : draft.doors) {
    const std::string of = " of door '" + door.id.value + "'";
    if (door.lock) points.door_point(*door.lock, "coil", "the lock" + of);
    if (door.contact) points.door_point(*door.contact, "input", "the contact" + of);
    if (door.rex) points.door_point(*door.rex, "input", "the REX button" + of);
  }
  for (const auto& reader : draft.readers) {
    if (reader.wiegand) points.reader_lines(reader);
  }
  // Readers on door boards: validate_door_boards().
}

void validate_formats(const Draft& draft, Diagnostics& diag) {
  std::vector<std::string> names;
  for (const auto& spec : wiegand::builtin_formats()) names.push_back(spec.name);
  const std::size_t builtin_count = names.size();
  std::map<std::string, int> custom_lines;
  for (const auto& format : draft.formats) {
    const std::string& name = format.name.value;
    if (name.empty()) continue;
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(builtin_count),
                  name) != names.begin() + static_cast<std::ptrdiff_t>(builtin_count)) {
      diag.error(format.name.pos, "'name': '" + name + "' is a built-in format; pick another name");
      continue;
    }
    auto [it, inserted] = custom_lines.emplace(name, format.name.pos.line);
    if (!inserted) {
      diag.error(format.name.pos, "duplicate wiegand format name '" + name +
                                      "' (first defined on line " + std::to_string(it->second) +
                                      ")");
      continue;
    }
    names.push_back(name);
    if (!format.parsed_cleanly) continue;
    if (std::string problem = wiegand::validate_format(format.spec); !problem.empty()) {
      diag.error(format.pos, "wiegand format '" + name + "': " + problem);
    }
  }
  for (const auto& reader : draft.readers) {
    if (!reader.wiegand) continue;
    for (const auto& f : reader.wiegand->formats) {
      if (std::find(names.begin(), names.end(), f.value) == names.end()) {
        diag.error(f.pos, "'formats': unknown wiegand format '" + f.value + "'" +
                              did_you_mean(f.value, names));
      }
    }
  }
}

}  // namespace vigil::config
