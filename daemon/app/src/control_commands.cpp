#include "vigil/app/control_commands.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <sstream>

#include "control_files.hpp"
#include "control_invocation.hpp"
#include "read_journal.hpp"
#include "vigil/ctl/audit_commands.hpp"
#include "vigil/ctl/command_report.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/ctl/control_client.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::app {
namespace {

using config::Role;
// Every argument struct the served commands fill, alive for one request.
struct Args {
  ctl::ImportArgs import;
  std::string person_arg;
  ctl::PersonListArgs list;
  ctl::FlagSetArgs flag;
  std::string flag_person, flag_reason;
  ctl::TripAddArgs trip;
  std::optional<std::string> trip_person;
  std::string trip_number, trip_note;
  ctl::QueryArgs query;
  ctl::AuditListArgs audit;
  ctl::AuditSampleArgs sample;
  bool query_utc = false;
  OperationsArgs ops;
  ctl::ReportArgs report;

  ExportServeArgs exports;
};

std::string join(const std::vector<std::string>& words, std::size_t from = 0) {
  std::string out;
  for (std::size_t i = from; i < words.size(); ++i) {
    const std::string& w = words[i];
    const bool quote = w.empty() || w.find_first_of(" \t\"'\\") != std::string::npos;
    std::string q;
    if (quote) {
      q = "\"";
      for (char c : w) q += (c == '"' || c == '\\') ? std::string{'\\', c} : std::string{c};
      q += "\"";
    }
    out += (out.empty() ? "" : " ") + (quote ? q : w);
  }
  return out;
}

std::string roles_text(const std::vector<Role>& roles) {
  std::string out;
  for (Role r : roles) out += (out.empty() ? "" : ", ") + std::string(config::to_string(r));
  return out.empty() ? "(none)" : out;
}

// The served commands: the same functions and options as vigilctl's local
// CLI, minus the ways to name a file (--journal, --db, --config): vigild
// always uses its own journal and config.
void add_commands(CLI::App& app, Args& a, Invocation& inv, const config::SiteConfig& c,
                  core::TimePoint now, const std::string& files_dir,
                  const DoorUnlocker& door_unlocker, const ConfigReloader& config_reloader,
                  ReadJournal& reads) {
  const std::string db = c.journal_path;
  app.add_subcommand("status")->callback([&, db, now] {
    choose(inv, "status", [db, now](auto& o, auto& e) { return ctl::status_show(db, now, o, e); });
  });
  auto* key = app.add_subcommand("key")->require_subcommand(1);
  key->add_subcommand("show")->callback([&, db] {
    choose(inv, "key show", [db](auto& o, auto& e) { return ctl::key_show(db, o, e); });
  });

  auto* log = app.add_subcommand("log")->require_subcommand(1);
  auto* query = log->add_subcommand("query");
  query->add_option("--person", a.query.person);
  query->add_option("--zone", a.query.zone);
  query->add_option("--door", a.query.door);
  query->add_option("--from", a.query.from);
  query->add_option("--to", a.query.to);
  query->add_option("--format", a.query.format)->default_val("table");
  query->add_option("--limit", a.query.limit);
  query->add_option("--card", a.query.card);
  query->add_option("--kind", a.query.kinds);
  query->add_option("--reason", a.query.reasons);
  query->add_option("--after-seq", a.query.after_seq);
  query->add_flag("--utc", a.query_utc);
  query->callback([&, db] {
    a.query.journal_path = db;
    a.query.archive_dir = c.journal_archive_dir;
    // Times are read and shown in the site's time zone unless --utc.
    a.query.time_zone = a.query_utc ? core::TimeZone{} : c.site.time_zone;
    inv.query = &a.query;
    choose(inv, "log query", [&a, &reads](auto& o, auto& e) {
      a.query.journal = reads.open(e);
      return ctl::log_query(a.query, o, e);
    });
  });
  add_export_command(*log, a.exports, inv, c, now);
  add_archive_command(*log, a.exports, inv, c, now);

  auto* person = app.add_subcommand("person")->require_subcommand(1);
  auto* import = person->add_subcommand("import");
  import->add_option("file", a.import.csv_path)->required();
  import->add_flag("--replace", a.import.replace);
  import->callback([&, db, files_dir] {
    a.import.csv_path = files_dir + "/" + a.import.csv_path;
  a.import.config_path = c.source_path;
  a.import.db_path = db;
  choose(inv, "person import",
         [&a](auto& o, auto& e) { return ctl::person_import(a.import, o, e); });
  inv.sent_file = a.import.csv_path;
});
using PersonCommand = int (*)(const std::string&, const std::string&, std::ostream&, std::ostream&);
// Pairs, not structured bindings: clang 14 (CI's sanitizer tree) cannot
// capture a structured binding in a lambda.
for (const auto& entry : {std::pair<const char*, PersonCommand>{"revoke", ctl::person_revoke},
                          {"disable", ctl::person_disable},
                          {"enable", ctl::person_enable},
                          {"show", ctl::person_show}}) {
  const char* name = entry.first;
  PersonCommand command = entry.second;
  auto* sub = person->add_subcommand(name);
  sub->add_option("id", a.person_arg)->required();
  sub->callback([&, db, name, command] {
    choose(inv, std::string("person ") + name,
           [&a, db, command](auto& o, auto& e) { return command(db, a.person_arg, o, e); });
  });
}
auto* list = person->add_subcommand("list");
list->add_flag("--expiring", a.list.expiring);
list->add_option("--days", a.list.days)->default_val(30);
list->callback([&, db] {
  a.list.db_path = db;
  a.list.today = c.site.time_zone.local(now).date;
  choose(inv, "person list", [&a](auto& o, auto& e) { return ctl::person_list(a.list, o, e); });
});

auto* flag = app.add_subcommand("flag") -> require_subcommand(1);
auto* flag_set = flag->add_subcommand("set");
flag_set->add_option("person", a.flag.person)->required();
flag_set->add_option("kind", a.flag.kind)->required();
flag_set->add_option("--reason", a.flag.reason)->required();
flag_set->add_option("--until", a.flag.until);
flag_set->callback([&, db] {
  a.flag.db_path = db;
  choose(inv, "flag set", [&a](auto& o, auto& e) { return ctl::flag_set(a.flag, o, e); });
});
auto* flag_clear = flag->add_subcommand("clear");
flag_clear->add_option("person", a.flag_person)->required();
flag_clear->add_option("--reason", a.flag_reason)->required();
flag_clear->callback([&, db] {
  choose(inv, "flag clear", [&a, db](auto& o, auto& e) {
    return ctl::flag_clear(db, a.flag_person, a.flag_reason, o, e);
  });
});
flag->add_subcommand("list")->callback([&, db] {
  choose(inv, "flag list", [db](auto& o, auto& e) { return ctl::flag_list(db, o, e); });
});

auto* trip = app.add_subcommand("trip") -> require_subcommand(1);
auto* trip_add = trip->add_subcommand("add");
trip_add->add_option("person", a.trip.person)->required();
trip_add->add_option("--from", a.trip.first_day)->required();
trip_add->add_option("--to", a.trip.last_day)->required();
trip_add->add_option("--destination", a.trip.destination)->required();
trip_add->add_option("--approval", a.trip.approval)->required();
trip_add->callback([&, db] {
  a.trip.db_path = db;
  choose(inv, "trip add", [&a](auto& o, auto& e) { return ctl::trip_add(a.trip, o, e); });
});
auto* trip_list = trip->add_subcommand("list");
trip_list->add_option("person", a.trip_person);
trip_list->callback([&, db] {
  choose(inv, "trip list",
         [&a, db](auto& o, auto& e) { return ctl::trip_list(db, a.trip_person, o, e); });
});
auto* trip_return = trip->add_subcommand("return");
trip_return->add_option("trip", a.trip_number)->required();
trip_return->add_option("--note", a.trip_note);
trip_return->callback([&, db] {
  choose(inv, "trip return", [&a, db](auto& o, auto& e) {
    return ctl::trip_return(db, a.trip_number, a.trip_note, o, e);
  });
});

auto* audit = app.add_subcommand("audit");
audit->add_option("--operator", a.audit.operator_name);
audit->add_option("--from", a.audit.from);
audit->add_option("--to", a.audit.to);
audit->callback([&, db] {
  if (!inv.path.empty()) return;  // `audit sample` chose already
  a.audit.db_path = db;
  a.audit.archive_dir = c.journal_archive_dir;
  choose(inv, "audit", [&a](auto& o, auto& e) { return ctl::audit_list(a.audit, o, e); });
});
auto* sample = audit->add_subcommand("sample");
sample->add_option("count", a.sample.count)->required()->check(CLI::Range(1, 1000));
sample->callback([&, db] {
  a.sample.db_path = db;
  a.sample.archive_dir = c.journal_archive_dir;
  choose(inv, "audit sample", [&a](auto& o, auto& e) { return ctl::audit_sample(a.sample, o, e); });
});

add_operations_commands(app, a.ops, inv, c, now);
add_door_commands(app, a.ops, inv, c, door_unlocker);
add_config_commands(app, inv, config_reloader);
add_report_command(app, a.report, inv, c, now);

add_inspection_commands(app, inv, c, now);
add_visit_commands(app, inv, c, files_dir);
}  // namespace

// A zone-scoped command for an operator whose scope is not the whole site:
// the zone asked must be in scope, or the scope must be one zone, applied.
// Returns why not, or empty when it may run.
std::string narrow_to_scope(const config::SiteConfig& c, const config::OperatorConfig& op,
                            std::optional<std::string>& zone) {
  if (op.all_zones) return "";
  const auto scope = config::zones_in_scope(c.site, op);
  std::string names;
  for (const auto& z : scope) names += (names.empty() ? "" : ", ") + z.str();
  if (zone) {
    if (config::zone_in_scope(c.site, op, core::ZoneId(*zone))) return "";
    return "zone '" + *zone + "' is outside your scope (" + (names.empty() ? "no zones" : names) +
           ")";
  }
  if (scope.size() == 1) {
    zone = scope.front().str();
    return "";
  }
  if (scope.empty()) return "your operator entry lists no zones";
  return "give --zone: one of " + names;
}

}  // namespace vigil::app

