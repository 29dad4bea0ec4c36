// The roster as part of the record. Every change to people and credentials
// (an import, a revoked card, a disabled or enabled person) is planned
// against the stored roster, then written and journalled in ONE SQLite
// transaction through Journal::append's hook: a crash never leaves a change
// without its events, or events without their change. Each event names the
// operator and the before/after values that matter (core::Event::attrs).
//
// Revoked cards are final: a revoked card is never enrolled again, by import
// or otherwise. People are never deleted, only deactivated, because the
// journal refers to them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/event.hpp"
#include "vigil/core/people.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/people_store.hpp"
#include "vigil/journal/phase_log.hpp"

namespace vigil::journal {

struct RosterPlan;

// The event kinds of roster changes, for queries (`person show`).
const std::vector<core::EventKind>& roster_event_kinds();

// A people file as a whole, already parsed and validated.
struct RosterFile {
  std::vector<core::Person> people;
  std::vector<core::Credential> credentials;
  std::string name;      // journalled as attr "file"
  std::string sha256;    // hex SHA-256 of the file's bytes (sha256_hex)
  bool replace = false;  // the file is the whole roster: people absent from it are deactivated
  // The file carries clearances (a clearance column). When false, listed
  // people keep the clearance on file: a sheet from before issue 8 neither
  // grants nor removes one.
  bool sets_clearance = true;
};

// What one change did: its events as journalled (seq set) and the roster
// version after it. No events and an unchanged version when nothing changed.
struct RosterChange {
  std::vector<core::Event> events;
  std::uint64_t version = 0;
  // Roster::import_stream only: events holds just roster_imported (the
  // first); this is the seq of the last event it journalled.
  std::uint64_t last_seq = 0;
  std::size_t count(core::EventKind kind) const;
};

std::string sha256_hex(std::string_view bytes);

// sha256_hex of bytes that come in pieces (a file read in chunks).
class Sha256Stream {
 public:
  Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  ~Sha256Stream();
  void update(std::string_view bytes);
  std::string hex();  // ends the stream

 private:
  void* context_;  // EVP_MD_CTX
};

// A people file too large to hold at once (`vigilctl person import` of
// millions of rows), already read and checked once by the caller: its ids
// and cards, and a way to read its rows again.
struct RosterStream {
  std::string name;
  std::string sha256;  // of the bytes the caller checked
  bool replace = false;
  bool sets_clearance = true;
  std::size_t rows = 0;
  std::vector<core::PersonId> person_ids;  // every listed person, sorted, unique
  std::vector<core::CardNumber> cards;     // every listed card, sorted, unique
  // Reads the file and hands its rows over in batches (credentials[i] is
  // people[i]'s one card), the same rows in the same order on every call
  // (vigilctl: person-id order, s25-import); returns the hex
  // SHA-256 of the bytes it read. Called twice (once into an empty store),
  // the second time on a thread of the import's own (s23-import).
  using Batch =
      std::function<void(std::span<const core::Person>, std::span<const core::Credential>)>;
  std::function<std::string(const Batch&)> read;
  PhaseLog* phases = nullptr;  // optional: marks each pass (VIGIL_PHASES)
};

class Roster {
 public:
  // Opens (or creates) the database file. `operator_name` is journalled on
  // every event as attr "operator".
  Roster(const std::filesystem::path& path, std::string operator_name, JournalOptions options = {});
  Roster(Roster&&) noexcept;
  Roster& operator=(Roster&&) noexcept;
  ~Roster();

  // Applies the file: people new to the roster are added, listed people take
  // the file's name, levels, active flag and cards; a listed person's other
  // cards are revoked (a changed card never leaves the old one working); a
  // card listed for another person moves to them. With `replace`, stored
  // people absent from the file are deactivated. Always journals
  // roster_imported (sha256, rows, replace, counts), even when nothing
  // changed. Throws JournalError, changing nothing, if a credential names a
  // person neither listed nor stored, a person id is empty, a card is listed
  // twice, a listed card was revoked, or `replace` comes with no people.
  RosterChange import(const RosterFile& file, core::TimePoint at);

  // import() for a file read in batches, with the same rules, events and
  // order, in ONE write transaction: the rows are read once to plan and
  // count (any refusal comes before a single write), then again to write
  // and journal batch by batch, so memory holds the stored roster and one
  // batch, never the whole file's rows or events. Refuses, changing
  // nothing, if a read's SHA-256 differs from `sha256` (the file changed).
  // Into an empty store the counts need no first read, and the new people
  // rows are staged in a scratch file and moved in at the end (s23-import,
  // people_stage.hpp); the second read is planned on a thread of its own.
  RosterChange import_stream(const RosterStream& file, core::TimePoint at);

