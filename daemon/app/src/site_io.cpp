#include "vigil/app/site_io.hpp"

#include <spdlog/spdlog.h>

#include "vigil/gpio/gpio_chip.hpp"
#include "vigil/modbus/core_inputs.hpp"
#include "vigil/modbus/io_module.hpp"
#include "vigil/wiegand/decoder.hpp"
#include "vigil/wiegand/format.hpp"

namespace vigil::app {
namespace {

core::TimePoint wall_now() {
  return std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
}

std::vector<wiegand::FormatSpec> formats_for(const config::WiegandReaderConfig& reader,
                                             const config::SiteConfig& config) {
  if (reader.formats.empty()) {
    std::vector<wiegand::FormatSpec> all = wiegand::builtin_formats();
    all.insert(all.end(), config.custom_formats.begin(), config.custom_formats.end());
    return all;
  }
  // Keep the reader's order: it decides between formats of equal length.
  std::vector<wiegand::FormatSpec> chosen;
  for (const auto& name : reader.formats)
    if (auto f = wiegand::find_format(name, config.custom_formats)) chosen.push_back(*f);
  return chosen;
}

modbus::ModbusIoOptions options_for(const config::ModbusDeviceConfig& d) {
  modbus::ModbusIoOptions o;
  o.device = d.id;
  o.transport = d.transport == "rtu" ? modbus::ModbusTransport::rtu : modbus::ModbusTransport::tcp;
  o.host = d.host;
  o.port = d.port;
  o.serial_device = d.serial_device;
  o.baud = d.baud;
  o.unit_id = d.unit_id;
  o.poll_period = d.poll_period;
  o.timeout = d.timeout;
  o.coil_count = d.coil_count;
  o.input_count = d.input_count;
  return o;
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
  std::unique_ptr<gpio::GpioChip> chip;
  std::vector<ReaderLink*> readers;
  std::vector<std::uint32_t> point_lines;  // contact / REX lines on this chip
};

SiteIo::SiteIo(boost::asio::io_context& io, const config::SiteConfig& config, InputHandler on_input)
    : io_(io), config_(config), on_input_(std::move(on_input)) {}

SiteIo::~SiteIo() {
  stop();
}

void SiteIo::start() {
  if (started_) return;
  started_ = true;
  for (const auto& device : config_.modbus_devices) {
    modbus_.emplace(device.id, std::make_unique<modbus::ModbusIoModule>(
                                   options_for(device), io_,
                                   modbus::core_input_callbacks(
                                       device.id, [this](const core::Input& in) { deliver(in); })));
  }

  for (const auto& chip_config : config_.gpio_chips) {
    auto link = std::make_unique<ChipLink>();
    link->id = chip_config.id;
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
        formats_for(rc, config_),
        std::chrono::duration_cast<std::chrono::nanoseconds>(rc.frame_close));
    link->timer = std::make_unique<boost::asio::steady_timer>(io_);
    chip->chip->request_input(rc.d0_line);
    chip->chip->request_input(rc.d1_line);
    chip->readers.push_back(link.get());
    readers_.push_back(std::move(link));
  }

  for (const auto& door : config_.site.doors) {
    auto gpio_input = [&](const core::PointRef& p) {
      if (p.kind != core::PointKind::gpio_line) return;
      if (ChipLink* chip = find_chip(p.device)) {
        chip->chip->request_input(p.index);
        chip->point_lines.push_back(p.index);
      }
    };
    gpio_input(door.contact);
    if (door.rex) gpio_input(*door.rex);
    if (door.lock.kind == core::PointKind::gpio_line)
      if (ChipLink* chip = find_chip(door.lock.device))
        chip->chip->request_output(door.lock.index, false);
  }

  for (auto& c : chips_) {
    ChipLink* link = c.get();
    link->chip->on_edge([this, link](const gpio::EdgeEvent& edge) {
      boost::asio::post(io_, [this, link, edge] { on_edge(*link, edge); });
    });
    link->chip->on_status([this, id = link->id](bool online, const std::string& detail) {
      const core::TimePoint t = wall_now();
      boost::asio::post(io_, [this, id, online, detail, t] {
        deliver(core::DeviceStatusChanged{id, online, detail, t});
      });
    });
    link->chip->start();
  }
}

void SiteIo::stop() {
  if (!started_) return;
  started_ = false;
  for (auto& r : readers_) r->timer->cancel();
  for (auto& c : chips_) c->chip->stop();
  for (auto& [id, m] : modbus_) m->stop();
}

void SiteIo::deliver(const core::Input& input) {
  // After stop(), drivers still report their own shutdown ("stopped",
  // connection closed): that is not a device fault, so it is not an input.
  if (started_) on_input_(input);
}

void SiteIo::apply(const core::SetOutput& output) {
  const auto& p = output.point;
  if (p.kind == core::PointKind::coil) {
    if (auto it = modbus_.find(p.device); it != modbus_.end()) {
      it->second->set_coil(static_cast<int>(p.index), output.value);
      return;
    }
  } else if (p.kind == core::PointKind::gpio_line) {
    for (auto& c : chips_) {
      if (c->id != p.device) continue;
      const gpio::SetStatus s = c->chip->set_output(p.index, output.value);
      if (s == gpio::SetStatus::failed || s == gpio::SetStatus::not_an_output)
        spdlog::error("output {}: {}", core::to_string(p), gpio::to_string(s));
      return;
    }
  }
  spdlog::error("no driver for output {}", core::to_string(p));
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
    // A high line is an active input: contact open, REX pressed.
    deliver(core::PointChanged{core::PointRef{chip.id, core::PointKind::gpio_line, line},
                               edge.rising, wall_now()});
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
      deliver(core::CardPresented{reader.reader, card->card, card->format, wall_now()});
    } else {
      const auto& err = std::get<wiegand::WiegandError>(*result);
      deliver(core::ReadFailed{reader.reader, err.raw_bits, err.bit_count, err.check_failed,
                               wall_now()});
    }
  }
  arm_frame_timer(reader);  // a later frame may already be in progress
}

}  // namespace vigil::app
