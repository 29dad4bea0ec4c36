#include "vigil/journal/journal.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "event_row.hpp"
#include "names.hpp"
#include "schema.hpp"
#include "vigil/journal/export_row.hpp"
#include "vigil/journal/latency_trace.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {
namespace {

// A filter with its names resolved to ids. A name that is not in the
// dictionary matches no row, so the query is answered without SQL.
struct ResolvedFilter {
  std::optional<std::int64_t> person, zone, door;
  std::vector<std::int64_t> kinds, reasons;
  bool matches_nothing = false;
};

template <class IdType>
std::optional<std::int64_t> resolve(sqlite::Database& db, Names& names,
                                    const std::optional<IdType>& id, bool& missing) {
  if (!id) return std::nullopt;
  auto found = names.find(db, id->str());
  if (!found) missing = true;
  return found;
}

ResolvedFilter resolve(sqlite::Database& db, Names& names, const Filter& filter) {
  ResolvedFilter out;
  out.person = resolve(db, names, filter.person, out.matches_nothing);
  out.zone = resolve(db, names, filter.zone, out.matches_nothing);
  out.door = resolve(db, names, filter.door, out.matches_nothing);
  for (auto kind : filter.kinds) {
    if (auto id = names.find(db, core::to_string(kind))) out.kinds.push_back(*id);
  }
  if (!filter.kinds.empty() && out.kinds.empty()) out.matches_nothing = true;
  for (auto reason : filter.reasons) {
    if (auto id = names.find(db, core::to_string(reason))) out.reasons.push_back(*id);
  }
  if (!filter.reasons.empty() && out.reasons.empty()) out.matches_nothing = true;
  return out;
}

// The conditions and parameters of a filter, bound in the same order by
// bind_filter. Only present fields appear, so each shape of filter is one
// cached statement and SQLite can pick the matching partial index.
std::string filter_terms(const Filter& filter, const ResolvedFilter& ids) {
  std::string sql;
  if (filter.after_seq > 0) sql += " AND seq > ?";
  if (ids.person) sql += " AND person_id = ?";
  if (ids.zone) sql += " AND zone_id = ?";
  if (ids.door) sql += " AND door_id = ?";
  if (filter.card) sql += " AND card = ?";
  if (filter.from) sql += " AND ts_us >= ?";
  if (filter.to) sql += " AND ts_us < ?";
  if (!ids.kinds.empty()) {
    sql += " AND kind_id IN (?";
    for (std::size_t i = 1; i < ids.kinds.size(); ++i) sql += ", ?";
    sql += ")";
  }
  if (!ids.reasons.empty()) {
    sql += " AND reason_id IN (?";
    for (std::size_t i = 1; i < ids.reasons.size(); ++i) sql += ", ?";
    sql += ")";
  }
  return sql;
}

// A zone with no person, door or card to narrow it reads the zone's doors
// from door_zones and searches events_by_door_time for each (with the time
// range, if any, on the index: a zone's day reads that day's rows of its
// doors, not every row of the day), plus the door-less rows of the zone.
bool zone_through_doors(const Filter& filter, const ResolvedFilter& ids) {
  return ids.zone && !ids.person && !ids.door && !filter.card;
}

std::string filter_sql(const Filter& filter, const ResolvedFilter& ids) {
  const std::string select = std::string{"SELECT "} + kEventColumns + " FROM events";
  std::string sql;
  if (zone_through_doors(filter, ids)) {
    sql = select + " WHERE door_id IN (SELECT door_id FROM door_zones WHERE zone_id = ?)" +
          filter_terms(filter, ids) + " UNION ALL " + select +
          " WHERE zone_id IS NOT NULL AND door_id IS NULL" + filter_terms(filter, ids);
  } else {
    // Without ANALYZE statistics SQLite prefers walking the rowid (to save
    // the ORDER BY sort) over a one-sided time range, which reads the whole
    // journal for "since 08:00". When time is the most selective field
    // present, say which index; a time range narrows more than a kind or a
    // reason (most rows are grants), and those more than nothing.
    const bool by_id = ids.person || ids.door || filter.card;
    sql = select;
    if (!by_id && (filter.from || filter.to)) {
      sql += " INDEXED BY events_by_time";
    } else if (!by_id && !ids.kinds.empty()) {
      sql += " INDEXED BY events_by_kind";
    } else if (!by_id && !ids.reasons.empty()) {
      sql += " INDEXED BY events_by_reason";
    }
    sql += " WHERE 1" + filter_terms(filter, ids);
  }
  sql += " ORDER BY seq";
  if (filter.limit) sql += " LIMIT ?";
  return sql;
}

void bind_terms(sqlite::Statement& select, int& index, const Filter& filter,
                const ResolvedFilter& ids) {
  if (filter.after_seq > 0) select.bind(++index, static_cast<std::int64_t>(filter.after_seq));
  if (ids.person) select.bind(++index, *ids.person);
  if (ids.zone) select.bind(++index, *ids.zone);
  if (ids.door) select.bind(++index, *ids.door);
  std::string card;
  if (filter.card) {
    card = core::to_string(*filter.card);
    select.bind(++index, std::string_view{card});
  }
  if (filter.from) select.bind(++index, core::to_unix_micros(*filter.from));
  if (filter.to) select.bind(++index, core::to_unix_micros(*filter.to));
  for (auto kind : ids.kinds) select.bind(++index, kind);
  for (auto reason : ids.reasons) select.bind(++index, reason);
}

void bind_filter(sqlite::Statement& select, const Filter& filter, const ResolvedFilter& ids) {
  int index = 0;
  if (zone_through_doors(filter, ids)) {
    select.bind(++index, *ids.zone);
    bind_terms(select, index, filter, ids);
    bind_terms(select, index, filter, ids);
  } else {
    bind_terms(select, index, filter, ids);
  }
  if (filter.limit) {
    auto limit = std::min<std::size_t>(*filter.limit, INT64_MAX);
    select.bind(++index, static_cast<std::int64_t>(limit));
  }
}

Hash to_hash(std::span<const std::uint8_t> stored) {
  Hash hash{};
  std::copy_n(stored.begin(), std::min(stored.size(), hash.size()), hash.begin());
  return hash;
}

}  // namespace

