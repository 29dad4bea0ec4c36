// Roster::import_stream: an import planned and written batch by batch inside
// one write transaction (roster.hpp).
#include <time.h>

#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bounded_pipe.hpp"
#include "people_stage.hpp"
#include "roster_plan.hpp"
#include "roster_rows_insert.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {
namespace {

// Batches planned ahead of the writer: enough that neither thread waits for
// the other at a batch boundary, few enough that memory holds a few batches
// (a 10,000-row batch's plan is a few MB).
constexpr std::size_t kPlansAhead = 3;

double thread_cpu_s() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// VIGIL_PHASES: each thread's own CPU in the write pass, which the phase
// line (the process's CPU) sums.
void print_thread_cpu(const PhaseLog* phases, const char* thread, double cpu_s) {
  if (phases == nullptr || !phases->enabled()) return;
  std::fprintf(stderr, "phase import %-28s cpu %7.3f s (its thread)\n", thread, cpu_s);
}

// The import connection's page cache while an import writes (s24-import),
// then the journal's own again: the journal's 16 MiB holds the right edges
// of the events table and its five indexes, of names and of credentials,
// but every page an import fills is dirty until the commit, and a full
// cache spills them to the WAL early, some to be written again once the
// rest of the page fills. 64 MiB more stays well inside the import's
// 512 MB (peak ~260 MiB at 2,000,000 rows before).
constexpr int kImportCacheKiB = 80 * 1024;

class ImportCache {
 public:
  explicit ImportCache(sqlite::Database& db) : db_(db), before_(db.query_int("PRAGMA cache_size")) {
    db_.exec("PRAGMA cache_size=-" + std::to_string(kImportCacheKiB));
  }
  ImportCache(const ImportCache&) = delete;
  ImportCache& operator=(const ImportCache&) = delete;
  ~ImportCache() {
    try {
      db_.exec("PRAGMA cache_size=" + std::to_string(before_));
    } catch (...) {  // a destructor must not throw; the cache only stays larger
    }
  }

 private:
  sqlite::Database& db_;
  std::int64_t before_;
};

// Written plans go back to the planning thread to be freed there
// (s24-import). Their events, attributes and people were allocated by that
// thread; freed on the writing thread, every chunk went back to the other
// thread's malloc arena through its bins, and the planning thread's next
// allocations then searched and merged those bins instead of taking what it
// had just freed (malloc, unlink_chunk and malloc_consolidate were ~30 % of
// that thread's samples at 200,000 rows). Since s26-import the planner
// reuses them (StreamPlanner::recycle): their elements are freed there,
// their vectors' buffers kept for the next batches.
class SpentPlans {
 public:
  void give(RosterPlan&& plan) {
    std::lock_guard lock{mutex_};
    plans_.push_back(std::move(plan));
  }
  // On the planning thread, before it plans the next batch.
  void recycle_given(StreamPlanner& planner) {
    std::vector<RosterPlan> taken;
    {
      std::lock_guard lock{mutex_};
      taken.swap(plans_);
    }
    for (auto& plan : taken) planner.recycle(std::move(plan));
  }

