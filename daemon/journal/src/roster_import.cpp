// Roster::import_stream: an import planned and written batch by batch inside
// one write transaction (roster.hpp).
#include "roster_plan.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {

RosterChange Roster::import_stream(const RosterStream& file, core::TimePoint at) {
  const ChangeContext context{operator_, at};
  const RosterFile meta{.people = {},
                        .credentials = {},
                        .name = file.name,
                        .sha256 = file.sha256,
                        .replace = file.replace,
                        .sets_clearance = file.sets_clearance};
  const FileIndex index{.person_ids = file.person_ids, .cards = file.cards};
  auto same_file = [&](const std::string& sha256) {
    if (sha256 != file.sha256) refuse("the file changed while it was imported; run it again");
  };
  if (file.replace && file.person_ids.empty()) {
    refuse("a --replace import of a file without people would deactivate everyone");
  }
  RosterChange change;
  auto mark = [&](std::string_view phase) {
    if (file.phases != nullptr) file.phases->mark(phase);
  };
  // Planned inside the write transaction, so no other writer can change
  // the roster between the plan and its rows (import()'s stale-plan retry
  // would mean reading millions of rows again).
  journal_->append_in_batches([&](sqlite::Database& db, const Journal::AppendBatch& append) {
    const StoredRoster stored = read_stored_roster_in_transaction(db);
    mark("stored roster read");
    // First read: every refusal, and the counts roster_imported carries
    // first in the chain, before anything is written.
    StreamPlanner counting(stored, meta, index, context, /*counting_only=*/true);
    same_file(file.read([&](auto people, auto credentials) {
      counting.plan_rows(people, credentials);
      (void)counting.take();
    }));
    counting.finish_rows();
    (void)counting.take();
    mark("plan pass");
    std::vector<core::Event> summary{counting.summary(static_cast<std::int64_t>(file.rows))};
    append(summary);
    change.events = summary;
    change.last_seq = summary.front().seq;

    StreamPlanner writing(stored, meta, index, context);
    bool changes_roster = false;
    auto flush = [&] {
      RosterPlan plan = writing.take();
      append(plan.events);
      if (!plan.events.empty()) change.last_seq = plan.events.back().seq;
      for (const auto& person : plan.added_people) write_added_person(db, person);
      for (const auto& person : plan.people) write_person(db, person);
      for (const auto& credential : plan.credentials) write_credential(db, credential);
      for (const auto& credential : plan.added_credentials) {
        write_credential(db, credential, /*added=*/true);
      }
      for (const auto& revocation : plan.revocations) {
        write_revocation(db, revocation.card, revocation.person, at, revocation.reason);
      }
      changes_roster = changes_roster || plan.changes_roster();
    };
    same_file(file.read([&](auto people, auto credentials) {
      writing.plan_rows(people, credentials);
      flush();
    }));
    writing.finish_rows();
    flush();
    mark("write pass");
    if (changes_roster) bump_roster_version(db);
    change.version = read_roster_version(db);
  });
  mark("commit");
  return change;
}

}  // namespace vigil::journal
