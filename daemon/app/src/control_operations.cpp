// The operations commands vigild serves on its control socket: the incident
// lifecycle, lockdown, muster, alarm zones and fire release. The same
// functions and options as vigilctl's local CLI, minus the ways to name a
// file: vigild always uses its own journal and config. The operator each
// action journals is the peer's (ctl::current_operator() under the acting
// operator ControlCommands::run sets).
#include <string>

#include "control_invocation.hpp"
#include "vigil/ctl/alarm_commands.hpp"

namespace vigil::app {
namespace {

// The incident context from vigild's own config, built when the command runs
// (so the acting operator is set).
ctl::IncidentContext incident_context_of(const config::SiteConfig& c, core::TimePoint now) {
  ctl::IncidentContext ctx;
  ctx.db_path = c.journal_path;
  ctx.operator_name = ctl::current_operator();
  ctx.rules = c.incident_rules;
  for (const auto& door : c.site.doors) ctx.door_zones.emplace(door.id.str(), door.to_zone);
  ctx.zones.emplace();
  for (const auto& zone : c.site.zones) ctx.zones->push_back(zone.id);
  ctx.now = now;
  return ctx;
}

void add_incident_commands(CLI::App& app, OperationsArgs& a, Invocation& inv,
                           const config::SiteConfig& c, core::TimePoint now) {
  auto* incident = app.add_subcommand("incident")->require_subcommand(1);
  auto* list = incident->add_subcommand("list");
  list->add_option("--state", a.incident_state);
  list->add_option("--zone", a.incident_zone);
  list->callback([&, now] {
    choose(inv, "incident list", [&a, &c, now](auto& o, auto& e) {
      return ctl::incident_list(incident_context_of(c, now), a.incident_state, a.incident_zone, o,
                                e);
    });
  });
  using IdCommand =
      int (*)(const ctl::IncidentContext&, const std::string&, std::ostream&, std::ostream&);
  // Pairs, not structured bindings: clang 14 (CI's sanitizer tree) cannot
  // capture a structured binding in a lambda.
  for (const auto& entry : {std::pair<const char*, IdCommand>{"show", ctl::incident_show},
                            {"ack", ctl::incident_ack}}) {
    const char* name = entry.first;
    IdCommand command = entry.second;
    auto* sub = incident->add_subcommand(name);
    sub->add_option("id", a.incident_id)->required();
    sub->callback([&, name, command, now] {
      choose(inv, std::string("incident ") + name, [&a, &c, command, now](auto& o, auto& e) {
        return command(incident_context_of(c, now), a.incident_id, o, e);
      });
    });
  }
  using NoteCommand = int (*)(const ctl::IncidentContext&, const std::string&, const std::string&,
                              std::ostream&, std::ostream&);
  for (const auto& entry : {std::pair<const char*, NoteCommand>{"resolve", ctl::incident_resolve},
                            {"escalate", ctl::incident_escalate}}) {
    const char* name = entry.first;
    NoteCommand command = entry.second;
    auto* sub = incident->add_subcommand(name);
    sub->add_option("id", a.incident_id)->required();
    auto* note = sub->add_option("--note", a.incident_note);
    if (std::string(name) == "resolve") note->required();
    sub->callback([&, name, command, now] {
      choose(inv, std::string("incident ") + name, [&a, &c, command, now](auto& o, auto& e) {
        return command(incident_context_of(c, now), a.incident_id, a.incident_note, o, e);
      });
    });
  }
  auto* form = incident->add_subcommand("form");
  form->add_option("id", a.incident_id)->required();
  form->add_flag("--json", a.incident_json);
  form->callback([&, now] {
    choose(inv, "incident form", [&a, &c, now](auto& o, auto& e) {
      return ctl::incident_form(incident_context_of(c, now), a.incident_id, a.incident_json, o, e);
    });
  });
  auto* report = incident->add_subcommand("report");
  report->add_option("--kind", a.report.kind)->required();
  report->add_option("--zone", a.report.zone)->required();
  report->add_option("--note", a.report.note)->required();
  report->add_option("--person", a.report.person);
  report->callback([&, now] {
    choose(inv, "incident report", [&a, &c, now](auto& o, auto& e) {
      return ctl::incident_report(incident_context_of(c, now), a.report, o, e);
    });
  });
}

void add_zone_commands(CLI::App& app, OperationsArgs& a, Invocation& inv,
                       const config::SiteConfig& c, core::TimePoint now) {
  const std::string db = c.journal_path;
  auto* lockdown = app.add_subcommand("lockdown")->require_subcommand(1);
  for (const char* verb : {"set", "release"}) {
    auto* sub = lockdown->add_subcommand(verb);
    sub->add_option("zone", a.lockdown.zone)->required();
    sub->add_option("--reason", a.lockdown.reason)->required();
    sub->callback([&, verb, db] {
      a.lockdown.db_path = db;
      if (!c.source_path.empty()) a.lockdown.config_path = c.source_path;
      const bool set = std::string(verb) == "set";
      choose(inv, std::string("lockdown ") + verb, [&a, set](auto& o, auto& e) {
        return set ? ctl::lockdown_set(a.lockdown, o, e) : ctl::lockdown_release(a.lockdown, o, e);
      });
    });
  }
  lockdown->add_subcommand("list")->callback([&, db] {
    choose(inv, "lockdown list", [db](auto& o, auto& e) { return ctl::lockdown_list(db, o, e); });
  });

  auto* muster = app.add_subcommand("muster");
  muster->add_option("zone", a.muster.zone);
  muster->callback([&, db] {
    a.muster.config_path = c.source_path;
    a.muster.db_path = db;
    choose(inv, "muster", [&a](auto& o, auto& e) { return ctl::muster(a.muster, o, e); });
  });

  auto* alarm = app.add_subcommand("alarm")->require_subcommand(1);
  for (const char* verb : {"arm", "disarm"}) {
    auto* sub = alarm->add_subcommand(verb);
    sub->add_option("zone", a.alarm_zone)->required();
    if (std::string(verb) == "arm") sub->add_flag("--bypass", a.alarm_bypass);
    sub->callback([&, verb, db, now] {
      const std::string kind = std::string("alarm_") + verb;
      choose(inv, std::string("alarm ") + verb, [&a, &c, kind, db, now](auto& o, auto& e) {
        std::optional<std::string> config;
        if (!c.source_path.empty()) config = c.source_path;
        return ctl::alarm_request(db, kind, a.alarm_zone, a.alarm_bypass, config, now, o, e);
      });
    });
  }
  alarm->add_subcommand("status")->callback([&, db] {
    choose(inv, "alarm status", [db](auto& o, auto& e) { return ctl::alarm_status(db, o, e); });
  });
  auto* fire = app.add_subcommand("fire")->require_subcommand(1);
  for (const char* verb : {"reset", "release"}) {
    fire->add_subcommand(verb)->callback([&, verb, db, now] {
      const std::string kind = std::string("fire_") + verb;
      choose(inv, std::string("fire ") + verb,
             [kind, db, now](auto& o, auto& e) { return ctl::fire_request(db, kind, now, o, e); });
    });
  }
}

}  // namespace

void add_door_commands(CLI::App& app, OperationsArgs& a, Invocation& inv,
                       const config::SiteConfig& c, const DoorUnlocker& unlocker) {
  auto* door = app.add_subcommand("door")->require_subcommand(1);
  auto* unlock = door->add_subcommand("unlock");
  unlock->add_option("door", a.door)->required();
  unlock->add_option("--seconds", a.door_seconds)->required()->check(CLI::Range(1, 300));
  unlock->callback([&] {
    for (const auto& d : c.site.doors) {
      if (d.id.str() == a.door) inv.target_zone = d.to_zone;
    }
    choose(inv, "door unlock", [&a, &unlocker](auto& o, auto& e) {
      if (!unlocker) {
        e << "vigild: door unlock needs vigild's door loop\n";
        return 1;
      }
      const DoorUnlockAnswer answer = unlocker(a.door, a.door_seconds, ctl::current_operator());
      if (!answer.ok) {
        e << "vigild: " << answer.message << "\n";
        return 1;
      }
      o << answer.message << "\n";
      return 0;
    });
  });
}

void add_config_commands(CLI::App& app, Invocation& inv, const ConfigReloader& reloader) {
  auto* config = app.add_subcommand("config")->require_subcommand(1);
  auto* reload = config->add_subcommand("reload");
  auto dry_run = std::make_shared<bool>(false);
  reload->add_flag("--dry-run", *dry_run, "say what a reload would change; apply nothing");
  reload->callback([&inv, &reloader, dry_run] {
    choose(inv, "config reload", [&reloader, dry_run](auto& o, auto& e) {
      if (!reloader) {
        e << "vigild: config reload needs vigild's door loop\n";
        return 1;
      }
      const ConfigReloadAnswer answer = reloader(ctl::current_operator(), *dry_run);
      (answer.ok ? o : e) << "vigild: config reload " << answer.message
                          << (answer.message.ends_with('\n') ? "" : "\n");
      return answer.ok ? 0 : 1;
    });
  });
}

void add_operations_commands(CLI::App& app, OperationsArgs& a, Invocation& inv,
                             const config::SiteConfig& c, core::TimePoint now) {
  add_incident_commands(app, a, inv, c, now);
  add_zone_commands(app, a, inv, c, now);
}

}  // namespace vigil::app
