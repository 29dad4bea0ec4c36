// Module types: an I/O module's register map as data. A site device says
// `module: adam-6050` and gets its coils, discrete inputs and analog
// registers from <module_library>/adam-6050.yaml (shipped: config/modules/).
// Mistakes in a type file are reported at their place in that file.
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "draft.hpp"
#include "suggest.hpp"

namespace vigil::config {
namespace {

const std::vector<std::string> kTypeKeys{
    "name",    "description", "coils", "discrete_inputs", "input_registers", "holding_registers",
    "watchdog"};
constexpr int kMaxAddress = 65535;

std::optional<double> number(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  try {
    const double v = node.as<double>();
    if (std::isfinite(v)) return v;
  } catch (const YAML::Exception&) {
  }
  return std::nullopt;
}

// `{ address: A, count: N }`: a block of coils or discrete inputs.
void parse_block(const MapReader& m, const char* key, int& address, int& count, Diagnostics& diag) {
  const YAML::Node node = m.get(key);
  if (!node.IsDefined()) return;
  MapReader block(node, key, {"address", "count"}, diag);
  if (!block.ok()) return;
  auto a = block.integer("address", Need::optional, 0, kMaxAddress);
  auto n = block.integer("count", Need::required, 0, 2000);  // one read carries 2000 bits
  if (a) address = static_cast<int>(a->value);
  if (n) count = static_cast<int>(n->value);
  if (a && n && a->value + n->value - 1 > kMaxAddress) {
    diag.error(n->pos, "'count': " + std::string(key) + " from address " +
                           std::to_string(a->value) + " would pass address 65535");
  }
}

void parse_registers(const MapReader& m, const char* key, const char* kind, ModuleType& type,
                     std::set<std::string>& names, Diagnostics& diag) {
  const YAML::Node list = m.get(key);
  if (!list.IsDefined() || !expect_list(list, key, diag)) return;
  std::set<int> addresses;
  for (const auto& item : list) {
    MapReader r(item, "register", {"name", "address", "scale", "offset"}, diag);
    if (!r.ok()) continue;
    ModbusRegisterConfig reg;
    reg.kind = kind;
    if (auto v = r.id("name", Need::required)) {
      reg.name = v->value;
      if (!names.insert(v->value).second) {
        diag.error(v->pos, "'name': register '" + v->value + "' is defined twice");
      }
    }
    if (auto v = r.integer("address", Need::required, 0, kMaxAddress)) {
      reg.address = static_cast<int>(v->value);
      if (!addresses.insert(reg.address).second) {
        diag.error(v->pos, "'address': " + std::string(kind) + " register " +
                               std::to_string(reg.address) + " is mapped twice");
      }
    }
    for (const char* factor : {"scale", "offset"}) {
      const YAML::Node node = r.get(factor);
      if (!node.IsDefined()) continue;
      if (auto v = number(node)) {
        (std::string_view(factor) == "scale" ? reg.scale : reg.offset) = *v;
      } else {
        diag.error(pos_of(node),
                   "'" + std::string(factor) + "': expected a number, got " + describe(node));
      }
    }
    type.registers.push_back(std::move(reg));
  }
}

std::optional<ModuleType> load_type(const std::filesystem::path& file, const std::string& name,
                                    Diagnostics& diag) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    diag.error(e.mark.is_null() ? Pos{} : Pos{e.mark.line + 1, e.mark.column + 1},
               "invalid YAML: " + e.msg);
    return std::nullopt;
  }
  MapReader m(root, "module type", kTypeKeys, diag);
  if (!m.ok()) return std::nullopt;
  ModuleType type;
  type.name = name;
  if (auto v = m.string("name", Need::required); v && v->value != name) {
    diag.error(v->pos, "'name': the type in " + file.filename().string() + " must be named '" +
                           name + "', got '" + v->value + "'");
  }
  m.string("description", Need::optional);
  parse_block(m, "coils", type.coil_address, type.coil_count, diag);
  parse_block(m, "discrete_inputs", type.input_address, type.input_count, diag);
  std::set<std::string> names;
  parse_registers(m, "input_registers", "input", type, names, diag);
  parse_registers(m, "holding_registers", "holding", type, names, diag);
  if (const YAML::Node w = m.get("watchdog"); w.IsDefined()) {
    MapReader wd(w, "watchdog", {"timeout_register", "safe_register"}, diag);
    if (wd.ok()) {
      if (auto v = wd.integer("timeout_register", Need::required, 0, kMaxAddress)) {
        type.watchdog_timeout_register = static_cast<int>(v->value);
      }
      if (auto v = wd.integer("safe_register", Need::required, 0, kMaxAddress)) {
        type.watchdog_safe_register = static_cast<int>(v->value);
      }
    }
  }
  if (type.coil_count == 0 && type.input_count == 0 && type.registers.empty()) {
    diag.error(m.pos(), "module type '" + name + "' has no points (no coils, inputs or registers)");
  }
  return type;
}

std::vector<std::string> known_types(const std::filesystem::path& library) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(library, ec)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

const ModuleType* find_module_type(Draft& draft, const Located<std::string>& name,
                                   Diagnostics& diag) {
  if (auto it = draft.module_types.find(name.value); it != draft.module_types.end()) {
    return it->second ? &*it->second : nullptr;
  }
  auto& slot = draft.module_types[name.value];
  const std::filesystem::path library =
      resolve_config_path(draft.source, draft.module_library.value);
  const std::filesystem::path file = library / (name.value + ".yaml");
  // A type name is a file name: no path separators, no way out of the library.
  const bool plain = name.value.find('/') == std::string::npos && name.value != "." &&
                     name.value != ".." && !name.value.empty();
  std::error_code ec;
  if (!plain || !std::filesystem::is_regular_file(file, ec)) {
    const auto known = known_types(library);
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    const std::string hint = did_you_mean(name.value, known);
    diag.error(name.pos, "'module': no module type '" + name.value + "' in " + library.string() +
                             (!hint.empty()   ? hint
                              : known.empty() ? " (the library is empty or missing; set "
                                                "site.module_library)"
                                              : " (known: " + list + ")"));
    return nullptr;
  }
  Diagnostics type_diag(file.string());
  auto type = load_type(file, name.value, type_diag);
  const bool clean = type_diag.empty();
  for (auto& d : type_diag.take()) diag.add(std::move(d));
  if (type && clean) slot = std::move(type);
  return slot ? &*slot : nullptr;
}

}  // namespace vigil::config