const std::vector<CommandRule>& command_rules() {
  using enum Role;
  static const std::vector<CommandRule> rules{
      {"status", {guard, facilities, auditor, supervisor, admin}, false},
      {"key show", {guard, facilities, auditor, supervisor, admin}, false},
      {"log query", {auditor, supervisor, admin}, true},
      {"log export", {auditor, supervisor, admin}, true},
      {"log archive", {supervisor, admin}, false},
      {"person import", {facilities, admin}, false},
      {"person revoke", {facilities, admin}, false},
      {"person disable", {facilities, admin}, false},
      {"person enable", {facilities, admin}, false},
      {"person show", {facilities, supervisor, admin}, false},
      {"person list", {facilities, supervisor, admin}, false},
      {"flag set", {supervisor, admin}, false},
      {"flag clear", {supervisor, admin}, false},
      {"flag list", {supervisor, admin}, false},
      {"trip add", {facilities, supervisor, admin}, false},
      {"trip list", {facilities, supervisor, admin}, false},
      {"trip return", {facilities, supervisor, admin}, false},
      {"trip import", {facilities, supervisor, admin}, false},
      // Visits (issue 8 item 6): the same people as trips.
      {"visit add", {facilities, supervisor, admin}, false},
      {"visit end", {facilities, supervisor, admin}, false},
      {"visit list", {facilities, supervisor, admin}, false},
      {"visit show", {facilities, supervisor, admin}, false},
      {"visit import", {facilities, supervisor, admin}, false},
      {"audit", {supervisor}, false},
      {"audit sample", {supervisor}, false},
      // Operations (issues 8, 9, 10): guards act on incidents, lockdowns,
      // alarm zones and fire resets at the door; anyone may report an anomaly.
      {"incident list", {guard, supervisor, auditor, admin}, false},
      {"incident show", {guard, supervisor, auditor, admin}, false},
      {"incident form", {guard, supervisor, auditor, admin}, false},
      {"incident ack", {guard, supervisor, admin}, false},
      {"incident resolve", {guard, supervisor, admin}, false},
      {"incident escalate", {guard, supervisor, admin}, false},
      {"incident report", {guard, facilities, auditor, supervisor, admin}, false},
      {"lockdown set", {guard, supervisor, admin}, false},
      {"lockdown release", {supervisor, admin}, false},
      {"lockdown list", {guard, facilities, supervisor, admin}, false},
      {"muster", {guard, facilities, supervisor, admin}, false},
      {"alarm arm", {guard, facilities, supervisor, admin}, false},
      {"alarm disarm", {guard, facilities, supervisor, admin}, false},
      {"alarm status", {guard, facilities, supervisor, admin}, false},
      {"fire release", {guard, supervisor, admin}, false},
      {"fire reset", {supervisor, admin}, false},
      // Issue 11 item 4: a guard releases a door for a visitor or a
      // delivery; in scope by the door's zone (Invocation::target_zone).
      {"door unlock", {guard, supervisor, admin}, false},
      // Facilities change the site's rules; the file is vigild's own.
      {"config reload", {facilities, admin}, false},
      // Periodic statistics (issue 10 item 7, docs/reports.md).
      {"report", {auditor, supervisor, admin}, true},

      // Inspections (issue 9 item 6): inspectors record, guards may read.
      {"inspection start", {facilities, auditor, supervisor, admin}, false},
      {"inspection record", {facilities, auditor, supervisor, admin}, false},
      {"inspection close", {facilities, auditor, supervisor, admin}, false},
      {"deficiency fix", {facilities, auditor, supervisor, admin}, false},
      {"inspection show", {guard, facilities, auditor, supervisor, admin}, false},
      {"inspect", {guard, facilities, auditor, supervisor, admin}, false},
  };
  return rules;
}