const char* to_string(Damage damage) {
  switch (damage) {
    case Damage::none:
      return "none";
    case Damage::altered:
      return "altered";
    case Damage::missing:
      return "missing";
    case Damage::reordered:
      return "reordered";
    case Damage::type_changed:
      return "type_changed";
    case Damage::unindexed:
      return "unindexed";
  }
  return "unknown";
}

Journal::Journal(const std::filesystem::path& path, JournalOptions options)
    : path_(path),
      options_(options),
      archive_dir_(options.archive_dir.empty() ? std::filesystem::path(path.string() + ".archive")
                                               : options.archive_dir),
      db_(open_database(path, options.busy_timeout)),
      hasher_(std::make_unique<RowHasher>()),
      names_(std::make_unique<Names>()),
      bytes_(std::make_unique<CanonicalBytes>()) {
  // Negative cache_size is in KiB rather than pages.
  db_->exec("PRAGMA cache_size=-" + std::to_string(options.cache_bytes / 1024));
  if (options.max_size_bytes) {
    auto page_size = static_cast<std::uint64_t>(db_->query_int("PRAGMA page_size"));
    auto pages = (*options.max_size_bytes + page_size - 1) / page_size;
    db_->exec("PRAGMA max_page_count=" + std::to_string(pages));
  }
  auto select = db_->cached("SELECT value FROM journal_meta WHERE key = 'journal_id'");
  if (!select->step() || !from_hex(select->column_text_view(0), id_)) {
    throw JournalError(path.string() + ": journal_meta has no valid journal_id", 0);
  }
  genesis_ = journal::genesis_hash(id_);
  // DROP INDEX (the index migration) is refused while a statement is active.
  select->reset();
  try {
    ensure_query_indexes(*db_);
  } catch (const std::exception&) {
    // A read-only copy (an inspector's) is still queried and verified, by
    // scanning where the card, kind and reason indexes would have helped.
  }
}

Journal::Journal(Journal&&) noexcept = default;
Journal& Journal::operator=(Journal&&) noexcept = default;
Journal::~Journal() = default;

std::string Journal::journal_id() const {
  return to_hex(id_);
}

