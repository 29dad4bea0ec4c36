// validate_scenario() and describe(): the scenario against one site.
#include <algorithm>

#include "vigil/config/duration.hpp"
#include "vigil/sim/scenario.hpp"
#include "vigil/wiegand/frame.hpp"

namespace vigil::sim {
namespace {

struct Checker {
  const Scenario& scenario;
  const config::SiteConfig& site;
  std::vector<config::Diagnostic> out;

  void error(const Step& step, std::string message) {
    out.push_back(config::Diagnostic{scenario.file, step.line, step.col, std::move(message)});
  }

  // True when vigil-sim serves the device a point lives on.
  bool simulated(const core::DeviceId& device) const {
    for (const auto& m : site.modbus_devices) {
      if (m.id == device) return true;
    }
    for (const auto& g : site.gpio_chips) {
      if (g.id == device) return g.backend == "sim";
    }
    return false;
  }

  const core::Door* door(const Step& step, const std::string& name) {
    const auto* d = site.site.find_door(core::DoorId(name));
    if (d == nullptr) {
      error(step, "unknown door '" + name + "'");
    } else if (!simulated(d->contact.device)) {
      error(step, "door '" + name + "': its contact is on device '" + d->contact.device.str() +
                      "', which vigil-sim does not simulate");
      return nullptr;
    }
    return d;
  }

  // The Wiegand reader on a sim chip, or nullptr after reporting.
  const config::WiegandReaderConfig* wiegand_reader(const Step& step, const std::string& name) {
    const auto* reader = site.site.find_reader(core::ReaderId(name));
    if (reader == nullptr) {
      error(step, "unknown reader '" + name + "'");
      return nullptr;
    }
    auto wiegand = std::find_if(site.wiegand_readers.begin(), site.wiegand_readers.end(),
                                [&](const auto& w) { return w.reader.str() == name; });
    if (wiegand == site.wiegand_readers.end()) {
      error(step,
            "reader '" + name + "' is not a Wiegand reader; vigil-sim swipes at Wiegand readers");
      return nullptr;
    }
    if (!simulated(wiegand->chip)) {
      error(step, "reader '" + name + "' is on GPIO chip '" + wiegand->chip.str() +
                      "', which is not a sim chip");
      return nullptr;
    }
    return &*wiegand;
  }

  void check(const Step& step, const TypeKeys& keys) { wiegand_reader(step, keys.reader); }
  void check(const Step&, const OperatorCommand&) {}

  void check(const Step& step, const Swipe& swipe) {
    const auto* wiegand = wiegand_reader(step, swipe.reader);
    if (wiegand == nullptr) return;
    std::string format = swipe.format;
    if (format.empty()) format = wiegand->formats.empty() ? "H10301" : wiegand->formats.front();
    auto spec = wiegand::find_format(format, site.custom_formats);
    if (!spec) return error(step, "unknown Wiegand format '" + format + "'");
    if (wiegand::encode(*spec, swipe.card).empty()) {
      error(step, "card " + core::to_string(swipe.card) + " does not fit format " + format);
    }
  }

  void check(const Step& step, const SetContact& s) { door(step, s.door); }
  void check(const Step& step, const ExpectLock& e) {
    const auto* d = door(step, e.door);
    if (d != nullptr && !simulated(d->lock.device)) {
      error(step, "door '" + e.door + "': its lock is on a device vigil-sim does not simulate");
    }
  }
  void check(const Step& step, const PressRex& rex) {
    const auto* d = door(step, rex.door);
    if (d == nullptr) return;
    if (!d->rex) return error(step, "door '" + rex.door + "' has no REX input");
    if (!simulated(d->rex->device)) {
      error(step,
            "door '" + rex.door + "': its REX input is on a device vigil-sim does not simulate");
    }
  }
};

}  // namespace

std::vector<config::Diagnostic> validate_scenario(const Scenario& scenario,
                                                  const config::SiteConfig& site) {
  Checker checker{scenario, site, {}};
  for (const auto& step : scenario.steps) {
    std::visit([&](const auto& action) { checker.check(step, action); }, step.action);
  }
  return std::move(checker.out);
}

std::string describe(const Action& action) {
  struct {
    std::string operator()(const Swipe& s) const {
      return "swipe " + core::to_string(s.card) + " at " + s.reader +
             (s.format.empty() ? "" : " (" + s.format + ")");
    }
    std::string operator()(const SetContact& s) const {
      return std::string(s.forced ? "force " : s.open ? "open " : "close ") + s.door;
    }
    std::string operator()(const PressRex& r) const {
      return "rex " + r.door + " for " + config::format_duration(r.hold);
    }
    std::string operator()(const ExpectLock& e) const {
      return "expect " + e.door + " lock " + (e.unlocked ? "UNLOCKED" : "LOCKED") +
             (e.within.count() > 0 ? " within " + config::format_duration(e.within) : "");
    }
    std::string operator()(const TypeKeys& k) const {
      // PINs are never printed: only how many keys, and the burst size.
      return "keys at " + k.reader + " (" + std::to_string(k.keys.size()) + ", " +
             (k.four_bit ? "4" : "8") + "-bit bursts)";
    }
    std::string operator()(const OperatorCommand& c) const {
      std::string out = "vigilctl";
      for (const auto& w : c.args) out += " " + w;
      return out;
    }
  } visitor;
  return std::visit(visitor, action);
}

}  // namespace vigil::sim