ControlCommands::ControlCommands(const config::SiteConfig& config, DoorUnlocker door_unlocker,
                                 ConfigReloader config_reloader,
                                 std::shared_ptr<const OperatorList> operators)
    : config_(&config),
      door_unlocker_(std::move(door_unlocker)),
      config_reloader_(std::move(config_reloader)),
      operators_(operators ? std::move(operators)
                           : std::make_shared<const OperatorList>(config.operators)),
      reads_(std::make_unique<ReadJournal>(config.journal_path, config.journal_archive_dir)) {}

ControlCommands::~ControlCommands() = default;

ControlOutcome ControlCommands::run(const Peer& peer, const ctl::ControlRequest& request,
                                    core::TimePoint now) {
  ControlOutcome outcome;
  core::Event& e = outcome.audit;
  e.time = now;
  core::set_attr(e.attrs, "unix_user", peer.user);
  core::set_attr(e.attrs, "uid", static_cast<std::int64_t>(peer.uid));
  auto refuse = [&](const std::string& command, const std::string& why) {
    e.kind = core::EventKind::access_refused;
    core::set_attr(e.attrs, "command", command);
    core::set_attr(e.attrs, "reason", why);
    e.detail = peer.user + ": " + command + " refused: " + why;
    outcome.reply = {3, "", "vigild: refused: " + why + "\n"};
    return outcome;
  };

  // The operators as of this request's start (a reload may replace them).
  const auto operators = operators_->snapshot();
  const auto op = std::find_if(operators->begin(), operators->end(),
                               [&](const auto& o) { return o.user == peer.user; });
  if (op == operators->end()) {
    core::set_attr(e.attrs, "filter", join(request.argv));
    return refuse(ctl::command_path(request.argv),
                  "Unix user '" + peer.user + "' is not an operator of this site");
  }
  core::set_attr(e.attrs, "operator", op->name);

  ControlFiles files(request.files);
  Args args;
  Invocation inv;
  CLI::App app{"vigild control"};
  app.require_subcommand(1);
  add_commands(app, args, inv, *config_, now, files.dir(), door_unlocker_, config_reloader_,
               *reads_);
  std::ostringstream out, err;
  int rc = 0;
  try {
    std::vector<std::string> reversed(request.argv.rbegin(), request.argv.rend());
    app.parse(reversed);
  } catch (const CLI::ParseError& parse_error) {
    rc = app.exit(parse_error, out, err);
    inv = {};  // nothing runs; still audited, with CLI11's exit code
  }
  const std::string command = inv.path.empty() ? ctl::command_path(request.argv) : inv.path;
  std::vector<std::string> words = request.argv;
  if (inv.run) {
    const auto rule = std::find_if(command_rules().begin(), command_rules().end(),
                                   [&](const auto& r) { return r.path == inv.path; });
    const bool allowed = std::any_of(rule->roles.begin(), rule->roles.end(),
                                     [&](Role r) { return op->has_role(r); });
    core::set_attr(e.attrs, "filter", join(words));
    if (!allowed) {
      return refuse(command, "'" + command + "' needs the role " + roles_text(rule->roles) +
                                 "; operator '" + op->name + "' has " + roles_text(op->roles));
    }
    if (inv.target_zone && !config::zone_in_scope(config_->site, *op, *inv.target_zone)) {
      return refuse(command, "zone '" + inv.target_zone->str() + "' is outside your scope");
    }
    std::optional<std::string>* zone = inv.query ? &inv.query->zone : inv.zone;
    if (rule->zone_scoped && zone) {
      const bool had_zone = zone->has_value();
      if (auto why = narrow_to_scope(*config_, *op, *zone); !why.empty()) {
        return refuse(command, why);
      }
      if (!had_zone && *zone) {
        words.push_back("--zone");
        words.push_back(**zone);  // the scope applied is part of the filter
      }
    }
    if (!files.has_sent(inv.sent_file, err)) {
      rc = 2;
    } else {
      ctl::take_command_report();
      ctl::ActingOperator acting(peer.user);
      try {
        rc = inv.run(out, err);
      } catch (const std::exception& ex) {
        err << "vigild: " << ex.what() << "\n";
        rc = 1;
      }
      reads_->done();
    }
  }
  const auto report = ctl::take_command_report();
  e.kind = core::EventKind::record_access;
  core::set_attr(e.attrs, "command", command);
  core::set_attr(e.attrs, "filter", join(words));
  core::set_attr(e.attrs, "rc", std::int64_t{rc});
  const std::string returned = files.hide_dir(out.str());
  core::set_attr(e.attrs, "digest", journal::sha256_hex(returned));
  if (report.rows) core::set_attr(e.attrs, "rows", static_cast<std::int64_t>(*report.rows));
  for (const auto& [key, value] : report.attrs) core::set_attr(e.attrs, key, value);
  for (const auto& [name, bytes] : request.files) {
    core::set_attr(e.attrs, "file." + name, journal::sha256_hex(bytes));
  }
  e.detail = op->name + ": " + command;
  outcome.reply = {rc, returned, files.hide_dir(err.str()), std::move(inv.returned_files)};
  return outcome;
}

}  // namespace vigil::app
