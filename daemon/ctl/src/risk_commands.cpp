// vigilctl flag set|clear|list and trip add|list|return: the ethics unit's
// records. Each change goes through journal::Roster, journalled with the
// operator; a running vigild applies it within a second like any roster
// change.
#include <charconv>
#include <iostream>

#include "roster_change.hpp"
#include "vigil/ctl/commands.hpp"

namespace vigil::ctl {
namespace {

std::optional<core::LocalDate> date_arg(const std::string& text, const char* what,
                                        std::ostream& err) {
  auto date = core::parse_date(text);
  if (!date)
    err << "vigilctl: " << what << ": expected a date such as 2026-12-31, got '" << text << "'\n";
  return date;
}

std::string flag_line(const journal::FlagRecord& r) {
  return r.person.str() + "  " + core::to_string(r.flag.kind) + "  until " +
         (r.flag.until ? core::format_date(*r.flag.until) : std::string{"cleared"}) + "  set by " +
         r.flag.set_by + " at " + core::format_utc(r.flag.set_at) + "  reason: " + r.flag.reason;
}

std::string trip_line(const journal::TripRecord& r) {
  return "trip " + std::to_string(r.trip.id) + "  " + r.person.str() + "  " +
         core::format_date(r.trip.first_day) + " .. " + core::format_date(r.trip.last_day) + "  " +
         r.trip.destination + "  approval " + r.trip.approval_ref + "  " +
         (r.trip.returned ? "returned" : "no return report");
}

}  // namespace

int flag_set(const FlagSetArgs& args, std::ostream& out, std::ostream& err) {
  const auto kind = core::flag_kind_from_string(args.kind);
  if (!kind) {
    err << "vigilctl: expected a flag watch or suspend, got '" << args.kind << "'\n";
    return 2;
  }
  std::optional<core::LocalDate> until;
  if (args.until) {
    until = date_arg(*args.until, "--until", err);
    if (!until) return 2;
  }
  return run_change(args.db_path, err, [&](journal::Roster& roster) {
    print_change(
        roster.set_flag(core::PersonId{args.person}, *kind, args.reason, until, wall_now()), out);
    return 0;
  });
}

int flag_clear(const std::string& db_path, const std::string& person, const std::string& reason,
               std::ostream& out, std::ostream& err) {
  return run_change(db_path, err, [&](journal::Roster& roster) {
    const auto change = roster.clear_flag(core::PersonId{person}, reason, wall_now());
    if (change.events.empty()) out << person << " has no flag; nothing changed\n";
    print_change(change, out);
    return 0;
  });
}

int flag_list(const std::string& db_path, std::ostream& out, std::ostream& err) {
  if (!database_exists(db_path, err)) return 2;
  try {
    for (const auto& record : journal::PeopleStore(db_path).list_flags()) {
      out << flag_line(record) << "\n";
    }
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

int trip_add(const TripAddArgs& args, std::ostream& out, std::ostream& err) {
  const auto first = date_arg(args.first_day, "--from", err);
  const auto last = date_arg(args.last_day, "--to", err);
  if (!first || !last) return 2;
  core::Trip trip{.id = 0,
                  .first_day = *first,
                  .last_day = *last,
                  .destination = args.destination,
                  .approval_ref = args.approval,
                  .returned = false};
  return run_change(args.db_path, err, [&](journal::Roster& roster) {
    print_change(roster.add_trip(core::PersonId{args.person}, trip, wall_now()), out);
    return 0;
  });
}

int trip_list(const std::string& db_path, const std::optional<std::string>& person,
              std::ostream& out, std::ostream& err) {
  if (!database_exists(db_path, err)) return 2;
  try {
    std::optional<core::PersonId> who;
    if (person) who = core::PersonId{*person};
    for (const auto& record : journal::PeopleStore(db_path).list_trips(who)) {
      out << trip_line(record) << "\n";
    }
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

int trip_return(const std::string& db_path, const std::string& trip, const std::string& note,
                std::ostream& out, std::ostream& err) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(trip.data(), trip.data() + trip.size(), id);
  if (ec != std::errc{} || end != trip.data() + trip.size() || id <= 0) {
    err << "vigilctl: expected a trip number such as 12, got '" << trip << "'\n";
    return 2;
  }
  return run_change(db_path, err, [&](journal::Roster& roster) {
    print_change(roster.record_return(id, note, wall_now()), out);
    return 0;
  });
}

}  // namespace vigil::ctl
