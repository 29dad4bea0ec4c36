// Parse: device options that are mappings of their own: a Modbus module's
// watchdog and a GPIO chip's per-line wiring (active-low, bias, debounce).
#include <charconv>

#include <algorithm>
#include <set>

#include "draft.hpp"
#include "suggest.hpp"

namespace vigil::config {
namespace {

// The module's watchdog register holds the timeout in milliseconds (u16).
constexpr std::int64_t kMaxWatchdogMs = 65535;
}  // namespace
namespace parse_device_options_impl {
// IEC 60839-11-1: an input held for 400 ms always registers, so no filter may
// be that long.
constexpr std::chrono::milliseconds kMaxDebounce{400};
}  // namespace parse_device_options_impl
namespace {

std::optional<std::uint32_t> line_number(const YAML::Node& key, Diagnostics& diag) {
  if (!key.IsScalar()) {
    diag.error(pos_of(key), "'lines': expected line numbers as keys, got " + describe(key));
    return std::nullopt;
  }
  const std::string& s = key.Scalar();
  std::uint32_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || value > 65535) {
    diag.error(pos_of(key), "'lines': expected a line number between 0 and 65535, got '" + s + "'");
    return std::nullopt;
  }
  return value;
}

}  // namespace

const char* to_string(LineBias b) {
  switch (b) {
    case LineBias::as_is:
      return "as_is";
    case LineBias::disabled:
      return "disabled";
    case LineBias::pull_up:
      return "pull_up";
    case LineBias::pull_down:
      return "pull_down";
  }
  return "unknown";
}

void parse_modbus_watchdog(const MapReader& device, DraftDevice& out, Diagnostics& diag) {
  const YAML::Node node = device.get("watchdog");
  if (!node.IsDefined()) return;
  MapReader m(node, "watchdog", {"timeout", "safe_coils", "timeout_register", "safe_register"},
              diag);
  if (!m.ok()) return;
  ModbusWatchdogConfig w;
  if (auto v = m.duration("timeout", Need::required)) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(v->value);
    if (ms != v->value || ms.count() < 1 || ms.count() > kMaxWatchdogMs) {
      diag.error(v->pos,
                 "'timeout': the watchdog timeout must be whole milliseconds between 1ms "
                 "and 65535ms");
    } else {
      w.timeout = ms;
    }
  }
  const YAML::Node coils = m.get("safe_coils");
  if (coils.IsDefined() && expect_list(coils, "safe_coils", diag)) {
    out.safe_coils_pos = pos_of(coils);
    for (const auto& item : coils) {
      // 0/1 as in a coil table, or true/false.
      if (item.IsScalar() && (item.Scalar() == "true" || item.Scalar() == "false")) {
        w.safe_coils.push_back(item.Scalar() == "true");
      } else {
        // A bad entry still holds its coil's place, so the count check
        // below does not report the same mistake twice.
        auto v = read_int(item, "safe_coils", 0, 1, diag);
        w.safe_coils.push_back(v && v->value == 1);
      }
    }
  }
  std::optional<Located<std::int64_t>> timeout_reg;
  if ((timeout_reg = m.integer("timeout_register", Need::optional, 0, 65535))) {
    w.timeout_register = static_cast<int>(timeout_reg->value);
  }
  if (auto v = m.integer("safe_register", Need::optional, 0, 65535)) {
    w.safe_register = static_cast<int>(v->value);
    if (w.safe_register == w.timeout_register) {
      diag.error(v->pos,
                 "'safe_register': the watchdog's timeout and safe pattern need two "
                 "different registers, both are " +
                     std::to_string(w.safe_register));
    }
  } else if (timeout_reg && w.timeout_register == w.safe_register) {
    diag.error(timeout_reg->pos, "'timeout_register': " + std::to_string(w.timeout_register) +
                                     " is the safe pattern's register (safe_register)");
  }
  out.modbus.watchdog = std::move(w);
}

