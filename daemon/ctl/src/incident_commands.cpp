// vigilctl incident list|ack|resolve|escalate|report: the incident lifecycle
// through journal::IncidentLog. Each action is one new journal event naming
// the operator; a running vigild publishes the new state on MQTT
// (incident-state/<id>) within a second.
#include "vigil/ctl/incident_commands.hpp"

#include <charconv>
#include <chrono>
#include <iostream>

#include "incident_text.hpp"
#include "roster_change.hpp"
#include "vigil/config/load.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/journal/incident_log.hpp"
#include "vigil/journal/people_store.hpp"

namespace vigil::ctl {
namespace {

journal::IncidentLog open_log(const IncidentContext& ctx) {
  return journal::IncidentLog(ctx.db_path, ctx.operator_name,
                              journal::IncidentLogOptions{ctx.rules, ctx.door_zones});
}

// Runs a command on the log; every failure is a message, never a crash.
template <class Command>
int with_log(const IncidentContext& ctx, std::ostream& err, Command command) {
  if (!database_exists(ctx.db_path, err)) return 2;
  try {
    auto log = open_log(ctx);
    return command(log);
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
}

template <class Action>
int act(const IncidentContext& ctx, const std::string& id_text, std::ostream& out,
        std::ostream& err, Action action) {
  const auto id = parse_incident_id(id_text, err);
  if (!id) return 2;
  return with_log(ctx, err, [&](journal::IncidentLog& log) {
    const auto e = action(log, *id);
    out << core::describe(e) << "\n";
    const auto record = log.find(*id);
    if (record) out << incident_line(*record) << "\n";
    return 0;
  });
}

}  // namespace

std::optional<std::uint64_t> parse_incident_id(const std::string& text, std::ostream& err) {
  std::string_view s = text;
  if (!s.empty() && s.front() == '#') s.remove_prefix(1);
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc{} || end != s.data() + s.size() || id == 0) {
    err << "vigilctl: an incident id is the number `incident list` shows, got '" << text << "'\n";
    return std::nullopt;
  }
  return id;
}

std::optional<IncidentContext> incident_context(const std::optional<std::string>& journal,
                                                const std::optional<std::string>& config,
                                                std::ostream& err) {
  IncidentContext ctx;
  ctx.operator_name = current_operator();
  ctx.now = std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
  if (config) {
    auto loaded = config::load_site_config(*config);
    if (!loaded) {
      err << config::to_string(loaded.diagnostics());
      return std::nullopt;
    }
    const auto& site = loaded.value();
    ctx.db_path = site.journal_path;
    ctx.rules = site.incident_rules;
    for (const auto& door : site.site.doors) ctx.door_zones.emplace(door.id.str(), door.to_zone);
    ctx.zones.emplace();
    for (const auto& zone : site.site.zones) ctx.zones->push_back(zone.id);
  }
  if (journal) ctx.db_path = *journal;
  if (ctx.db_path.empty()) {
    err << "vigilctl: give --journal PATH or --config SITE.yaml\n";
    return std::nullopt;
  }
  return ctx;
}

int incident_list(const IncidentContext& ctx, const std::optional<std::string>& state,
                  const std::optional<std::string>& zone, std::ostream& out, std::ostream& err) {
  std::optional<core::IncidentState> wanted;
  if (state) {
    wanted = core::incident_state_from_string(*state);
    if (!wanted) {
      err << "vigilctl: --state is open, acknowledged or resolved, got '" << *state << "'\n";
      return 2;
    }
  }
  if (zone && ctx.zones) {
    const auto& zones = *ctx.zones;
    if (std::find(zones.begin(), zones.end(), core::ZoneId{*zone}) == zones.end()) {
      err << "vigilctl: no zone '" << *zone << "' in the site config\n";
      return 2;
    }
  }
  return with_log(ctx, err, [&](journal::IncidentLog& log) {
    std::size_t shown = 0;
    for (const auto& r : log.list()) {
      if (wanted && r.lifecycle.state() != *wanted) continue;
      if (zone && r.incident.event.zone != core::ZoneId{*zone}) continue;
      out << incident_line(r) << "\n";
      ++shown;
    }
    if (shown == 0) out << "no incidents\n";
    return 0;
  });
}

int incident_ack(const IncidentContext& ctx, const std::string& id, std::ostream& out,
                 std::ostream& err) {
  return act(ctx, id, out, err, [&](journal::IncidentLog& log, std::uint64_t n) {
    return log.acknowledge(n, ctx.now);
  });
}

int incident_resolve(const IncidentContext& ctx, const std::string& id, const std::string& note,
                     std::ostream& out, std::ostream& err) {
  if (note.empty()) {
    err << "vigilctl: a resolution needs --note saying what was done\n";
    return 2;
  }
  return act(ctx, id, out, err, [&](journal::IncidentLog& log, std::uint64_t n) {
    return log.resolve(n, note, ctx.now);
  });
}

int incident_escalate(const IncidentContext& ctx, const std::string& id, const std::string& note,
                      std::ostream& out, std::ostream& err) {
  return act(ctx, id, out, err, [&](journal::IncidentLog& log, std::uint64_t n) {
    return log.escalate(n, note, ctx.now);
  });
}

int incident_report(const IncidentContext& ctx, const IncidentReportArgs& args, std::ostream& out,
                    std::ostream& err) {
  const auto kind = core::anomaly_kind_from_string(args.kind);
  if (!kind) {
    err << "vigilctl: --kind is approach, probing, unexplained_check, gift or other, got '"
        << args.kind << "'\n";
    return 2;
  }
  if (args.note.empty() || args.zone.empty()) {
    err << "vigilctl: a report needs --zone and --note saying what happened\n";
    return 2;
  }
  if (ctx.zones && std::find(ctx.zones->begin(), ctx.zones->end(), core::ZoneId{args.zone}) ==
                       ctx.zones->end()) {
    err << "vigilctl: no zone '" << args.zone << "' in the site config\n";
    return 2;
  }
  return with_log(ctx, err, [&](journal::IncidentLog& log) {
    std::optional<core::PersonId> person;
    if (args.person) {
      person = core::PersonId{*args.person};
      if (!journal::PeopleStore(ctx.db_path).find_person(*person)) {
        err << "vigilctl: no person '" << *args.person << "' on the roster\n";
        return 2;
      }
    }
    const auto record = log.report(*kind, core::ZoneId{args.zone}, args.note, person, ctx.now);
    out << incident_line(record) << "\n";
    return 0;
  });
}

}  // namespace vigil::ctl