Journal::Head Journal::read_head() const {
  auto select = db_->cached("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
  Head head{.seq = 0, .hash = genesis_};
  if (select->step()) {
    head.seq = static_cast<std::uint64_t>(select->column_int(0));
    // A damaged hash column is verify()'s to report; appending chains from
    // whatever is stored, so the new rows stay checkable against it.
    head.hash = to_hash(select->column_blob(1));
  }
  return head;
}

void Journal::append(std::span<core::Event> events, const InTransaction& in_same_transaction) {
  if (events.empty() && !in_same_transaction) return;
  std::vector<std::uint64_t> old_seqs;
  old_seqs.reserve(events.size());
  for (const auto& event : events) old_seqs.push_back(event.seq);
  try {
    sqlite::Transaction transaction{*db_};
    LatencyTrace::mark(LatencyTrace::Stage::begun);
    // Read inside the write transaction: another connection (vigilctl, a
    // second daemon by mistake) may have appended since we last looked, and
    // chaining from a stale head would fork the chain.
    const Head head = read_head();
    LatencyTrace::mark(LatencyTrace::Stage::head_read);
    {
      auto insert = db_->cached(kInsertEvent);
      Hash prev = head.hash;
      std::uint64_t seq = head.seq;
      EventRowBuffers row;
      for (auto& event : events) {
        event.seq = ++seq;
        prev = encode_event(*db_, *names_, event, seq, prev, *bytes_, *hasher_, *insert, row);
        insert->step();
        insert->reset();
      }
    }
    if (in_same_transaction) in_same_transaction(*db_);
    transaction.commit();
  } catch (...) {
    // Names interned in the rolled-back transaction may not exist.
    names_->forget();
    for (std::size_t i = 0; i < events.size(); ++i) events[i].seq = old_seqs[i];
    throw;
  }
}

void Journal::append_in_batches(
    const std::function<void(sqlite::Database&, const AppendBatch&)>& work) {
  try {
    // main's write lock only: an import's staging file attached to this
    // connection is written meanwhile by the import's other thread.
    sqlite::Transaction transaction{*db_, "UPDATE main.journal_meta SET value = value WHERE 0"};
    Head head = read_head();
    auto insert = db_->cached(kInsertEvent);
    // Rows go in kRowsAStep at a time (s26-import): one step a row spent
    // about half the events' insert work on the statement itself (opening
    // and closing a cursor on the table and each of its indexes, starting
    // and ending the statement): a C program with the events table and its
    // indexes, 1,000,000 rows, 6.0 s of CPU one a step, 3.1-3.3 s 16 a step.
    constexpr int kRowsAStep = 16;
    static const std::string kInsertMany = insert_events_sql(kRowsAStep);
    auto insert_many = db_->cached(kInsertMany);
    std::vector<EventRowBuffers> rows(kRowsAStep);  // each bound row's own
    EventRowBuffers& row = rows.front();
    // An import's new person ids are not cached (Names::remember_new): the
    // batch's forget() below dropped them unread anyway.
    struct RememberNewOnExit {
      Names& names;
      ~RememberNewOnExit() { names.remember_new(true); }
    } remember_new_on_exit{*names_};
    names_->remember_new(false);
    const AppendBatch append = [&](std::span<core::Event> events,
                                   std::span<const std::vector<std::uint8_t>> encoded_attrs) {
      auto encoded = [&](std::size_t i) {
        return i < encoded_attrs.size() ? &encoded_attrs[i] : nullptr;
      };
      std::size_t next = 0;
      for (; events.size() - next >= kRowsAStep; next += kRowsAStep) {
        for (int i = 0; i < kRowsAStep; ++i) {
          const std::size_t at = next + static_cast<std::size_t>(i);
          auto& event = events[at];
          event.seq = ++head.seq;
          head.hash = encode_event(*db_, *names_, event, head.seq, head.hash, *bytes_, *hasher_,
                                   *insert_many, rows[static_cast<std::size_t>(i)],
                                   1 + i * kEventParameters, encoded(at));
        }
        insert_many->step();
        insert_many->rewind();  // every parameter is bound again (encode_event)
      }
      for (; next < events.size(); ++next) {
        auto& event = events[next];
        event.seq = ++head.seq;
        head.hash = encode_event(*db_, *names_, event, head.seq, head.hash, *bytes_, *hasher_,
                                 *insert, row, 1, encoded(next));
        insert->step();
        // Every parameter is bound again for the next row (encode_event).
        insert->rewind();
      }
      // The name cache would otherwise grow by every person id of a large
      // import (most never looked up again); the names table has them all.
      names_->forget();
    };
    work(*db_, append);
    transaction.commit();
  } catch (...) {
    names_->forget();
    throw;
  }
}

std::vector<core::Event> Journal::query(const Filter& filter) const {
  std::vector<core::Event> out;
  if (filter.limit && *filter.limit == 0) return out;
  auto ids = resolve(*db_, *names_, filter);
  if (ids.matches_nothing) return out;
  auto select = db_->cached(filter_sql(filter, ids));
  bind_filter(*select, filter, ids);
  while (select->step()) out.push_back(read_event(*db_, *names_, *select));
  return out;
}

void Journal::for_each_row(const Filter& filter,
                           const std::function<void(const ExportRow&)>& visit) const {
  // One row, reused for every row.
  VisitEachRow sink{visit};
  for_each_row(filter, sink);
}

void Journal::for_each_row(const Filter& filter, ExportRowSink& sink) const {
  if (filter.limit && *filter.limit == 0) return;
  auto ids = resolve(*db_, *names_, filter);
  if (ids.matches_nothing) return;
  auto select = db_->cached(filter_sql(filter, ids));
  bind_filter(*select, filter, ids);
  while (select->step()) {
    read_export_row(*db_, *names_, *select, sink.slot());
    sink.filled();
  }
}

std::vector<std::string> Journal::query_plan(const Filter& filter) const {
  std::vector<std::string> out;
  auto ids = resolve(*db_, *names_, filter);
  if (ids.matches_nothing) return out;
  sqlite::Statement explain{db_->handle(), "EXPLAIN QUERY PLAN " + filter_sql(filter, ids)};
  bind_filter(explain, filter, ids);
  while (explain.step()) out.push_back(explain.column_text(3));
  return out;
}

std::uint64_t Journal::last_seq() const {
  return read_head().seq;
}

Hash Journal::head_hash() const {
  return read_head().hash;
}

std::optional<Hash> Journal::hash_at(std::uint64_t seq) const {
  auto select = db_->cached("SELECT hash FROM events WHERE seq = ?1");
  select->bind(1, static_cast<std::int64_t>(seq));
  if (!select->step()) return std::nullopt;
  return to_hash(select->column_blob(0));
}

}  // namespace vigil::journal