 private:
  std::mutex mutex_;
  std::vector<RosterPlan> plans_;
};

bool nothing_stored(const StoredRoster& stored) {
  return stored.people.empty() && stored.credentials.empty() && stored.revoked.empty();
}

}  // namespace

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
  // A first import stages its new people's rows (people_stage.hpp). Set up
  // before the transaction (foreign keys and ATTACH need that) and checked
  // again inside it.
  std::unique_ptr<PeopleStage> stage;
  if (people_tables_empty(journal_->database())) {
    stage = std::make_unique<PeopleStage>(journal_->database(), journal_->path());
  }
  const ImportCache cache{journal_->database()};
  // Planned inside the write transaction, so no other writer can change
  // the roster between the plan and its rows (import()'s stale-plan retry
  // would mean reading millions of rows again).
  journal_->append_in_batches([&](sqlite::Database& db, const Journal::AppendBatch& append) {
    const StoredRoster stored = read_stored_roster_in_transaction(db);
    mark("stored roster read");
    if (stage && !nothing_stored(stored)) {
      // Another writer stored people between the look and the lock; the
      // staging path (foreign keys off) is for empty tables only.
      refuse("the roster changed as the import began; run it again");
    }
    // First read: every refusal, and the counts roster_imported carries
    // first in the chain, before anything is written.
    StreamPlanner counting(stored, meta, index, context, /*counting_only=*/true);
    if (nothing_stored(stored)) {
      // A first import (s23-import): the counts are known without a read.
      // Every refusal of the counting read needs a stored person, card or
      // revoked card; what remains (empty ids, a card naming another row)
      // the file's check pass and the writing planner refuse.
      counting.count_all_new(static_cast<std::int64_t>(file.rows));
    } else {
      same_file(file.read([&](auto people, auto credentials) {
        counting.plan_rows(people, credentials);
        (void)counting.take();
      }));
      counting.finish_rows();
      (void)counting.take();
    }
    mark("plan pass");
    std::vector<core::Event> summary{counting.summary(static_cast<std::int64_t>(file.rows))};
    append(summary, {});
    change.events = summary;
    change.last_seq = summary.front().seq;

    // Second read on two threads (s23-import): this one reads the file and
    // plans each batch, the calling thread journals and writes the plans in
    // order. The plans are the ones one thread made; a refusal or a changed
    // file on either side stops both and nothing is committed.
    BoundedPipe<RosterPlan, std::string> plans(kPlansAhead);
    SpentPlans spent;
    const double writing_cpu_from = thread_cpu_s();
    std::thread planning([&] {
      struct PrintCpuOnExit {
        const PhaseLog* phases;
        double from = thread_cpu_s();
        ~PrintCpuOnExit() {
          print_thread_cpu(phases, "write pass: planning", thread_cpu_s() - from);
        }
      } print_cpu{file.phases};
      try {
        StreamPlanner writing(stored, meta, index, context);
        // Staged straight from the batch's rows (every row is a new person
        // when nothing is stored), not from a copy in the plan (s26-import).
        if (stage) writing.leave_added_people_out();
        auto hand_over = [&](std::span<const core::Person> new_people) {
          RosterPlan plan = writing.take();
          if (stage) stage->stage(plan, new_people);
          encode_plan_attrs(plan);  // off the writing thread (s26-import)
          plans.push(std::move(plan));
        };
        auto sha256 = file.read([&](auto people, auto credentials) {
          spent.recycle_given(writing);
          writing.plan_rows(people, credentials);
          hand_over(people);
        });
        writing.finish_rows();
        hand_over({});
        if (stage) stage->finish_staging();
        plans.finish(std::move(sha256));
      } catch (const BoundedPipe<RosterPlan, std::string>::Abandoned&) {
        plans.finish({});
      } catch (...) {
        plans.fail(std::current_exception());
      }
    });
    struct JoinOnExit {
      BoundedPipe<RosterPlan, std::string>& plans;
      std::thread& planning;
      ~JoinOnExit() {
        plans.abandon();  // no-op once the planner has finished
        planning.join();
      }
    } join_on_exit{plans, planning};
    bool changes_roster = false;
    AddedCredentialsInsert added_cards{db.handle()};  // many a step (roster_rows_insert.hpp)
    while (auto plan = plans.pop()) {
      append(plan->events, plan->encoded_attrs);
      if (!plan->events.empty()) change.last_seq = plan->events.back().seq;
      for (const auto& person : plan->added_people) write_added_person(db, person);
      for (const auto& person : plan->people) write_person(db, person);
      for (const auto& credential : plan->credentials) write_credential(db, credential);
      added_cards.insert(plan->added_credentials);
      for (const auto& revocation : plan->revocations) {
        write_revocation(db, revocation.card, revocation.person, at, revocation.reason);
      }
      changes_roster = changes_roster || plan->changes_roster();
      spent.give(std::move(*plan));
    }
    same_file(plans.result());
    print_thread_cpu(file.phases, "write pass: writing", thread_cpu_s() - writing_cpu_from);
    mark("write pass");
    if (stage) {
      stage->move_into_journal();
      mark("staged rows moved");
    }
    if (changes_roster) bump_roster_version(db);
    change.version = read_roster_version(db);
  });
  mark("commit");
  return change;
}

}  // namespace vigil::journal
