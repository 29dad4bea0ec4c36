// SiteIo, supervised inputs: a Modbus module's register read as an
// end-of-line supervised loop (ohms) goes through an EolSupervisor (bands,
// hysteresis, minimum dwell; pure core code). A cut or short becomes a
// line_tamper event, armed or not; the line intact again, line_restored.
// A line an alarm sensor names carries the sensor and its zone.
// The first reading after a (re)connect is the state: a line found cut is
// still reported (initial = true), an intact one says nothing.
#include <cmath>

#include "supervised_line.hpp"
#include "vigil/app/clocks.hpp"
#include "vigil/modbus/io_module.hpp"

namespace vigil::app {

void SiteIo::add_supervision(const config::ModbusDeviceConfig& device,
                             modbus::ModbusIoCallbacks& callbacks) {
  if (device.supervised_inputs.empty()) return;
  for (const auto& in : device.supervised_inputs) {
    auto line = std::make_unique<SupervisedLine>(io_, device.id, in);
    const core::PointRef point{device.id, core::PointKind::supervised_input,
                               static_cast<std::uint32_t>(in.register_index)};
    for (const auto& zone : config_.alarm_zones)
      for (const auto& sensor : zone.sensors)
        if (sensor.point == point) {  // at most one: the config check refuses two
          line->sensor = sensor.name;
          line->zone = zone.id;
        }
    supervised_.push_back(std::move(line));
  }
  // Both run on io_'s thread once post_callbacks_to() wraps them.
  callbacks.on_register = [this, id = device.id](int index, std::uint16_t, double value,
                                                 bool initial, core::TimePoint time,
                                                 core::MonoTime mono) {
    on_supervised_value(id, index, value, initial, time, mono);
  };
  callbacks.on_status = [this, id = device.id, status = std::move(callbacks.on_status)](
                            bool online, const std::string& detail, core::TimePoint time,
                            core::MonoTime mono) {
    if (!online) on_supervised_device_offline(id);
    if (status) status(online, detail, time, mono);
  };
}

void SiteIo::on_supervised_value(const core::DeviceId& device, int index, double value,
                                 bool initial, core::TimePoint time, core::MonoTime mono) {
  if (!started_) return;
  for (auto& line : supervised_) {
    if (line->device != device || line->register_index != index) continue;
    if (initial) line->supervisor.reset();  // a re-read after a reconnect is state
    line->last_value = value;
    if (auto change = line->supervisor.on_value(value, mono)) {
      report_line(*line, change->state, change->initial, time);
    }
    arm_dwell(*line);
  }
}

void SiteIo::on_supervised_device_offline(const core::DeviceId& device) {
  for (auto& line : supervised_) {
    if (line->device != device) continue;
    line->supervisor.reset();
    line->timer.cancel();
    line->active.reset();
  }
}

void SiteIo::arm_dwell(SupervisedLine& line) {
  const auto deadline = line.supervisor.deadline();
  if (!deadline) {
    line.timer.cancel();
    return;
  }
  line.timer.expires_at(std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          deadline->time_since_epoch())));
  line.timer.async_wait([this, l = &line](const boost::system::error_code& ec) {
    if (ec || !started_) return;
    if (auto change = l->supervisor.on_time(mono_now())) {
      report_line(*l, change->state, change->initial, wall_now());
    }
    arm_dwell(*l);
  });
}

void SiteIo::report_line(SupervisedLine& line, core::LineState state, bool initial,
                         core::TimePoint time) {
  // Alarm zones and fire inputs see the loop as a point: true when it is
  // not normal (alarm, and cut or short too: a defeated sensor in an armed
  // zone must not read as quiet). A first reading is state (initial).
  const bool active = state != core::LineState::normal;
  if (!line.active || *line.active != active || initial) {
    line.active = active;
    deliver(core::PointChanged{core::PointRef{line.device, core::PointKind::supervised_input,
                                              static_cast<std::uint32_t>(line.register_index)},
                               active, time, mono_now(), initial});
  }
  const bool tamper = core::is_tamper(state);
  if (tamper == line.tampered) return;
  line.tampered = tamper;
  core::Event e;
  e.kind = tamper ? core::EventKind::line_tamper : core::EventKind::line_restored;
  e.time = time;
  e.device = line.device;
  e.zone = line.zone;
  e.detail = line.point + " reads " + core::to_string(state);
  core::set_attr(e.attrs, "point", line.point);
  if (line.sensor) {
    // The sensor's tamper: listed under it, in its zone (deficiencies,
    // incidents, the inspection checklist).
    core::set_attr(e.attrs, "sensor", *line.sensor);
    e.detail = "sensor " + *line.sensor + ": " + e.detail;
  }
  core::set_attr(e.attrs, "state", std::string(core::to_string(state)));
  core::set_attr(e.attrs, "value", static_cast<std::int64_t>(std::llround(line.last_value)));
  core::set_attr(e.attrs, "initial", initial);
  if (on_event_) on_event_(std::move(e));
}

void SiteIo::stop_supervision() {
  for (auto& line : supervised_) line->timer.cancel();
}

}  // namespace vigil::app