void parse_gpio_lines(const MapReader& device, DraftDevice& out, Diagnostics& diag) {
  const YAML::Node node = device.get("lines");
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    diag.error(pos_of(node),
               "'lines': expected a mapping of line number to wiring, such as "
               "{ 3: { active_low: true, bias: pull_up } }, got " +
                   describe(node));
    return;
  }
  for (const auto& entry : node) {
    const auto line = line_number(entry.first, diag);
    if (!line) continue;
    const std::string what = "line " + std::to_string(*line);
    MapReader m(entry.second, what, {"active_low", "bias", "debounce"}, diag);
    if (!m.ok()) continue;
    GpioLineConfig config;
    if (auto v = m.boolean("active_low", Need::optional)) config.active_low = v->value;
    if (auto v = m.string("bias", Need::optional)) {
      bool known = false;
      for (LineBias b :
           {LineBias::as_is, LineBias::disabled, LineBias::pull_up, LineBias::pull_down}) {
        if (v->value == to_string(b)) {
          config.bias = b;
          known = true;
        }
      }
      if (!known) {
        diag.error(v->pos, "'bias': expected as_is, disabled, pull_up or pull_down, got '" +
                               v->value + "'");
      }
    }
    if (auto v = m.duration("debounce", Need::optional)) {
      if (v->value.count() < 0 || v->value >= parse_device_options_impl::kMaxDebounce) {
        diag.error(v->pos,
                   "'debounce': must be at least 0ms and shorter than 400ms (IEC "
                   "60839-11-1: a 400ms input always registers)");
      } else {
        config.debounce = v->value;
      }
    }
    if (!out.gpio.lines.emplace(*line, config).second) {
      diag.error(pos_of(entry.first),
                 "'lines': line " + std::to_string(*line) + " is listed twice");
      continue;
    }
    out.line_pos.emplace(*line, pos_of(entry.first));
  }
}

void parse_supervised_inputs(const MapReader& device, DraftDevice& out, Diagnostics& diag) {
  const YAML::Node list = device.get("supervised_inputs");
  if (!list.IsDefined() || !expect_list(list, "supervised_inputs", diag)) return;
  std::vector<std::string> names;
  for (const auto& r : out.modbus.registers) names.push_back(r.name);
  std::set<std::string> seen;
  for (const auto& item : list) {
    MapReader m(item, "supervised input",
                {"register", "wiring", "eol", "series", "parallel", "hysteresis", "dwell"}, diag);
    if (!m.ok()) continue;
    SupervisedInputConfig in;
    bool ok = true;
    if (auto v = m.string("register", Need::required)) {
      const auto it = std::find(names.begin(), names.end(), v->value);
      if (it == names.end()) {
        diag.error(v->pos, "'register': device '" + out.id.value + "' has no register '" +
                               v->value + "'" +
                               (names.empty() ? " (registers come from its module type)"
                                              : did_you_mean(v->value, names)));
        ok = false;
      } else if (!seen.insert(v->value).second) {
        diag.error(v->pos, "'register': '" + v->value + "' is supervised twice");
        ok = false;
      } else {
        in.register_name = v->value;
        in.register_index = static_cast<int>(it - names.begin());
      }
    } else {
      ok = false;
    }
    // Resistances in ohms, as the module reports the loop.
    auto ohms = [&](const char* key) -> std::optional<double> {
      auto v = m.integer(key, Need::required, 1, 10'000'000);
      if (!v) return std::nullopt;
      return static_cast<double>(v->value);
    };
    double hysteresis = 0.05;
    if (const YAML::Node h = m.get("hysteresis"); h.IsDefined()) {
      double value = -1;
      try {
        value = h.as<double>();
      } catch (const YAML::Exception&) {
      }
      if (value < 0 || value >= 0.5) {
        diag.error(pos_of(h),
                   "'hysteresis': a fraction of the closed-loop value, 0 to below "
                   "0.5, got " +
                       describe(h));
        ok = false;
      } else {
        hysteresis = value;
      }
    }
    if (auto v = m.string("wiring", Need::required)) {
      in.wiring = v->value;
      if (v->value == "single_eol") {
        if (auto r = ohms("eol"))
          in.bands = core::single_eol(*r, hysteresis);
        else
          ok = false;
      } else if (v->value == "dual_eol") {
        auto series = ohms("series");
        auto parallel = ohms("parallel");
        if (series && parallel) {
          in.bands = core::dual_eol(*series, *parallel, hysteresis);
        } else {
          ok = false;
        }
      } else {
        diag.error(v->pos, "'wiring': expected single_eol or dual_eol, got '" + v->value + "'");
        ok = false;
      }
    } else {
      ok = false;
    }
    if (auto v = m.duration("dwell", Need::optional)) {
      if (v->value.count() < 0 || v->value > std::chrono::seconds(60)) {
        diag.error(v->pos, "'dwell': must be 0ms to 60s");
        ok = false;
      } else {
        in.dwell = v->value;
      }
    }
    if (ok) out.modbus.supervised_inputs.push_back(std::move(in));
  }
}

}  // namespace vigil::config
