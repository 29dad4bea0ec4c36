// vigilctl's commands as functions over streams, so tests run them in-process
// and read exactly what a user would see. Each returns the exit code.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "vigil/core/time.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::ctl {

int config_check(const std::string& path, std::ostream& out, std::ostream& err);

// The operator journalled on every roster change: the Unix user running
// vigilctl (effective uid), or "uid:N" when the uid has no passwd entry.
std::string current_operator();

struct ImportArgs {
  std::string csv_path;
  std::string config_path;             // site config: journal path and access levels
  std::optional<std::string> db_path;  // overrides the config's journal path
  bool replace = false;                // the file is the whole roster (--replace)
};
// Validates the whole file, then applies and journals it in one transaction.
int person_import(const ImportArgs& args, std::ostream& out, std::ostream& err);

// `person revoke CARD`, `person disable ID`, `person enable ID` on the
// database at `db_path` (resolve_journal); each journals what it changed.
int person_revoke(const std::string& db_path, const std::string& card, std::ostream& out,
                  std::ostream& err);
int person_disable(const std::string& db_path, const std::string& id, std::ostream& out,
                   std::ostream& err);
int person_enable(const std::string& db_path, const std::string& id, std::ostream& out,
                  std::ostream& err);
// The person, their cards (active, inactive, revoked) and their roster
// history from the journal.
// Sets the person's PIN (card + PIN doors) from the first line of `in`
// (digits only); person_pin reads standard input. Journalled as pin_set.
int person_set_pin(const std::string& db_path, const std::string& id, std::istream& in,
                   std::ostream& out, std::ostream& err);
int person_pin(const std::string& db_path, const std::string& id, std::ostream& out,
               std::ostream& err);
// Lockdown orders (issue 8, lockdown_commands.cpp). With a config, the
// zone must be one of its zones.
struct LockdownArgs {
  std::string db_path;
  std::string zone;
  std::string reason;                      // required: why (journalled)
  std::optional<std::string> config_path;  // to check the zone
};
int lockdown_set(const LockdownArgs& args, std::ostream& out, std::ostream& err);
int lockdown_release(const LockdownArgs& args, std::ostream& out, std::ostream& err);
int lockdown_list(const std::string& db_path, std::ostream& out, std::ostream& err);

// Who is inside each zone now (or ZONE and the zones inside it), with the
// time of entry, from the journal's entry events (muster_command.cpp).
struct MusterArgs {
  std::string config_path;
  std::optional<std::string> db_path;  // default: the config's journal.path
  std::optional<std::string> zone;
};
int muster(const MusterArgs& args, std::ostream& out, std::ostream& err);

int person_show(const std::string& db_path, const std::string& id, std::ostream& out,
                std::ostream& err);

// `person list [--expiring [--days N]]`: id, name, status, clearance and
// its last day. With `expiring`, only clearances whose last day is at most
// `days` after `today` (the site's local date), soonest first; those already
// past it are marked expired.
struct PersonListArgs {
  std::string db_path;
  bool expiring = false;
  int days = 30;
  core::LocalDate today{};
};
int person_list(const PersonListArgs& args, std::ostream& out, std::ostream& err);

// Today's date in the site's time zone (from the config), or in UTC when
// there is no config to read it from.
std::optional<core::LocalDate> site_today(const std::optional<std::string>& config,
                                          std::ostream& err);

// The ethics unit's records (issue 8), each change journalled with the
// operator. `flag set PERSON watch|suspend --reason R [--until DAY]`.
struct FlagSetArgs {
  std::string db_path;
  std::string person;
  std::string kind;                  // watch | suspend
  std::string reason;                // required: why
  std::optional<std::string> until;  // last local day, YYYY-MM-DD; none = until cleared
};
int flag_set(const FlagSetArgs& args, std::ostream& out, std::ostream& err);
int flag_clear(const std::string& db_path, const std::string& person, const std::string& reason,
               std::ostream& out, std::ostream& err);
int flag_list(const std::string& db_path, std::ostream& out, std::ostream& err);

// `trip add PERSON --from DAY --to DAY --destination X --approval REF`.
struct TripAddArgs {
  std::string db_path;
  std::string person;
  std::string first_day;  // YYYY-MM-DD, site local
  std::string last_day;   // inclusive
  std::string destination;
  std::string approval;
};
int trip_add(const TripAddArgs& args, std::ostream& out, std::ostream& err);
int trip_list(const std::string& db_path, const std::optional<std::string>& person,
              std::ostream& out, std::ostream& err);
// `trip import FILE.csv` and `visit import FILE.csv` (roster_import.cpp):
// the whole file is checked first (columns in vigil/config/roster_csv.hpp,
// people against the roster; with a config, visit zones against the site)
// and nothing is imported when any row is bad; else one transaction with one
// trip_added / visit_added per row. Exit 1 for a bad file, 2 for no database.
struct RosterImportArgs {
  std::string csv_path;
  std::string db_path;
  std::optional<std::string> config_path;  // visits: check zones against it
};
int trip_import(const RosterImportArgs& args, std::ostream& out, std::ostream& err);
int visit_import(const RosterImportArgs& args, std::ostream& out, std::ostream& err);
// Records the return report of trip number `trip`.
int trip_return(const std::string& db_path, const std::string& trip, const std::string& note,
                std::ostream& out, std::ostream& err);

// `explain PERSON DOOR [TIME]`: runs decide() on the site config and the
// stored roster and prints the outcome, reason, deciding rule and details.
// PERSON is a person id (their first active card) or a card; DOOR a door id
// (its `in` reader, or `out`) or a reader id. TIME is UTC as in log query;
// default now.
struct ExplainArgs {
  std::string config_path;
  std::optional<std::string> db_path;  // default: the config's journal.path
  std::string person;
  std::string door;
  std::optional<std::string> time;
  bool out = false;  // the door's `out` reader
};
int explain(const ExplainArgs& args, std::ostream& out, std::ostream& err);