  // Throws JournalError for an unknown or already revoked card.
  RosterChange revoke_card(const core::CardNumber& card, core::TimePoint at);

  // Deactivating keeps the person's cards as they are (an inactive person is
  // denied whatever card they show); activating also reactivates their
  // inactive cards that were never revoked. No events when already in that
  // state. Throws JournalError for an unknown person.
  RosterChange deactivate(const core::PersonId& person, core::TimePoint at);
  RosterChange activate(const core::PersonId& person, core::TimePoint at);

  // Integrity-risk flags and trips abroad (issue 8), each journalled with
  // the operator like every roster change. The operator is the flag's
  // set_by and `at` its set_at. Throws JournalError, changing nothing, for
  // an unknown person or trip, an empty reason, destination or approval
  // reference, a trip ending before it starts, or a return already recorded.
  RosterChange set_flag(const core::PersonId& person, core::FlagKind kind,
                        const std::string& reason, std::optional<core::LocalDate> until,
                        core::TimePoint at);
  // No events when the person has no flag.
  RosterChange clear_flag(const core::PersonId& person, const std::string& reason,
                          core::TimePoint at);
  // The trip's id is assigned here (the next free one; in the event's "trip").
  RosterChange add_trip(const core::PersonId& person, const core::Trip& trip, core::TimePoint at);
  // Several trips in one transaction (`vigilctl trip import`): all or none,
  // one trip_added each, ids in order. A refusal names the entry (1-based).
  RosterChange add_trips(std::span<const TripRecord> trips, core::TimePoint at);
  RosterChange record_return(std::int64_t trip, const std::string& note, core::TimePoint at);

  // Sets or replaces the person's PIN (issue 8, roster_pin.cpp), given as
  // its hash: the digits never reach the roster. Journals pin_set with the
  // operator and whether a PIN was replaced, never the hash. Throws
  // JournalError for an unknown person.
  RosterChange set_pin(const core::PersonId& person, const core::PinHash& pin, core::TimePoint at);

  // Lockdown of a zone and every zone inside it (issue 8,
  // roster_lockdown.cpp), ordered by the operator; journalled as
  // lockdown_set / lockdown_released with the zone, reason and operator.
  // A running vigild applies it like a roster change. Setting an order on a
  // zone already locked down replaces it; releasing a zone that is not locked
  // down changes nothing (no events). Throws JournalError for an empty zone
  // or reason. The zone is not checked against a site config here: vigilctl
  // does that.
  RosterChange set_lockdown(const core::ZoneId& zone, const std::string& reason,
                            core::TimePoint at);
  RosterChange release_lockdown(const core::ZoneId& zone, const std::string& reason,
                                core::TimePoint at);

  // Visits (issue 8 item 6, roster_visit.cpp), journalled as visit_added /
  // visit_ended with the operator. add_visit assigns the visit's id (in the
  // event's "visit"). Throws JournalError, changing nothing, for an unknown
  // visitor or host, a host who is a visitor, an empty purpose,
  // organisation or zone list, or a visit ending before it starts;
  // end_visit for an unknown or already ended visit or an empty reason.
  // Zones are not checked against a site config here: vigilctl does that.
  RosterChange add_visit(const core::Visit& visit, core::TimePoint at);
  // Several visits in one transaction (`vigilctl visit import`): all or
  // none, one visit_added each, ids in order; a visitor of an earlier entry
  // cannot host a later one. A refusal names the entry (1-based).
  RosterChange add_visits(std::span<const core::Visit> visits, core::TimePoint at);
  RosterChange end_visit(std::int64_t visit, const std::string& reason, core::TimePoint at);

  // The person's roster events from the journal, oldest first.
  std::vector<core::Event> history(const core::PersonId& person) const;

  const PeopleStore& store() const { return *store_; }
  const Journal& journal() const { return *journal_; }

 private:
  // Plans against a fresh read, then writes and journals in one transaction;
  // plans again if another writer changed the roster in between.
  RosterChange commit(const std::function<RosterPlan(sqlite::Database&)>& make_plan);

  std::string operator_;
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<sqlite::Database> reader_;  // the stored roster, read to plan a change
  std::unique_ptr<PeopleStore> store_;
};

}  // namespace vigil::journal
