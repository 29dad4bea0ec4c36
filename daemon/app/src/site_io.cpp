#include "vigil/app/site_io.hpp"

#include "reader_formats.hpp"

#include <algorithm>

#include "supervised_line.hpp"

#include <spdlog/spdlog.h>

#include "vigil/app/clocks.hpp"
#include "vigil/config/modbus_options.hpp"
#include "vigil/fwb/board_driver.hpp"
#include "vigil/gpio/gpio_chip.hpp"
#include "vigil/modbus/core_inputs.hpp"
#include "vigil/modbus/io_module.hpp"
#include "vigil/modbus/modbus_bus.hpp"
#include "vigil/wiegand/decoder.hpp"
#include "vigil/wiegand/format.hpp"

namespace vigil::app {
namespace {

// How long a GPIO write may wait for its chip (a sim chip not connected
// yet, a chip reconnecting) before it is reported failed.
constexpr std::chrono::seconds kGpioWriteTimeout{2};

// Poller threads shared by the Modbus TCP modules (each keeps its own
// connection). A silent module stalls the others on its thread for one
// timeout per probe, so more than one; one per module was what burnt CPU in
// wake-ups (docs/design.md, issue 9).
constexpr int kModbusTcpThreads = 4;

gpio::LineSettings line_settings(const config::GpioChipConfig& chip, std::uint32_t line) {
  gpio::LineSettings s;
  auto it = chip.lines.find(line);
  if (it == chip.lines.end()) return s;
  s.active_low = it->second.active_low;
  s.debounce = it->second.debounce;
  switch (it->second.bias) {
    case config::LineBias::as_is:
      s.bias = gpio::Bias::as_is;
      break;
    case config::LineBias::disabled:
      s.bias = gpio::Bias::disabled;
      break;
    case config::LineBias::pull_up:
      s.bias = gpio::Bias::pull_up;
      break;
    case config::LineBias::pull_down:
      s.bias = gpio::Bias::pull_down;
      break;
  }
  return s;
}

}  // namespace

std::vector<wiegand::FormatSpec> reader_formats(const std::vector<std::string>& names,
                                                const config::SiteConfig& config) {
  if (names.empty()) {
    std::vector<wiegand::FormatSpec> all = wiegand::builtin_formats();
    all.insert(all.end(), config.custom_formats.begin(), config.custom_formats.end());
    return all;
  }
  // Keep the reader's order: it decides between formats of equal length.
  std::vector<wiegand::FormatSpec> chosen;
  for (const auto& name : names)
    if (auto f = wiegand::find_format(name, config.custom_formats)) chosen.push_back(*f);
  return chosen;
}

namespace {

// Keypad bursts are decoded only on readers of card + PIN doors: elsewhere a
// 4- or 8-bit frame stays a read error, so a reader without a keypad cannot
// inject key presses.
bool wants_keypad(const core::Site& site, const core::ReaderId& id) {
  const core::Reader* reader = site.find_reader(id);
  const core::Door* door = reader ? site.find_door(reader->door) : nullptr;
  return door != nullptr && door->mode == core::DoorMode::card_and_pin;
}

}  // namespace

struct SiteIo::ReaderLink {
  core::ReaderId reader;
  std::uint32_t d0 = 0;
  std::uint32_t d1 = 0;
  std::unique_ptr<wiegand::WiegandDecoder> decoder;
  std::unique_ptr<boost::asio::steady_timer> timer;
};

struct SiteIo::ChipLink {
  core::DeviceId id;
  const config::GpioChipConfig* config = nullptr;
  std::unique_ptr<gpio::GpioChip> chip;
  std::vector<ReaderLink*> readers;
  std::vector<std::uint32_t> point_lines;  // contact / REX lines on this chip
  // Output writes the chip could not take yet (offline): confirmed when it
  // comes back, reported failed if it does not within kGpioWriteTimeout.
  struct PendingWrite {
    core::SetOutput output;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  std::map<std::uint32_t, PendingWrite> pending_writes;
};

SiteIo::SiteIo(boost::asio::io_context& io, const config::SiteConfig& config, InputHandler on_input,
               EventHandler on_event)
    : io_(io), config_(config), on_input_(std::move(on_input)), on_event_(std::move(on_event)) {}

SiteIo::~SiteIo() {
  stop();
}

void SiteIo::start() {
  if (started_) return;
  started_ = true;
  // Devices on one serial port share a bus (one RS-485 line, one request at
  // a time); TCP modules share a small pool of poller threads.
  std::vector<modbus::ModbusIoOptions> options;
  for (const auto& device : config_.modbus_devices)
    options.push_back(config::modbus_options(device));
  for (const auto& members : modbus::plan_buses(options, kModbusTcpThreads)) {
    std::vector<modbus::ModbusBusMember> bus;
    for (std::size_t i : members) {
      const core::DeviceId id = options[i].device;
      auto callbacks =
          modbus::core_input_callbacks(id, [this](const core::Input& in) { deliver(in); });
      add_supervision(config_.modbus_devices[i], callbacks);
      bus.push_back({options[i], modbus::post_callbacks_to(io_, std::move(callbacks))});
    }
    modbus_buses_.push_back(std::make_unique<modbus::ModbusBus>(std::move(bus)));
    for (std::size_t i : members) modbus_[options[i].device] = modbus_buses_.back().get();
  }

  for (const auto& chip_config : config_.gpio_chips) {
    auto link = std::make_unique<ChipLink>();
    link->id = chip_config.id;
    link->config = &chip_config;
    link->chip = gpio::make_gpio_chip(chip_config.backend, chip_config.path);
    chips_.push_back(std::move(link));
  }
  auto find_chip = [this](const core::DeviceId& id) -> ChipLink* {
    for (auto& c : chips_)
      if (c->id == id) return c.get();
    return nullptr;
  };

  for (const auto& rc : config_.wiegand_readers) {
    ChipLink* chip = find_chip(rc.chip);
    if (chip == nullptr) continue;  // validated away by the config loader
    auto link = std::make_unique<ReaderLink>();
    link->reader = rc.reader;
    link->d0 = rc.d0_line;
    link->d1 = rc.d1_line;
    link->decoder = std::make_unique<wiegand::WiegandDecoder>(
        reader_formats(rc.formats, config_),
        wiegand::DecoderTiming{
            .close_after = std::chrono::duration_cast<std::chrono::nanoseconds>(rc.frame_close)},
        wants_keypad(config_.site, rc.reader) ? wiegand::KeypadInput::decode
                                              : wiegand::KeypadInput::ignore);
    link->timer = std::make_unique<boost::asio::steady_timer>(io_);
    // Wiegand data lines keep their wiring but never a debounce: a 50 us
    // pulse is the signal.
    auto data_line = [&](std::uint32_t line) {
      gpio::LineSettings s = line_settings(*chip->config, line);
      s.debounce = std::chrono::microseconds{0};
      return s;
    };
    chip->chip->request_input(rc.d0_line, data_line(rc.d0_line));
    chip->chip->request_input(rc.d1_line, data_line(rc.d1_line));
    chip->readers.push_back(link.get());
    readers_.push_back(std::move(link));
  }

  for (const auto& door : config_.site.doors) {
    auto gpio_input = [&](const core::PointRef& p) {
      if (p.kind != core::PointKind::gpio_line) return;
      if (ChipLink* chip = find_chip(p.device)) {
        chip->chip->request_input(p.index, line_settings(*chip->config, p.index));
        chip->point_lines.push_back(p.index);
      }
    };
    gpio_input(door.contact);
    if (door.rex) gpio_input(*door.rex);
    if (door.lock.kind == core::PointKind::gpio_line)
      if (ChipLink* chip = find_chip(door.lock.device))
        // Requested de-energised: the safe state of every lock kind, until
        // the controller's start() commands each door's locked state.
        chip->chip->request_output(door.lock.index, false,
                                   line_settings(*chip->config, door.lock.index));
  }

  // Alarm sensors and fire inputs on GPIO lines (issue 9); a door contact
  // used as a sensor is requested once, above.
  auto alarm_input = [&](const core::PointRef& p) {
    if (p.kind != core::PointKind::gpio_line) return;
    ChipLink* chip = find_chip(p.device);
    if (chip == nullptr) return;
    auto& lines = chip->point_lines;
    if (std::find(lines.begin(), lines.end(), p.index) != lines.end()) return;
    chip->chip->request_input(p.index, line_settings(*chip->config, p.index));
    lines.push_back(p.index);
  };
  for (const auto& zone : config_.alarm_zones)
    for (const auto& sensor : zone.sensors) alarm_input(sensor.point);
  if (config_.fire)
    for (const auto& input : config_.fire->inputs) alarm_input(input.point);

  for (auto& c : chips_) {
    ChipLink* link = c.get();
    link->chip->on_edge([this, link](const gpio::EdgeEvent& edge) {
      boost::asio::post(io_, [this, link, edge] { on_edge(*link, edge); });
    });
    link->chip->on_level([this, link](const gpio::LevelReport& level) {
      const core::TimePoint t = wall_now();
      boost::asio::post(io_, [this, link, level, t] { on_level(*link, level, t); });
    });
    link->chip->on_status([this, link](bool online, const std::string& detail) {
      const core::TimePoint t = wall_now();
      const core::MonoTime m = mono_now();
      boost::asio::post(io_, [this, link, online, detail, t, m] {
        if (online) flush_pending_writes(*link);
        deliver(core::DeviceStatusChanged{link->id, online, detail, t, m});
      });
    });
    // On the event loop: each line's event fd (gpiod) or the sim chip's
    // socket is a descriptor io_ waits on; no chip thread, no polling.
    link->chip->start(io_);
  }
  start_boards();
}

void SiteIo::stop() {
  if (!started_) return;
  started_ = false;
  for (auto& r : readers_) r->timer->cancel();
  stop_supervision();
  for (auto& c : chips_)
    for (auto& [line, w] : c->pending_writes) w.timer->cancel();
  for (auto& c : chips_) c->chip->stop();
  for (auto& bus : modbus_buses_) bus->stop();
  stop_boards();
}

std::vector<SiteIo::ModbusDeviceHealth> SiteIo::modbus_health() const {
  std::vector<ModbusDeviceHealth> out;
  for (const auto& device : config_.modbus_devices) {
    auto it = modbus_.find(device.id);
    if (it == modbus_.end()) continue;
    const modbus::ModbusIoCounters c = it->second->counters(device.id);
    out.push_back({device.id, it->second->online(device.id), c.polls, c.errors, c.timeouts,
                   c.exceptions, c.crc_errors, c.bad_frames, c.offline_transitions,
                   c.failure_streak, c.write_failures});
  }
  return out;
}

void SiteIo::deliver(const core::Input& input) {
  // After stop(), drivers still report their own shutdown ("stopped",
  // connection closed): that is not a device fault, so it is not an input.
  if (started_) on_input_(input);
}

void SiteIo::apply(const core::SetOutput& output) {
  const auto& p = output.point;
  if (p.kind == core::PointKind::coil) {
    if (apply_board(output)) return;
    if (auto it = modbus_.find(p.device); it != modbus_.end()) {
      it->second->set_coil(p.device, static_cast<int>(p.index), output.value, output.write_id);
      return;
    }
  } else if (p.kind == core::PointKind::gpio_line) {
    for (auto& c : chips_) {
      if (c->id != p.device) continue;
      write_gpio(*c, output);
      return;
    }
  }
  spdlog::error("no driver for output {}", core::to_string(p));
  report_output(output, false, "no driver for this output");
}

void SiteIo::report_output(const core::SetOutput& output, bool ok, const std::string& error) {
  // Posted, never called inline: the controller is in the middle of handling
  // the input that asked for this write.
  boost::asio::post(io_, [this, output, ok, error, t = wall_now(), m = mono_now()] {
    deliver(core::OutputResult{output.point, output.write_id, output.value, ok, error, t, m});
  });
}

void SiteIo::write_gpio(ChipLink& chip, const core::SetOutput& output) {
  const std::uint32_t line = output.point.index;
  // A write still waiting for the chip is superseded: never answered (the
  // core forgets its id once this one's answer comes).
  chip.pending_writes.erase(line);
  const gpio::SetStatus s = chip.chip->set_output(line, output.value);
  if (s == gpio::SetStatus::applied) {
    report_output(output, true, {});
    return;
  }
  if (s != gpio::SetStatus::pending) {
    spdlog::error("output {}: {}", core::to_string(output.point), gpio::to_string(s));
    report_output(output, false, gpio::to_string(s));
    return;
  }
  // The chip is offline: it applies the value when it is back. Confirm then,
  // or report the write failed when that takes too long.
  auto& pending = chip.pending_writes[line];
  pending.output = output;
  pending.timer = std::make_unique<boost::asio::steady_timer>(io_, kGpioWriteTimeout);
  pending.timer->async_wait(
      [this, c = &chip, line, id = output.write_id](const boost::system::error_code& ec) {
        if (ec) return;
        auto it = c->pending_writes.find(line);
        if (it == c->pending_writes.end() || it->second.output.write_id != id) return;
        const core::SetOutput expired = it->second.output;
        c->pending_writes.erase(it);
        report_output(
            expired, false,
            "chip offline: not applied within " + std::to_string(kGpioWriteTimeout.count()) + " s");
      });
}

void SiteIo::flush_pending_writes(ChipLink& chip) {
  auto pending = std::move(chip.pending_writes);
  chip.pending_writes.clear();
  for (auto& [line, w] : pending) {
    w.timer->cancel();
    write_gpio(chip, w.output);
  }
}

void SiteIo::on_level(ChipLink& chip, const gpio::LevelReport& level, core::TimePoint wall) {
  for (std::uint32_t line : chip.point_lines) {
    if (line != level.line) continue;
    deliver(core::PointChanged{core::PointRef{chip.id, core::PointKind::gpio_line, line},
                               level.value, wall, mono_from(level.timestamp), true});
    return;
  }
}

void SiteIo::on_edge(ChipLink& chip, const gpio::EdgeEvent& edge) {
  for (ReaderLink* reader : chip.readers) {
    if (edge.line != reader->d0 && edge.line != reader->d1) continue;
    reader->decoder->on_edge(edge.line == reader->d0 ? wiegand::WiegandDecoder::Line::d0
                                                     : wiegand::WiegandDecoder::Line::d1,
                             edge.rising, edge.timestamp);
    arm_frame_timer(*reader);
    return;
  }
  for (std::uint32_t line : chip.point_lines) {
    if (line != edge.line) continue;
    // Levels are logical (active-low applied by the chip): true is an
    // active input, contact open or REX pressed.
    deliver(core::PointChanged{core::PointRef{chip.id, core::PointKind::gpio_line, line},
                               edge.rising, wall_now(), mono_from(edge.timestamp)});
    return;
  }
}

void SiteIo::arm_frame_timer(ReaderLink& reader) {
  const auto deadline = reader.decoder->deadline();
  if (!deadline) return;
  reader.timer->expires_at(std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(*deadline)));
  reader.timer->async_wait([this, r = &reader](const boost::system::error_code& ec) {
    if (!ec) on_frame_timer(*r);
  });
}

void SiteIo::on_frame_timer(ReaderLink& reader) {
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::steady_clock::now().time_since_epoch());
  while (auto result = reader.decoder->poll(now)) {
    if (const auto* card = std::get_if<wiegand::WiegandCard>(&*result)) {
      deliver(core::CardPresented{reader.reader, card->card, card->format, wall_now(), mono_now()});
    } else if (const auto* key = std::get_if<wiegand::WiegandKey>(&*result)) {
      // A PIN digit: handed to the core, never logged.
      deliver(core::KeyPressed{reader.reader, key->key, wall_now(), mono_now()});
    } else {
      const auto& err = std::get<wiegand::WiegandError>(*result);
      deliver(core::ReadFailed{reader.reader, err.raw_bits, err.bit_count, err.check_failed,
                               wall_now(), mono_now()});
    }
  }
  arm_frame_timer(reader);  // a later frame may already be in progress
}

}  // namespace vigil::app
