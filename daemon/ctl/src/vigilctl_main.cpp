// vigilctl: the operator's tool.
//   vigilctl config check SITE.yaml
//   vigilctl person import PEOPLE.csv --config SITE.yaml [--replace] [--db DB]
//   vigilctl person revoke CARD    (--journal DB | --config SITE.yaml)
//   vigilctl person disable ID     (--journal DB | --config SITE.yaml)
//   vigilctl person enable ID      (--journal DB | --config SITE.yaml)
//   vigilctl person show ID        (--journal DB | --config SITE.yaml)
//   vigilctl person list [--expiring [--days N]] (--journal DB | --config SITE.yaml)
//   vigilctl flag set PERSON watch|suspend --reason R [--until DAY]  (-j DB | -c SITE.yaml)
//   vigilctl flag clear PERSON --reason R | flag list
//   vigilctl trip add PERSON --from DAY --to DAY --destination X --approval REF
//   vigilctl trip list [PERSON] | trip return TRIP [--note N]
//   vigilctl visit add VISITOR --host P --purpose X --organisation O [--delegation D]
//                  --from DAY --to DAY --zone Z... | visit end N --reason R
//                  | visit list [VISITOR] | visit show N   (-j DB | -c SITE.yaml)
//   vigilctl person pin ID < PIN   (-j DB | -c SITE.yaml)
//   vigilctl lockdown set|release ZONE --reason R | lockdown list  (-j DB | -c SITE.yaml)
//   vigilctl muster [ZONE] -c SITE.yaml [--db DB]
//   vigilctl explain PERSON DOOR [TIME] --config SITE.yaml [--db DB] [--out]
//   vigilctl log query  (--journal DB | --config SITE.yaml) [--person P] [--zone Z] [--door D]
//                       [--card C] [--kind K]... [--reason R]... [--from T] [--to T] [--utc]
//                       [--format table|csv|json] [--limit N] [--after-seq SEQ]
//   vigilctl log export (--journal DB | --config SITE.yaml) [filters as log query]
//                       [--format csv|json] --out DATA      (writes DATA.manifest.json)
//   vigilctl log verify-export DATA MANIFEST --key PUB
//   vigilctl log verify (--journal DB | --config SITE.yaml) [--checkpoint FILE]
//                       [--broker HOST[:PORT] [--topic T]] [--key PUBFILE]
//   vigilctl key show   (--journal DB | --config SITE.yaml)
//   vigilctl status     (--journal DB | --config SITE.yaml)
//   vigilctl audit [--operator O] [--from T] [--to T] | audit sample N   (through vigild)
// Record commands go through vigild's control socket (docs/control.md) when
// --socket PATH is given, or --config SITE.yaml names a socket vigild
// answers on; --journal/--db run them here on a file (offline/admin paths).
//   vigilctl incident list [--state S] [--zone Z] | show ID | ack ID | resolve ID --note N
//                    | escalate ID [--note N] | form ID [--json]
//                    | report --kind K --zone Z --note TEXT [--person P]   (-j DB | -c SITE.yaml)

//   vigilctl alarm arm ZONE [--bypass] | alarm disarm ZONE | alarm status  (-j DB | -c SITE.yaml)
//   vigilctl fire reset | fire release  (-j DB | -c SITE.yaml)
//   vigilctl door unlock DOOR --seconds N   (1..300; through vigild: --socket PATH | -c SITE.yaml)
//   vigilctl config reload                 (apply a changed site config; through vigild)
//   vigilctl report --period 2026-10|2026-Q3|2026 [--zone Z] [--format text|csv|json|html]
//                   -c SITE.yaml [-j DB]   (docs/reports.md)
//   vigilctl watch [--zone Z] [--plain] [--broker HOST:PORT] -c SITE.yaml

