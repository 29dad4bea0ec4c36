// Build: a validated draft becomes the core Site plus the shell's configs.
// Nothing here can fail; every check happened in validate().
#include <algorithm>

#include "draft.hpp"

namespace vigil::config {
namespace {

constexpr const char* kDefaultJournalPath = "/var/lib/vigil/journal.db";

core::PointRef to_point(const DraftPoint& p) {
  const core::PointKind kind = p.index_key == "coil"    ? core::PointKind::coil
                               : p.index_key == "input" ? core::PointKind::discrete_input
                                                        : core::PointKind::gpio_line;
  return core::PointRef{core::DeviceId(p.device.value), kind,
                        static_cast<std::uint32_t>(p.index.value)};
}

}  // namespace

std::string resolve_config_path(const std::filesystem::path& source, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (std::filesystem::absolute(source).parent_path() / p).lexically_normal().string();
}

SiteConfig build(Draft draft, Resolved resolved) {
  SiteConfig out;
  out.source_path = draft.source.string();

  core::Site& site = out.site;
  site.id = core::SiteId(draft.site_id.value);
  site.gateway = core::GatewayId(draft.gateway.value);
  site.time_zone = std::move(resolved.time_zone);
  site.return_report_destinations = draft.return_report_destinations;
  site.escort_window = draft.escort_window;
  site.pin = draft.pin;

  bool outside_declared = false;
  for (const auto& z : draft.zones) outside_declared |= z.id.value == kOutsideZone;
  if (!outside_declared) {
    site.zones.push_back(core::Zone{core::ZoneId(kOutsideZone), "Outside",
                                    core::SecurityLevel::public_, std::nullopt,
                                    core::ClearanceLevel::none});
  }
  for (const auto& z : draft.zones) {
    core::Zone zone{core::ZoneId(z.id.value), z.name, z.security_level, std::nullopt,
                    z.required_clearance};
    if (z.parent) zone.parent = core::ZoneId(z.parent->value);
    zone.requires_return_report = z.requires_return_report;
    zone.anti_passback = z.anti_passback;
    zone.occupancy_limit = z.occupancy_limit;
    zone.two_person_window = z.two_person_window;
    zone.escort_window = z.escort_window;
    site.zones.push_back(std::move(zone));
  }
  for (const auto& d : draft.doors) {
    core::Door door;
    door.id = core::DoorId(d.id.value);
    door.name = d.name;
    door.from_zone = core::ZoneId(d.from.value);
    door.to_zone = core::ZoneId(d.to.value);
    door.lock = to_point(*d.lock);
    door.contact = to_point(*d.contact);
    if (d.rex) door.rex = to_point(*d.rex);
    door.unlock_time = d.unlock_time;
    door.held_open_time = d.held_open_time;
    door.fail_mode = d.fail_mode;
    if (d.relock_delay) door.relock_delay = d.relock_delay->value;
    if (d.contact_debounce) door.contact_debounce = d.contact_debounce->value;
    if (d.rex_debounce) door.rex_debounce = d.rex_debounce->value;
    if (d.rex_stuck_time) door.rex_stuck_time = d.rex_stuck_time->value;
    door.mode = d.mode;
    door.unlocked_schedule = d.unlocked_schedule;
    site.doors.push_back(std::move(door));
  }
  for (const auto& r : draft.readers) {
    site.readers.push_back(
        core::Reader{core::ReaderId(r.id.value), core::DoorId(r.door.value), r.direction});
    if (r.board) continue;  // wired to its door board below
    const DraftWiegand& w = *r.wiegand;
    WiegandReaderConfig wiegand;
    wiegand.reader = core::ReaderId(r.id.value);
    wiegand.chip = core::DeviceId(w.chip.value);
    wiegand.d0_line = static_cast<std::uint32_t>(w.d0->value);
    wiegand.d1_line = static_cast<std::uint32_t>(w.d1->value);
    for (const auto& f : w.formats) wiegand.formats.push_back(f.value);
    wiegand.frame_close = w.frame_close;
    out.wiegand_readers.push_back(std::move(wiegand));
  }
  for (const auto& l : draft.access_levels) {
    core::AccessLevel level;
    level.id = core::AccessLevelId(l.id.value);
    for (const auto& z : l.zones) level.zones.push_back(core::ZoneId(z.value));
    level.schedule = l.schedule;
    if (l.holidays) level.holidays = l.holidays->value;
    level.lockdown_override = l.lockdown_override;
    site.access_levels.push_back(std::move(level));
  }
  for (const auto& c : draft.holiday_calendars) {
    core::HolidayCalendar calendar{c.id.value, {}};
    for (const auto& d : c.days) {
      core::Holiday day{d.date, d.name, d.schedule ? d.schedule->value : std::string{}, {}};
      for (const auto& s : draft.holiday_schedules) {
        if (d.schedule && s.id.value == d.schedule->value) day.windows = s.windows;
      }
      calendar.days.push_back(std::move(day));
    }
    std::sort(calendar.days.begin(), calendar.days.end(),
              [](const auto& a, const auto& b) { return a.date < b.date; });
    site.holiday_calendars.push_back(std::move(calendar));
  }
  site.build_index();  // ids to positions: decide() looks levels and zones up per read

  for (auto& d : draft.devices) {
    if (d.type == DeviceType::modbus_tcp || d.type == DeviceType::modbus_rtu) {
      out.modbus_devices.push_back(std::move(d.modbus));
    } else if (d.type == DeviceType::door_board) {
      DoorBoardConfig board = std::move(d.board);
      board.serial_device = resolve_config_path(draft.source, board.serial_device);
      board.readers.resize(static_cast<std::size_t>(board.reader_count));
      for (const auto& r : draft.readers) {
        if (!r.board || r.board->device.value != d.id.value) continue;
        BoardReaderConfig reader{core::ReaderId(r.id.value), {}};
        for (const auto& f : r.board->formats) reader.formats.push_back(f.value);
        board.readers[static_cast<std::size_t>(r.board->port->value)] = std::move(reader);
      }
      out.door_boards.push_back(std::move(board));
    } else {
      // A sim chip's socket is a file path; a gpiod chip is a device node or
      // a chip name ("gpiochip0") that libgpiod resolves itself.
      if (d.type == DeviceType::sim_gpio)
        d.gpio.path = resolve_config_path(draft.source, d.gpio.path);
      out.gpio_chips.push_back(std::move(d.gpio));
    }
  }
  for (auto& f : draft.formats) out.custom_formats.push_back(std::move(f.spec));

  out.journal_path =
      resolve_config_path(draft.source, draft.journal_path ? draft.journal_path->value
                                                           : std::string(kDefaultJournalPath));
  out.broker = std::move(draft.broker);
  if (!draft.client_id_given) {
    out.broker.client_id = "vigild-" + draft.site_id.value + "-" + draft.gateway.value;
  }
  out.incident_rules = draft.incident_rules;
  out.clock_jump_threshold = draft.clock_jump_threshold;
  out.checkpoint_every_events = draft.checkpoint_every_events;
  out.checkpoint_interval = draft.checkpoint_interval;
  out.retention_keep_months = draft.retention_keep_months;
  if (draft.journal_archive_dir) {
    out.journal_archive_dir = resolve_config_path(draft.source, draft.journal_archive_dir->value);
  }
  build_operators(draft, out);
  build_alarm(draft, out);
  out.read_error_rate = draft.read_error_rate;
  return out;
}

}  // namespace vigil::config
