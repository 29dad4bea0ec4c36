// vigilctl person revoke / disable / enable / show / list: each change goes through
// journal::Roster, so it is journalled with the operator in the same
// transaction; a running vigild picks it up within a second (RosterWatch).
#include <pwd.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <iostream>

#include "event_table.hpp"
#include "roster_change.hpp"
#include "vigil/config/load.hpp"
#include "vigil/ctl/command_report.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::ctl {
namespace {

std::optional<core::CardNumber> parse_card_arg(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  core::CardNumber card;
  auto facility = text.substr(0, colon);
  auto number = text.substr(colon + 1);
  auto [f_end, f_ec] =
      std::from_chars(facility.data(), facility.data() + facility.size(), card.facility);
  auto [n_end, n_ec] = std::from_chars(number.data(), number.data() + number.size(), card.number);
  if (facility.empty() || number.empty() || f_ec != std::errc{} || n_ec != std::errc{} ||
      f_end != facility.data() + facility.size() || n_end != number.data() + number.size()) {
    return std::nullopt;
  }
  return card;
}

std::string validity(const core::Credential& c) {
  if (!c.valid_from && !c.valid_until) return "";
  return "  valid " + (c.valid_from ? core::format_utc(*c.valid_from) : std::string{"-"}) + " .. " +
         (c.valid_until ? core::format_utc(*c.valid_until) : std::string{"-"});
}

std::string clearance_text(const core::Clearance& c) {
  if (c.level == core::ClearanceLevel::none) return "(none)";
  return std::string(core::to_string(c.level)) +
         (c.expires ? " until " + core::format_date(*c.expires) : std::string{});
}

}  // namespace

std::optional<core::LocalDate> site_today(const std::optional<std::string>& config,
                                          std::ostream& err) {
  core::TimeZone tz;
  if (config) {
    auto loaded = config::load_site_config(*config);
    if (!loaded) {
      err << config::to_string(loaded.diagnostics());
      return std::nullopt;
    }
    tz = loaded.value().site.time_zone;
  }
  return tz.local(wall_now()).date;
}

int person_list(const PersonListArgs& args, std::ostream& out, std::ostream& err) {
  if (!database_exists(args.db_path, err)) return 2;
  try {
    journal::PeopleStore store(args.db_path);
    std::optional<core::LocalDate> by;
    if (args.expiring) by = args.today + args.days;
    const auto people = store.list_people(by);
    for (const auto& p : people) {
      std::string mark;
      if (args.expiring && p.clearance.expires) {
        const auto left = p.clearance.expires->days - args.today.days;
        mark =
            left < 0 ? "  expired" : "  " + std::to_string(left) + (left == 1 ? " day" : " days");
      }
      out << p.id.str() << "  " << p.name << "  " << (p.active ? "active" : "inactive") << "  "
          << clearance_text(p.clearance) << mark << "\n";
    }
    if (args.expiring) {
      out << people.size() << (people.size() == 1 ? " clearance" : " clearances") << " expiring by "
          << core::format_date(*by) << "\n";
    }
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

std::string current_operator() {
  if (const auto& acting = acting_operator()) return *acting;  // through vigild's socket
  const uid_t uid = geteuid();
  if (const passwd* entry = getpwuid(uid); entry != nullptr && entry->pw_name != nullptr) {
    return entry->pw_name;
  }
  return "uid:" + std::to_string(uid);
}

int person_revoke(const std::string& db_path, const std::string& card_text, std::ostream& out,
                  std::ostream& err) {
  const auto card = parse_card_arg(card_text);
  if (!card) {
    err << "vigilctl: expected a card as facility:number such as 12:1001, got '" << card_text
        << "'\n";
    return 2;
  }
  return run_change(db_path, err, [&](journal::Roster& roster) {
    print_change(roster.revoke_card(*card, wall_now()), out);
    return 0;
  });
}

int person_disable(const std::string& db_path, const std::string& id, std::ostream& out,
                   std::ostream& err) {
  return run_change(db_path, err, [&](journal::Roster& roster) {
    const auto change = roster.deactivate(core::PersonId{id}, wall_now());
    if (change.events.empty()) out << id << " is already inactive; nothing changed\n";
    print_change(change, out);
    return 0;
  });
}

int person_enable(const std::string& db_path, const std::string& id, std::ostream& out,
                  std::ostream& err) {
  return run_change(db_path, err, [&](journal::Roster& roster) {
    const auto change = roster.activate(core::PersonId{id}, wall_now());
    if (change.events.empty()) out << id << " is already active; nothing changed\n";
    print_change(change, out);
    return 0;
  });
}

int person_show(const std::string& db_path, const std::string& id, std::ostream& out,
                std::ostream& err) {
  if (!database_exists(db_path, err)) return 2;
  try {
    journal::Roster roster(db_path, current_operator());
    const auto record = roster.store().find_person(core::PersonId{id});
    if (!record) {
      err << "vigilctl: no person '" << id << "' in " << db_path << "\n";
      return 1;
    }
    const auto& p = record->person;
    std::string levels;
    for (const auto& level : p.access_levels) levels += (levels.empty() ? "" : ";") + level.str();
    out << "person  " << p.id.str() << "\n"
        << "name    " << p.name << "\n"
        << "status  " << (p.active ? "active" : "inactive") << "\n"
        << "levels  " << (levels.empty() ? "(none)" : levels) << "\n"
        << "clearance " << clearance_text(p.clearance) << "\n"
        << (record->cards.empty() ? "cards   (none)" : "cards") << "\n";
    for (const auto& card : record->cards) {
      const char* state = card.revoked ? "revoked" : card.credential.active ? "active" : "inactive";
      out << "  " << core::to_string(card.credential.card) << "  " << state
          << validity(card.credential) << "\n";
    }
    out << "history (roster events from the journal)\n";
    print_table(roster.history(p.id), out);
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vigil::ctl
