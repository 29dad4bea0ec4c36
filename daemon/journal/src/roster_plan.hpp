// A roster change worked out before it is written: the rows to store and the
// events that record them. Planning is pure (stored roster in, plan out), so
// the transaction that applies a plan only writes.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "roster_rows.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::journal {

struct ChangeContext {
  std::string operator_name;
  core::TimePoint at{};
};

struct RosterPlan {
  struct Revocation {
    core::CardNumber card;
    core::PersonId person;
    std::string reason;
  };
  std::uint64_t based_on_version = 0;  // the roster version the plan was made from
  std::vector<core::Event> events;
  // encoded_attrs[i]: events[i]'s attrs as the journal stores them, when
  // made ahead on the planning thread (encode_plan_attrs); may be longer
  // than events (a recycled plan keeps its buffers), or empty.
  std::vector<std::vector<std::uint8_t>> encoded_attrs;
  std::vector<core::Person> people;                 // whole rows to upsert
  std::vector<core::Person> added_people;           // rows of people not stored before
  std::vector<core::Credential> credentials;        // whole rows to upsert
  std::vector<core::Credential> added_credentials;  // cards with no row before
  std::vector<Revocation> revocations;
  // New people and cards already written elsewhere (a first import's staging
  // file, people_stage.hpp): they change the roster too.
  std::size_t staged = 0;
  // Other rows (flags, trips), written in the same transaction.
  std::vector<std::function<void(sqlite::Database&)>> writes;
  bool changes_roster() const {
    return !people.empty() || !added_people.empty() || !credentials.empty() ||
           !added_credentials.empty() || !revocations.empty() || !writes.empty() || staged > 0;
  }
};

// Fills plan.encoded_attrs for every event (encode_attrs_into), reusing its
// buffers: the attrs encoding moves off the thread that journals the plan.
void encode_plan_attrs(RosterPlan& plan);

// Throws JournalError (nothing planned) for a file that cannot be applied.
RosterPlan plan_import(const StoredRoster& stored, const RosterFile& file,
                       const ChangeContext& context);

// The listed ids and cards of a file whose rows come in batches, sorted.
struct FileIndex {
  std::span<const core::PersonId> person_ids;
  std::span<const core::CardNumber> cards;
};

class ImportPlanner;

// plan_import for a file read in batches (Roster::import_stream): each
// batch's rows and events are take()n and written before the next, so
// memory holds one batch. Same rules, same events, same order.
class StreamPlanner {
 public:
  // `meta` (name, sha256, replace, sets_clearance; no rows) and `index`
  // must outlive the planner.
  // `counting_only`: the plan is only counted (summary()), never written;
  // what it would drop is not built where that is cheap to skip.
  StreamPlanner(const StoredRoster& stored, const RosterFile& meta, const FileIndex& index,
                const ChangeContext& context, bool counting_only = false);
  ~StreamPlanner();
  void plan_rows(std::span<const core::Person> people,
                 std::span<const core::Credential> credentials);
  void finish_rows();  // after the last batch (--replace)
  RosterPlan take();   // the rows and events planned since the last take
  // A written plan back for reuse: the next take()'s plan starts from its
  // emptied vectors, whose buffers are kept (s26-import: each batch grew
  // its vectors from nothing and freed them, and freeing those large blocks
  // made malloc consolidate its small-block bins on the planning thread).
  void recycle(RosterPlan&& spent);
  // A first import's new people are not copied into the plans'
  // added_people: the caller stages them from the rows it passed to
  // plan_rows (PeopleStage; with nothing stored every row is a new person).
  // Their events and cards are planned as before.
  void leave_added_people_out();
  // In place of plan_rows over the whole file when the store holds no
  // people, cards or revoked cards: every row (one card each) is a new
  // person with a new card, and no refusal is possible that the caller's
  // check of the file has not made (Roster::import_stream).
  void count_all_new(std::int64_t rows);
  // roster_imported with the counts of everything planned so far.
  core::Event summary(std::int64_t rows) const;

 private:
  std::unique_ptr<ImportPlanner> planner_;
};

// A roster event at the context's time with attr "operator"; the caller adds
// the rest (typed attrs: journalled and hashed as they are).
core::Event roster_event(core::EventKind kind, const ChangeContext& context);

// Throws the JournalError every refused roster change raises: nothing changed.
[[noreturn]] void refuse(const std::string& why);

std::string levels_text(const std::vector<core::AccessLevelId>& levels);
// "secret until 2026-12-31", "top_secret", "none".
std::string clearance_text(const core::Clearance& clearance);
std::string time_text(const std::optional<core::TimePoint>& time);

}  // namespace vigil::journal