//   vigilctl inspection start ZONE|--site | record ID ITEM ok|deficiency [--note N] [--unit U]
//                      [--due DATE] | close ID | show ID   (-c SITE.yaml [-j DB])
//   vigilctl deficiency fix ID --note N | inspect [--since DATE] [--zone Z] [--json]
#include <CLI/CLI.hpp>

#include <iostream>

#include "command_cli.hpp"
#include "inspection_cli.hpp"
#include "vigil/ctl/alarm_commands.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/ctl/control_client.hpp"
#include "vigil/ctl/incident_commands.hpp"
#include "vigil/ctl/report.hpp"
#include "visit_cli.hpp"

#include "watch_command.hpp"

namespace {

// --card, --kind, --reason, --after-seq and --utc, shared by log query and
// log export.
void add_filter_options(CLI::App* sub, vigil::ctl::QueryArgs& args, bool& utc) {
  sub->add_option("--card", args.card, "credential, facility:number (e.g. 12:1001)");
  sub->add_option("--kind", args.kinds, "event kind (repeatable: any of them)");
  sub->add_option("--reason", args.reasons, "decision reason (repeatable: any of them)");
  sub->add_option("--after-seq", args.after_seq, "only rows after this seq (the next page)");
  sub->add_flag("--utc", utc, "read and show times in UTC instead of the site's time zone");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vigil::ctl;
  if (auto rc = run_through_daemon({argv + 1, argv + argc}, std::cout, std::cerr)) return *rc;
  CLI::App cli{"vigilctl: configure Vigil sites, import people, query and verify the journal"};
  cli.require_subcommand(1);
  int rc = 0;

  auto* config = cli.add_subcommand("config", "site config commands")->require_subcommand(1);
  std::string check_path;
  auto* check =
      config->add_subcommand("check", "validate a site config; prints file:line:col per mistake");
  check->add_option("file", check_path, "site config (YAML)")->required();
  check->callback([&] { rc = config_check(check_path, std::cout, std::cerr); });
  auto* reload = config->add_subcommand(
      "reload", "apply a changed site config to the running vigild (through vigild: -c SITE.yaml)");
  reload->allow_extras();
  reload->callback([&] {
    std::cerr << "vigilctl: config reload runs through vigild's control socket: give --socket "
                 "PATH, or -c SITE.yaml with vigild running\n";
    rc = 2;
  });

  auto* person = cli.add_subcommand("person", "people and credentials")->require_subcommand(1);
  ImportArgs import_args;
  std::string import_db;
  auto* import = person->add_subcommand(
      "import",
      "import people from CSV; a bad row names its line and field and nothing is imported");
  import->add_option("file", import_args.csv_path, "people CSV")->required();
  import->add_option("-c,--config", import_args.config_path, "site config (YAML)")->required();
  import->add_option("--db", import_db, "database path (default: the config's journal.path)");
  import->add_flag("--replace", import_args.replace,
                   "the file is the whole roster: people absent from it are deactivated");
  import->callback([&] {
    if (!import_db.empty()) import_args.db_path = import_db;
  rc = person_import(import_args, std::cout, std::cerr);
});

std::optional<std::string> person_journal, person_site;
std::string person_arg;
using PersonCommand = int (*)(const std::string&, const std::string&, std::ostream&, std::ostream&);
auto add_person_command = [&](const char* name, const char* help, const char* arg_help,
                              PersonCommand command) {
  auto* sub = person->add_subcommand(name, help);
  sub->add_option(name == std::string{"revoke"} ? "card" : "id", person_arg, arg_help)->required();
  sub->add_option("-j,--journal", person_journal, "database (the journal's file)");
  sub->add_option("-c,--config", person_site, "site config (uses its journal.path)");
  sub->callback([&, command] {
    auto path = resolve_journal(person_journal, person_site, std::cerr);
    rc = path ? command(*path, person_arg, std::cout, std::cerr) : 2;
  });
};
add_person_command("revoke", "revoke a card for good (journalled)", "card, facility:number",
                   person_revoke);
add_person_command("disable", "deactivate a person (journalled)", "person id", person_disable);
add_person_command("enable", "activate a person and their unrevoked cards (journalled)",
                   "person id", person_enable);
add_person_command("pin", "set a person's PIN, read from standard input (journalled, never shown)",
                   "person id", person_pin);
add_person_command("show", "a person, their cards and their roster history", "person id",
                   person_show);
PersonListArgs list_args;
auto* list = person->add_subcommand("list", "people with their clearance");
list->add_option("-j,--journal", person_journal, "database (the journal's file)");
list->add_option("-c,--config", person_site, "site config (journal.path and time zone)");
list->add_flag("--expiring", list_args.expiring,
               "only clearances whose last day is within --days (default 30), soonest first");
list->add_option("--days", list_args.days, "days ahead for --expiring")->default_val(30);
list->callback([&] {
  auto path = resolve_journal(person_journal, person_site, std::cerr);
  auto today = site_today(person_site, std::cerr);
  if (!path || !today) {
    rc = 2;
    return;
  }
  list_args.db_path = *path;
  list_args.today = *today;
  rc = person_list(list_args, std::cout, std::cerr);
});

std::optional<std::string> risk_journal, risk_site;
auto add_risk_source = [&](CLI::App* sub) {
  sub->add_option("-j,--journal", risk_journal, "database (the journal's file)");
  sub->add_option("-c,--config", risk_site, "site config (uses its journal.path)");
};
auto risk_db = [&]() { return resolve_journal(risk_journal, risk_site, std::cerr); };

auto* flag =
    cli.add_subcommand("flag", "integrity-risk flags (journalled)") -> require_subcommand(1);
FlagSetArgs flag_args;
auto* flag_set_cmd = flag->add_subcommand(
    "set", "watch: entries allowed, each raises an incident; suspend: entries refused");
flag_set_cmd->add_option("person", flag_args.person, "person id")->required();
flag_set_cmd->add_option("kind", flag_args.kind, "watch | suspend")->required();
flag_set_cmd->add_option("--reason", flag_args.reason, "why (journalled)")->required();
flag_set_cmd->add_option("--until", flag_args.until, "last day it applies (YYYY-MM-DD, local)");
add_risk_source(flag_set_cmd);
flag_set_cmd->callback([&] {
  auto path = risk_db();
  if (!path) {
    rc = 2;
    return;
  }
  flag_args.db_path = *path;
  rc = flag_set(flag_args, std::cout, std::cerr);
});
std::string flag_person, flag_reason;
auto* flag_clear_cmd = flag->add_subcommand("clear", "remove a person's flag");
flag_clear_cmd->add_option("person", flag_person, "person id")->required();
flag_clear_cmd->add_option("--reason", flag_reason, "why (journalled)")->required();
add_risk_source(flag_clear_cmd);
flag_clear_cmd->callback([&] {
  auto path = risk_db();
  rc = path ? flag_clear(*path, flag_person, flag_reason, std::cout, std::cerr) : 2;
});
auto* flag_list_cmd = flag->add_subcommand("list", "every flag with who set it, when and why");
add_risk_source(flag_list_cmd);
flag_list_cmd->callback([&] {
  auto path = risk_db();
  rc = path ? flag_list(*path, std::cout, std::cerr) : 2;
});

auto* trip = cli.add_subcommand("trip", "trips abroad (journalled)") -> require_subcommand(1);
TripAddArgs trip_args;
auto* trip_add_cmd = trip->add_subcommand(
    "add", "record an approved trip: the person's cards are refused for its dates");
trip_add_cmd->add_option("person", trip_args.person, "person id")->required();
trip_add_cmd->add_option("--from", trip_args.first_day, "first day away (YYYY-MM-DD)")->required();
trip_add_cmd->add_option("--to", trip_args.last_day, "last day away, inclusive")->required();
trip_add_cmd->add_option("--destination", trip_args.destination, "where to")->required();
trip_add_cmd->add_option("--approval", trip_args.approval, "approval reference")->required();
add_risk_source(trip_add_cmd);
trip_add_cmd->callback([&] {
  auto path = risk_db();
  if (!path) {
    rc = 2;
    return;
  }
  trip_args.db_path = *path;
  rc = trip_add(trip_args, std::cout, std::cerr);
});
std::optional<std::string> trip_person;
auto* trip_list_cmd = trip->add_subcommand("list", "trips, all or one person's");
trip_list_cmd->add_option("person", trip_person, "person id");
add_risk_source(trip_list_cmd);
trip_list_cmd->callback([&] {
  auto path = risk_db();
  rc = path ? trip_list(*path, trip_person, std::cout, std::cerr) : 2;
});
std::string trip_number, trip_note;
auto* trip_return_cmd = trip->add_subcommand("return", "record a trip's return report");
trip_return_cmd->add_option("trip", trip_number, "trip number (trip list)")->required();
trip_return_cmd->add_option("--note", trip_note, "the report's reference or summary");
add_risk_source(trip_return_cmd);
trip_return_cmd->callback([&] {
  auto path = risk_db();
  rc = path ? trip_return(*path, trip_number, trip_note, std::cout, std::cerr) : 2;
});
add_trip_import_cli(*trip, rc);

auto* lockdown = cli.add_subcommand("lockdown", "lock a zone down to all but override levels")
                     -> require_subcommand(1);
LockdownArgs lockdown_args;
for (const char* verb : {"set", "release"}) {
  auto* sub = lockdown->add_subcommand(
      verb, verb == std::string{"set"} ? "lock down ZONE and every zone inside it (journalled)"
                                       : "release ZONE's lockdown (journalled)");
  sub->add_option("zone", lockdown_args.zone, "zone id")->required();
  sub->add_option("--reason", lockdown_args.reason, "why (journalled)")->required();
  add_risk_source(sub);
  sub->callback([&, set = verb == std::string{"set"}] {
    auto path = risk_db();
    if (!path) {
      rc = 2;
      return;
    }
    lockdown_args.db_path = *path;
    lockdown_args.config_path = risk_site;
    rc = set ? lockdown_set(lockdown_args, std::cout, std::cerr)
             : lockdown_release(lockdown_args, std::cout, std::cerr);
  });
}
auto* lockdown_list_cmd = lockdown->add_subcommand("list", "the zones locked down now");
add_risk_source(lockdown_list_cmd);
lockdown_list_cmd->callback([&] {
  auto path = risk_db();
  rc = path ? lockdown_list(*path, std::cout, std::cerr) : 2;
});

MusterArgs muster_args;
auto* muster_cmd =
    cli.add_subcommand("muster", "who is inside each zone now, with the time they entered");
muster_cmd->add_option("zone", muster_args.zone, "only this zone and the zones inside it");
muster_cmd->add_option("-c,--config", muster_args.config_path, "site config")->required();
muster_cmd->add_option("--db", muster_args.db_path, "database (default: the config's journal)");
muster_cmd->callback([&] { rc = muster(muster_args, std::cout, std::cerr); });

WatchArgs watch_args;
auto* watch_cmd = cli.add_subcommand(
    "watch", "live incidents and door and zone states from the broker, one line each");
watch_cmd->add_option("--zone", watch_args.zone, "only this zone and the zones inside it");
watch_cmd->add_flag("--plain", watch_args.plain, "no colour (for log files)");
watch_cmd->add_option("--broker", watch_args.broker, "HOST:PORT instead of the config's broker");
watch_cmd->add_option("-c,--config", watch_args.config_path, "site config")->required();
watch_cmd->callback([&] { rc = watch(watch_args, std::cout, std::cerr); });

ExplainArgs explain_args;
auto* explain_cmd =
    cli.add_subcommand("explain", "which rule decides PERSON at DOOR (now or at TIME), and why");
explain_cmd->add_option("person", explain_args.person, "person id, or a card such as 12:1001")
    ->required();
explain_cmd->add_option("door", explain_args.door, "door id (its in reader), or a reader id")
    ->required();
explain_cmd->add_option("time", explain_args.time, "UTC, e.g. 2026-11-25T10:00:00Z; default now");
explain_cmd->add_option("-c,--config", explain_args.config_path, "site config (YAML)")->required();
explain_cmd->add_option("--db", explain_args.db_path, "database (default: journal.path)");
explain_cmd->add_flag("--out", explain_args.out, "ask about the door's out reader");
explain_cmd->callback([&] { rc = explain(explain_args, std::cout, std::cerr); });

auto* log = cli.add_subcommand("log", "entry log (journal)") -> require_subcommand(1);
std::optional<std::string> journal, site;
auto add_source = [&](CLI::App* sub) {
  sub->add_option("-j,--journal", journal, "journal database");
  sub->add_option("-c,--config", site, "site config (uses its journal.path)");
};
// The commands that read or write archives (docs/journal.md, "Archives").
std::optional<std::string> archive_dir_flag;
auto add_archive_dir = [&](CLI::App* sub) {
  sub->add_option("--archive-dir", archive_dir_flag,
                  "the journal's archive folder (default: the config's journal.archive_dir, "
                  "else JOURNAL.archive)");
};
auto archive_dir = [&]() { return resolve_archive_dir(archive_dir_flag, site, std::cerr); };
QueryArgs q;
auto* query = log->add_subcommand("query", "list journalled events");
add_source(query);
add_archive_dir(query);
query->add_option("--person", q.person, "person id");
query->add_option("--zone", q.zone, "zone id");
query->add_option("--door", q.door, "door id");
query->add_option("--from", q.from,
                  "from (inclusive), site time: 2026-11-25, 2026-11-25T10:00, or with Z/+02:00");
query->add_option("--to", q.to, "to (exclusive), as --from");
query->add_option("--format", q.format, "table | csv | json")->default_val("table");
query->add_option("--limit", q.limit, "at most N events");
bool query_utc = false;
add_filter_options(query, q, query_utc);
query->callback([&] {
  auto path = resolve_journal(journal, site, std::cerr);
  auto zone = query_time_zone(site, query_utc, std::cerr);
  auto archives = archive_dir();
  if (!path || !zone || !archives) {
    rc = 2;
    return;
  }
  q.journal_path = *path;
  q.archive_dir = *archives;
  q.time_zone = *zone;
  rc = log_query(q, std::cout, std::cerr);
});
ExportArgs export_args;
bool export_utc = false;
auto* export_cmd =
    log->add_subcommand("export", "write rows and a signed manifest (DATA.manifest.json)");
add_source(export_cmd);
add_archive_dir(export_cmd);
export_cmd->add_option("--person", export_args.query.person, "person id");
export_cmd->add_option("--zone", export_args.query.zone, "zone id");
export_cmd->add_option("--door", export_args.query.door, "door id");
export_cmd->add_option("--from", export_args.query.from, "from (inclusive), as log query");
export_cmd->add_option("--to", export_args.query.to, "to (exclusive), as log query");
export_cmd->add_option("--limit", export_args.query.limit, "at most N rows");
export_cmd->add_option("--format", export_args.format, "csv | json")->default_val("csv");
export_cmd->add_option("--out", export_args.out_path, "data file")->required();
add_filter_options(export_cmd, export_args.query, export_utc);
export_cmd->callback([&] {
  auto path = resolve_journal(journal, site, std::cerr);
  auto zone = query_time_zone(site, export_utc, std::cerr);
  auto archives = archive_dir();
  if (!path || !zone || !archives) {
    rc = 2;
    return;
  }
  export_args.query.journal_path = *path;
  export_args.query.archive_dir = *archives;
  export_args.query.time_zone = *zone;
  export_args.operator_name = current_operator();
  export_args.now =
      std::chrono::time_point_cast<vigil::core::Duration>(std::chrono::system_clock::now());
  rc = log_export(export_args, std::cout, std::cerr);
});
std::string archive_before;
auto* archive_cmd =
    log->add_subcommand("archive", "move the rows of months before --before to archive files");
add_source(archive_cmd);
add_archive_dir(archive_cmd);
archive_cmd->add_option("--before", archive_before, "YYYY-MM: archive every older month")
    ->required();
archive_cmd->callback([&] {
  auto path = resolve_journal(journal, site, std::cerr);
  auto archives = archive_dir();
  if (!path || !archives) {
    rc = 2;
    return;
  }
  rc = log_archive(
      *path, archive_before,
      std::chrono::time_point_cast<vigil::core::Duration>(std::chrono::system_clock::now()),
      current_operator(), std::cout, std::cerr, *archives);
});
std::string verify_data, verify_manifest, verify_key;
auto* verify_export_cmd = log->add_subcommand(
    "verify-export", "check an export and its manifest with the public key, no database needed");
verify_export_cmd->add_option("data", verify_data, "data file")->required();
verify_export_cmd->add_option("manifest", verify_manifest, "DATA.manifest.json")->required();
verify_export_cmd->add_option("--key", verify_key, "the gateway's public key (PEM)")->required();
verify_export_cmd->callback([&] {
  rc = log_verify_export(verify_data, verify_manifest, verify_key, std::cout, std::cerr);
});
auto* verify = log->add_subcommand("verify", "check the hash chain; names the first bad row");
add_source(verify);
add_archive_dir(verify);
verify->add_option("file", journal,
                   "a journal file or a copy of one (the inspector's path; no vigild)");
VerifyArgs verify_args;
verify->add_option("--checkpoint", verify_args.checkpoint_path,
                   "a signed checkpoint taken earlier (JSON file): finds a cut, emptied, "
                   "replaced or rewritten journal");
verify->add_option("--key", verify_args.key_path, "the gateway's public key (default: DB.pub)");
std::optional<std::string> verify_broker, verify_topic;
verify->add_option("--broker", verify_broker,
                   "fetch the newest checkpoint retained on this broker (HOST[:PORT])");
verify->add_option("--topic", verify_topic,
                   "the checkpoint topic (default with -c: <root>/<site>/<gateway>/checkpoint)");
verify->callback([&] {
  auto path = resolve_journal(journal, site, std::cerr);
  auto archives = archive_dir();
  if (!path || !archives) {
    rc = 2;
    return;
  }
  verify_args.journal_path = *path;
  verify_args.archive_dir = *archives;
  if (verify_broker) {
    auto json = fetch_broker_checkpoint(*verify_broker, verify_topic, site, std::cerr);
    if (!json) {
      rc = 2;
      return;
    }
    verify_args.checkpoint_json = *json;
  }
  rc = log_verify(verify_args, std::cout, std::cerr);
});

auto* key =
    cli.add_subcommand("key", "the gateway's checkpoint signing key") -> require_subcommand(1);
auto* key_show_cmd = key->add_subcommand("show", "print the public key (id, hex, PEM)");
add_source(key_show_cmd);
key_show_cmd->callback([&] {
  auto path = resolve_journal(journal, site, std::cerr);
  rc = path ? key_show(*path, std::cout, std::cerr) : 2;
});

auto* status = cli.add_subcommand(
    "status", "vigild's device health: Modbus online state and error counters per device");
add_source(status);
status->callback([&] {
  auto path = resolve_journal(journal, site, std::cerr);
  rc = path ? status_show(*path,
                          std::chrono::time_point_cast<vigil::core::Duration>(
                              std::chrono::system_clock::now()),
                          std::cout, std::cerr)
            : 2;
});

auto* audit = cli.add_subcommand(
    "audit", "who looked at what (supervisors; through vigild: --socket PATH or -c SITE.yaml)");
audit->allow_extras();
audit->callback([&] {
  std::cerr << "vigilctl: audit runs through vigild's control socket: give --socket PATH, or "
               "-c SITE.yaml with vigild running\n";
  rc = 2;
});
auto* door = cli.add_subcommand(
    "door", "door unlock DOOR --seconds N: release a door for N s (through vigild)");
door->allow_extras();
door->callback([&] {
  std::cerr << "vigilctl: door unlock runs through vigild's control socket: give --socket PATH, "
               "or -c SITE.yaml with vigild running\n";
  rc = 2;
});
cli.add_option("--socket", "vigild's control socket: run record commands through vigild");
auto* incident = cli.add_subcommand("incident", "incidents: lifecycle, reports, notification forms")
                     -> require_subcommand(1);
std::optional<std::string> incident_journal, incident_site;
std::string incident_id, incident_note;
auto add_incident_source = [&](CLI::App* sub) {
  sub->add_option("-j,--journal", incident_journal, "database (the journal's file)");
  sub->add_option("-c,--config", incident_site,
                  "site config (journal.path, incidents.escalation, door zones)");
};
auto incident_ctx = [&]() { return incident_context(incident_journal, incident_site, std::cerr); };
std::optional<std::string> incident_state, incident_zone;
auto* incident_list_cmd =
    incident->add_subcommand("list", "incidents with their state, oldest first");
incident_list_cmd->add_option("--state", incident_state, "open | acknowledged | resolved");
incident_list_cmd->add_option("--zone", incident_zone, "zone id");
add_incident_source(incident_list_cmd);
incident_list_cmd->callback([&] {
  auto ctx = incident_ctx();
  rc = ctx ? incident_list(*ctx, incident_state, incident_zone, std::cout, std::cerr) : 2;
});
using IncidentCommand = int (*)(const IncidentContext&, const std::string&, std::ostream&,
                                std::ostream&);
auto add_incident_command = [&](const char* name, const char* help, IncidentCommand command) {
  auto* sub = incident->add_subcommand(name, help);
  sub->add_option("id", incident_id, "incident number (incident list)")->required();
  add_incident_source(sub);
  sub->callback([&, command] {
    auto ctx = incident_ctx();
    rc = ctx ? command(*ctx, incident_id, std::cout, std::cerr) : 2;
  });
};
add_incident_command("show", "an incident, its state and escalation chain", incident_show);
add_incident_command("ack", "acknowledge at the current escalation level (journalled)",
                     incident_ack);
auto* incident_resolve_cmd =
    incident->add_subcommand("resolve", "close an incident with a note (journalled; final)");
incident_resolve_cmd->add_option("id", incident_id, "incident number")->required();
incident_resolve_cmd->add_option("--note", incident_note, "what was done")->required();
add_incident_source(incident_resolve_cmd);
incident_resolve_cmd->callback([&] {
  auto ctx = incident_ctx();
  rc = ctx ? incident_resolve(*ctx, incident_id, incident_note, std::cout, std::cerr) : 2;
});
auto* incident_escalate_cmd =
    incident->add_subcommand("escalate", "pass to the next escalation level (journalled)");
incident_escalate_cmd->add_option("id", incident_id, "incident number")->required();
incident_escalate_cmd->add_option("--note", incident_note, "why");
add_incident_source(incident_escalate_cmd);
incident_escalate_cmd->callback([&] {
  auto ctx = incident_ctx();
  rc = ctx ? incident_escalate(*ctx, incident_id, incident_note, std::cout, std::cerr) : 2;
});
bool incident_json = false;
auto* incident_form_cmd = incident->add_subcommand(
    "form", "the notification form: what, where, when, who, what was done, escalation chain");
incident_form_cmd->add_option("id", incident_id, "incident number")->required();
incident_form_cmd->add_flag("--json", incident_json, "as JSON");
add_incident_source(incident_form_cmd);
incident_form_cmd->callback([&] {
  auto ctx = incident_ctx();
  rc = ctx ? incident_form(*ctx, incident_id, incident_json, std::cout, std::cerr) : 2;
});
IncidentReportArgs report_args;
auto* incident_report_cmd =
    incident->add_subcommand("report", "report an anomaly no sensor sees (becomes an incident)");
incident_report_cmd
    ->add_option("--kind", report_args.kind,
                 "approach | probing | unexplained_check | gift | other")
    ->required();
incident_report_cmd->add_option("--zone", report_args.zone, "zone id")->required();
incident_report_cmd->add_option("--note", report_args.note, "what happened")->required();
incident_report_cmd->add_option("--person", report_args.person, "person id involved");
add_incident_source(incident_report_cmd);
incident_report_cmd->callback([&] {
  auto ctx = incident_ctx();
  rc = ctx ? incident_report(*ctx, report_args, std::cout, std::cerr) : 2;
});

// Alarm zones and fire release (issue 9, docs/alarm.md).
auto now = [] {
  return std::chrono::time_point_cast<vigil::core::Duration>(std::chrono::system_clock::now());
};
auto* alarm =
    cli.add_subcommand("alarm", "alarm zones: arm, disarm, status") -> require_subcommand(1);
std::string alarm_zone;
bool alarm_bypass = false;
for (const char* verb : {"arm", "disarm"}) {
  const std::string kind = std::string("alarm_") + verb;
  auto* sub = alarm->add_subcommand(verb, std::string(verb) + " an alarm zone (journalled)");
  sub->add_option("zone", alarm_zone, "alarm zone id")->required();
  if (kind == "alarm_arm")
    sub->add_flag("--bypass", alarm_bypass, "bypass sensors active now until they read normal");
  add_source(sub);
  sub->callback([&, kind] {
    auto path = resolve_journal(journal, site, std::cerr);
    rc = path ? alarm_request(*path, kind, alarm_zone, alarm_bypass, site, now(), std::cout,
                              std::cerr)
              : 2;
  });
}
auto* alarm_status_cmd = alarm->add_subcommand("status", "each alarm zone's state");
add_source(alarm_status_cmd);
alarm_status_cmd->callback([&] {
  auto path = resolve_journal(journal, site, std::cerr);
  rc = path ? alarm_status(*path, std::cout, std::cerr) : 2;
});
auto* fire = cli.add_subcommand("fire", "fire release: reset, release") -> require_subcommand(1);
for (const char* verb : {"reset", "release"}) {
  const std::string kind = std::string("fire_") + verb;
  auto* sub = fire->add_subcommand(
      verb, kind == "fire_reset" ? "relock the egress doors once every fire input reads normal"
                                 : "release the egress doors now, as a fire input would");
  add_source(sub);
  sub->callback([&, kind] {
    auto path = resolve_journal(journal, site, std::cerr);
    rc = path ? fire_request(*path, kind, now(), std::cout, std::cerr) : 2;
  });
}

// Periodic statistics (issue 10 item 7, docs/reports.md).
ReportArgs period_report;
std::string report_site;
std::optional<std::string> report_journal;
auto* report_cmd = cli.add_subcommand("report", "statistics per zone for a month, quarter or year");
report_cmd->add_option("--period", period_report.period, "2026-10, 2026-Q3 or 2026")->required();
report_cmd->add_option("--zone", period_report.zone, "the zone and its nested zones");
report_cmd->add_option("--format", period_report.format, "text | csv | json | html")
    ->default_val("text");
report_cmd->add_option("-c,--config", report_site, "site config (zones, doors, time zone)")
    ->required();
report_cmd->add_option("-j,--journal", report_journal, "database (default: the config's)");
report_cmd->callback([&] {
  rc = report_from_files(report_site, report_journal, period_report, std::cout, std::cerr);
});

// Inspections with follow-up (issue 9 item 6, docs/inspections.md).
add_inspection_cli(cli, rc);
add_command_cli(cli, rc);
add_visit_cli(cli, rc);

CLI11_PARSE(cli, argc, argv);
return rc;
}
