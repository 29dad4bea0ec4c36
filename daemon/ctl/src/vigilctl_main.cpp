// vigilctl: the operator's tool.
//   vigilctl config check SITE.yaml
//   vigilctl person import PEOPLE.csv --config SITE.yaml [--replace] [--db DB]
//   vigilctl person revoke CARD    (--journal DB | --config SITE.yaml)
//   vigilctl person disable ID     (--journal DB | --config SITE.yaml)
//   vigilctl person enable ID      (--journal DB | --config SITE.yaml)
//   vigilctl person show ID        (--journal DB | --config SITE.yaml)
//   vigilctl log query  (--journal DB | --config SITE.yaml) [--person P] [--zone Z] [--door D]
//                       [--from T] [--to T] [--format table|csv|json] [--limit N]
//   vigilctl log verify (--journal DB | --config SITE.yaml) [--checkpoint FILE]
//                       [--broker HOST[:PORT] [--topic T]] [--key PUBFILE]
//   vigilctl key show   (--journal DB | --config SITE.yaml)
//   vigilctl status     (--journal DB | --config SITE.yaml)
#include <CLI/CLI.hpp>

#include <iostream>

#include "vigil/ctl/commands.hpp"

int main(int argc, char** argv) {
  using namespace vigil::ctl;
  CLI::App cli{"vigilctl: configure Vigil sites, import people, query and verify the journal"};
  cli.require_subcommand(1);
  int rc = 0;

  auto* config = cli.add_subcommand("config", "site config commands")->require_subcommand(1);
  std::string check_path;
  auto* check =
      config->add_subcommand("check", "validate a site config; prints file:line:col per mistake");
  check->add_option("file", check_path, "site config (YAML)")->required();
  check->callback([&] { rc = config_check(check_path, std::cout, std::cerr); });

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
add_person_command("show", "a person, their cards and their roster history", "person id",
                   person_show);

auto* log = cli.add_subcommand("log", "entry log (journal)") -> require_subcommand(1);
std::optional<std::string> journal, site;
auto add_source = [&](CLI::App* sub) {
  sub->add_option("-j,--journal", journal, "journal database");
  sub->add_option("-c,--config", site, "site config (uses its journal.path)");
};
QueryArgs q;
auto* query = log->add_subcommand("query", "list journalled events");
add_source(query);
query->add_option("--person", q.person, "person id");
query->add_option("--zone", q.zone, "zone id");
query->add_option("--door", q.door, "door id");
query->add_option("--from", q.from, "from (inclusive), UTC: 2026-11-25 or 2026-11-25T10:00:00Z");
query->add_option("--to", q.to, "to (exclusive), UTC");
query->add_option("--format", q.format, "table | csv | json")->default_val("table");
query->add_option("--limit", q.limit, "at most N events");
query->callback([&] {
  auto path = resolve_journal(journal, site, std::cerr);
  if (!path) {
    rc = 2;
    return;
  }
  q.journal_path = *path;
  rc = log_query(q, std::cout, std::cerr);
});
auto* verify = log->add_subcommand("verify", "check the hash chain; names the first bad row");
add_source(verify);
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
  if (!path) {
    rc = 2;
    return;
  }
  verify_args.journal_path = *path;
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

CLI11_PARSE(cli, argc, argv);
return rc;
}
