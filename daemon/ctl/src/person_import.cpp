#include <malloc.h>
#include <openssl/rand.h>

#include <fstream>
#include <iostream>

#include "people_rows_in_order.hpp"
#include "roster_change.hpp"
#include "vigil/config/load.hpp"
#include "vigil/config/people_csv.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::ctl {
namespace {

// Rows handed to the roster per batch: big enough that a batch's SQLite
// work dominates, small enough that a batch's rows and events stay a few MB.
constexpr std::size_t kBatchRows = 10'000;

}  // namespace

// Read the file in one streaming pass first, checking every row against the
// site's access levels and keeping only the ids and cards; only a file
// without a single bad row reaches the database. There it is read twice
// more inside one transaction (plan, then write and journal, batch by
// batch), each read hashed: the bytes hashed into the journal are the bytes
// parsed, and a file changed in between is refused. So an import never
// leaves half a roster behind nor a change without its record, and memory
// holds one batch, not the file.
int person_import(const ImportArgs& args, std::ostream& out, std::ostream& err) {
  // Each batch allocates its rows and events (a few MB) and frees them,
  // and glibc moved the top of the heap up and down with them: 346 brk
  // calls, 4.5 s of a 200,000-row import's wall time under strace on a busy
  // disk (s21), and the pages faulted in and zeroed again each time. Fixed
  // thresholds keep those pages in the process (no brk at all after); the
  // peak, which the import's memory aim measures, is the same.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  journal::PhaseLog phases("import");
  auto site = config::load_site_config(args.config_path);
  if (!site) {
    err << config::to_string(site.diagnostics());
    return 2;
  }
  const core::Site* rules = &site.value().site;
  if (!std::ifstream(args.csv_path, std::ios::binary)) {
    err << args.csv_path << ": cannot read the file\n";
    return 1;
  }
  journal::RosterStream file;
  config::PeopleRowPlace header;
  std::vector<config::PeopleRowPlace> places;  // sorted by id; empty if the file already was
  file.name = std::filesystem::path(args.csv_path).filename().string();
  file.replace = args.replace;
  // Each row's digest under a key of this import's own, kept by the check
  // pass: a row read back by position (below) is proved to be the row
  // checked and hashed, even if the file changed and changed back between.
  config::RowDigestKey row_key{};
  if (RAND_bytes(row_key.data(), static_cast<int>(row_key.size())) != 1) {
    err << "vigilctl: OpenSSL: RAND_bytes failed; nothing imported\n";
    return 1;
  }
  {
    journal::Sha256Stream hash;
    auto checked = config::scan_people_csv(
        args.csv_path, {.site = rules,
                        .check_duplicates = true,
                        .on_bytes = [&](std::string_view bytes) { hash.update(bytes); },
                        .on_row = {},
                        .keep_places = true,
                        .row_digest_key = row_key});
    if (!checked) {
      err << config::to_string(checked.diagnostics());
      err << args.csv_path << ": nothing imported (" << checked.diagnostics().size() << " problem"
          << (checked.diagnostics().size() == 1 ? "" : "s") << ")\n";
      return 1;
    }
    file.sha256 = hash.hex();
    file.rows = checked.value().rows;
    file.sets_clearance = checked.value().sets_clearance;
    file.person_ids = std::move(checked.value().person_ids);
    file.cards = std::move(checked.value().cards);
    header = checked.value().header;
    places = std::move(checked.value().places);
  }
  // Rows out of person-id order are read again in that order (s25-import):
  // the people, levels and names B-trees then grow at their right edge
  // instead of taking each row at a random page (a shuffled 2,000,000-row
  // file cost ~8x the CPU in those inserts). The journal's per-person
  // events follow that order; refusals above still name the file's lines.
  if (!sort_into_id_order(places)) std::vector<config::PeopleRowPlace>().swap(places);
  phases.mark("check pass");
  file.phases = &phases;
  file.read = [&](const journal::RosterStream::Batch& batch) {
    if (!places.empty()) {
      return read_in_id_order(args.csv_path, header, places, row_key, rules, kBatchRows, batch);
    }
    journal::Sha256Stream hash;
    std::vector<core::Person> people;
    std::vector<core::Credential> credentials;
    auto flush = [&] {
      batch(people, credentials);
      people.clear();
      credentials.clear();
    };
    auto read = config::scan_people_csv(
        args.csv_path, {.site = rules,
                        .check_duplicates = false,
                        .on_bytes = [&](std::string_view bytes) { hash.update(bytes); },
                        .on_row =
                            [&](core::Person&& person, core::Credential&& credential) {
                              people.push_back(std::move(person));
                              credentials.push_back(std::move(credential));
                              if (people.size() == kBatchRows) flush();
                            },
                        .keep_places = false,
                        .row_digest_key = std::nullopt});
    // A file now unreadable or broken changed since the first read.
    if (!read) return std::string{"unreadable"};
    if (!people.empty()) flush();
    return hash.hex();
  };
  const std::string db = args.db_path.value_or(site.value().journal_path);
  try {
    std::filesystem::path p(db);
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    journal::Roster roster(db, current_operator());
    const auto change = roster.import_stream(file, wall_now());
    const auto& summary = change.events.front().attrs;
    auto n = [&](const char* key) { return core::attr_int(summary, key).value_or(0); };
    const auto count = roster.store().count();
    out << args.csv_path << ": imported " << file.rows << (file.rows == 1 ? " row" : " rows")
        << (args.replace ? " as the whole roster" : "") << " into " << db << ": " << n("added")
        << " added, " << n("changed") << " changed, " << n("activated") << " activated, "
        << n("deactivated") << " deactivated, " << n("cards_added") << " cards added, "
        << n("cards_revoked") << " cards revoked (now " << count.people << " people, "
        << count.credentials << " credentials); journal #" << change.events.front().seq;
    if (change.last_seq > change.events.front().seq) out << "..#" << change.last_seq;
    out << ", sha256 " << file.sha256 << "\n";
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vigil::ctl
