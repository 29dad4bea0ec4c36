// vigilctl visit add|end|list|show (vigil/ctl/visit_commands.hpp).
#include "vigil/ctl/visit_commands.hpp"

#include <charconv>

#include "roster_change.hpp"
#include "vigil/config/load.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::ctl {
namespace {

std::optional<std::int64_t> visit_number(const std::string& text, std::ostream& err) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) {
    err << "vigilctl: expected a visit number such as 3, got '" << text << "'\n";
    return std::nullopt;
  }
  return id;
}

std::string joined(const std::vector<core::ZoneId>& zones) {
  std::string out;
  for (const auto& z : zones) out += (out.empty() ? "" : ",") + z.str();
  return out;
}

std::string visit_line(const core::Visit& v) {
  return "visit " + std::to_string(v.id) + "  " + v.visitor.str() + "  " +
         core::format_date(v.first_day) + " .. " + core::format_date(v.last_day) + "  host " +
         v.host.str() + "  " + v.organisation +
         (v.delegation.empty() ? "" : "  delegation " + v.delegation) + "  zones " +
         joined(v.zones) + (v.ended ? "  ended" : "");
}

// Every zone named must be in the site config, when one is given.
bool zones_known(const VisitAddArgs& args, std::ostream& err) {
  if (!args.config_path) return true;
  auto loaded = config::load_site_config(*args.config_path);
  if (!loaded.ok()) {
    err << "vigilctl: " << *args.config_path << ": " << config::to_string(loaded.diagnostics());
    return false;
  }
  for (const auto& zone : args.zones) {
    if (loaded.value().site.find_zone(core::ZoneId{zone}) == nullptr) {
      err << "vigilctl: no zone '" << zone << "' in " << *args.config_path << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace

int visit_add(const VisitAddArgs& args, std::ostream& out, std::ostream& err) {
  const auto first = core::parse_date(args.first_day);
  const auto last = core::parse_date(args.last_day);
  if (!first || !last) {
    err << "vigilctl: --from and --to take dates such as 2026-12-31\n";
    return 2;
  }
  if (!zones_known(args, err)) return 2;
  core::Visit visit{.id = 0,
                    .visitor = core::PersonId{args.visitor},
                    .host = core::PersonId{args.host},
                    .purpose = args.purpose,
                    .organisation = args.organisation,
                    .delegation = args.delegation,
                    .first_day = *first,
                    .last_day = *last,
                    .zones = {},
                    .ended = false};
  for (const auto& zone : args.zones) visit.zones.emplace_back(zone);
  return run_change(args.db_path, err, [&](journal::Roster& roster) {
    print_change(roster.add_visit(visit, wall_now()), out);
    return 0;
  });
}

int visit_end(const std::string& db_path, const std::string& visit, const std::string& reason,
              std::ostream& out, std::ostream& err) {
  const auto id = visit_number(visit, err);
  if (!id) return 2;
  return run_change(db_path, err, [&](journal::Roster& roster) {
    print_change(roster.end_visit(*id, reason, wall_now()), out);
    return 0;
  });
}

int visit_list(const std::string& db_path, const std::optional<std::string>& visitor,
               std::ostream& out, std::ostream& err) {
  if (!database_exists(db_path, err)) return 2;
  try {
    std::optional<core::PersonId> who;
    if (visitor) who = core::PersonId{*visitor};
    for (const auto& v : journal::PeopleStore(db_path).list_visits(who)) {
      out << visit_line(v) << "\n";
    }
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

int visit_show(const std::string& db_path, const std::string& visit, std::ostream& out,
               std::ostream& err) {
  const auto id = visit_number(visit, err);
  if (!id) return 2;
  if (!database_exists(db_path, err)) return 2;
  try {
    const auto v = journal::PeopleStore(db_path).find_visit(*id);
    if (!v) {
      err << "vigilctl: no visit " << *id << "\n";
      return 1;
    }
    out << visit_line(*v) << "\n  purpose: " << v->purpose << "\n";
    const journal::Journal journal(db_path);
    const auto events = journal.query(
        journal::Filter{.person = v->visitor,
                        .kinds = {core::EventKind::access_granted, core::EventKind::access_denied,
                                  core::EventKind::escort_waiting, core::EventKind::visit_added,
                                  core::EventKind::visit_ended}});
    for (const auto& e : events) {
      if (core::attr_int(e.attrs, "visit") != *id) continue;
      out << "  " << core::describe(e) << "\n";
    }
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vigil::ctl