struct QueryArgs {
  std::string journal_path;
  std::string archive_dir{};  // journal.archive_dir; empty: <journal_path>.archive
  std::optional<std::string> person, zone, door;
  std::optional<std::string> card;          // facility:number, e.g. 12:1001
  std::vector<std::string> kinds, reasons;  // any of these (names as printed)
  std::optional<std::string> from, to;      // see time_arg.hpp: 2026-11-25, ...T10:00, ...+02:00
  core::TimeZone time_zone{};               // times without an offset are local to it; shown in it
  std::string format = "table";             // table | csv | json
  std::optional<std::size_t> limit;
  std::uint64_t after_seq = 0;  // paging: only rows after this seq (the last one shown)
  // An open connection to read instead of opening journal_path (vigild's
  // kept read connection, app/read_journal.hpp); null: open the file.
  const journal::Journal* journal = nullptr;
};
// The journal filter of the arguments, its names checked against the journal
// (an unknown person, card, door, zone, kind or reason is an error naming the
// closest known one). nullopt after writing the error to `err`.
std::optional<journal::Filter> make_filter(const QueryArgs& args, const journal::Journal& journal,
                                           std::ostream& err);
// The time zone `log query` reads and shows times in: UTC with --utc or
// without a site config, else the config's site time zone. nullopt (message
// on err) if the config cannot be read.
std::optional<core::TimeZone> query_time_zone(const std::optional<std::string>& config, bool utc,
                                              std::ostream& err);
int log_query(const QueryArgs& args, std::ostream& out, std::ostream& err);

// How vigilctl opens a journal it walks across archives: `archive_dir`
// (journal.archive_dir; empty: <journal>.archive), and a line on `err` when
// the walk has to wait for a month being moved (docs/journal.md, "The
// archive lock").
journal::JournalOptions archive_options(const std::string& archive_dir, std::ostream& err);
// The archive folder for a command given `--archive-dir` and/or `-c`:
// the flag, else the config's journal.archive_dir, else "" (beside the
// journal). nullopt (diagnostics on err) if the config cannot be read.
std::optional<std::string> resolve_archive_dir(const std::optional<std::string>& flag,
                                               const std::optional<std::string>& config_path,
                                               std::ostream& err);

int log_verify(const std::string& journal_path, std::ostream& out, std::ostream& err);

// `log export --format csv|json [filters] --out DATA`: DATA and
// DATA.manifest.json signed with the gateway key beside the journal.
struct ExportArgs {
  QueryArgs query{};  // journal, filters, time zone
  std::string format = "csv";
  std::string out_path{};
  std::string operator_name{};  // current_operator()
  core::TimePoint now{};
};
int log_export(const ExportArgs& args, std::ostream& out, std::ostream& err);
// `log archive --before YYYY-MM`: moves every row older than that UTC month
// to per-month archive files (docs/journal.md, "Archives"). 2 on a bad month.
// Files go to `archive_dir` (journal.archive_dir; empty: <journal>.archive).
int log_archive(const std::string& journal_path, const std::string& before, core::TimePoint now,
                const std::string& operator_name, std::ostream& out, std::ostream& err,
                const std::string& archive_dir = {});
// `log verify-export DATA MANIFEST --key PUB`: 0 when every check passes,
// else one "fail CHECK: ..." line per failed check on err and exit 1.
int log_verify_export(const std::string& data_path, const std::string& manifest_path,
                      const std::string& key_path, std::ostream& out, std::ostream& err);

// log verify with signed checkpoints: the chain, the journalled checkpoint
// rows (signature, and that the row they sign still has the signed hash),
// segment starts, and a checkpoint taken earlier (file or fetched JSON),
// which names a cut tail, an emptied, replaced or rewritten journal.
struct VerifyArgs {
  std::string journal_path{};
  std::string archive_dir{};  // journal.archive_dir; empty: <journal_path>.archive
  std::optional<std::string> checkpoint_path{};  // --checkpoint FILE
  std::optional<std::string> checkpoint_json{};  // fetched from the broker
  std::optional<std::string> key_path{};         // --key PUBFILE; default <db>.pub
};
int log_verify(const VerifyArgs& args, std::ostream& out, std::ostream& err);

// The checkpoint retained on `broker` (HOST[:PORT], port 1883 by default),
// on `topic` or, from the site config, <root>/<site>/<gateway>/checkpoint.
// Waits at most 3 s. nullopt (and a message on err) if there is none.
std::optional<std::string> fetch_broker_checkpoint(const std::string& broker,
                                                   const std::optional<std::string>& topic,
                                                   const std::optional<std::string>& config,
                                                   std::ostream& err);

// `key show`: the gateway's public key (<db>.pub): key id, raw hex, PEM.
int key_show(const std::string& db_path, std::ostream& out, std::ostream& err);

// Journal path from --journal, else from the site config's journal.path.
// `vigilctl status`: the status file vigild keeps beside the journal
// (`<db>.status.json`) as a table, one row per Modbus device: online,
// polls, timeouts, exceptions, CRC errors, malformed answers, offline
// transitions, the failure streak now, failed writes. Exit 1 when the file is
// missing, unreadable or older than 5 s (vigild not running).
int status_show(const std::string& journal_path, core::TimePoint now, std::ostream& out,
                std::ostream& err);

std::optional<std::string> resolve_journal(const std::optional<std::string>& journal,
                                           const std::optional<std::string>& config,
                                           std::ostream& err);

}  // namespace vigil::ctl
