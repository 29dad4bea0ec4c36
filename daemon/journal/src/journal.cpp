#include "vigil/journal/journal.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "event_row.hpp"
#include "schema.hpp"
#include "sqlite.hpp"

namespace vigil::journal {
namespace {

// The SQL for a filter, with its parameters bound in the same order by
// bind_filter. Only present fields appear, so each shape of filter is one
// cached statement and SQLite can pick the matching partial index.
std::string filter_sql(const Filter& filter) {
  std::string sql = std::string{"SELECT "} + kEventColumns + " FROM events";
  // Without ANALYZE statistics SQLite prefers walking the rowid (to save the
  // ORDER BY sort) over a one-sided time range, which reads the whole journal
  // for "since 08:00". When time is the only selective field, say which index.
  const bool by_id = filter.person || filter.zone || filter.door;
  if (!by_id && (filter.from || filter.to)) sql += " INDEXED BY events_by_time";
  sql += " WHERE 1";
  if (filter.after_seq > 0) sql += " AND seq > ?";
  if (filter.person) sql += " AND person = ?";
  if (filter.zone) sql += " AND zone = ?";
  if (filter.door) sql += " AND door = ?";
  if (filter.from) sql += " AND ts_us >= ?";
  if (filter.to) sql += " AND ts_us < ?";
  if (!filter.kinds.empty()) {
    sql += " AND kind IN (?";
    for (std::size_t i = 1; i < filter.kinds.size(); ++i) sql += ", ?";
    sql += ")";
  }
  sql += " ORDER BY seq";
  if (filter.limit) sql += " LIMIT ?";
  return sql;
}

void bind_filter(sqlite::Statement& select, const Filter& filter) {
  int index = 0;
  if (filter.after_seq > 0) select.bind(++index, static_cast<std::int64_t>(filter.after_seq));
  if (filter.person) select.bind(++index, std::string_view{filter.person->str()});
  if (filter.zone) select.bind(++index, std::string_view{filter.zone->str()});
  if (filter.door) select.bind(++index, std::string_view{filter.door->str()});
  if (filter.from) select.bind(++index, core::to_unix_micros(*filter.from));
  if (filter.to) select.bind(++index, core::to_unix_micros(*filter.to));
  for (auto kind : filter.kinds) select.bind(++index, std::string_view{core::to_string(kind)});
  if (filter.limit) {
    auto limit = std::min<std::size_t>(*filter.limit, INT64_MAX);
    select.bind(++index, static_cast<std::int64_t>(limit));
  }
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
  }
  return "unknown";
}

Journal::Journal(const std::filesystem::path& path, JournalOptions options)
    : path_(path),
      db_(open_database(path, options.busy_timeout)),
      hasher_(std::make_unique<RowHasher>()) {
  // Negative cache_size is in KiB rather than pages.
  db_->exec(("PRAGMA cache_size=-" + std::to_string(options.cache_bytes / 1024)).c_str());
  if (options.max_size_bytes) {
    auto page_size = static_cast<std::uint64_t>(db_->query_int("PRAGMA page_size"));
    auto pages = (*options.max_size_bytes + page_size - 1) / page_size;
    db_->exec(("PRAGMA max_page_count=" + std::to_string(pages)).c_str());
  }
}

Journal::Journal(Journal&&) noexcept = default;
Journal& Journal::operator=(Journal&&) noexcept = default;
Journal::~Journal() = default;

Journal::Head Journal::read_head() const {
  auto select = db_->cached("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
  Head head;
  if (select->step()) {
    head.seq = static_cast<std::uint64_t>(select->column_int(0));
    // A damaged hash column is verify()'s to report; appending chains from
    // whatever is stored, so the new rows stay checkable against it.
    auto stored = select->column_blob(1);
    std::copy_n(stored.begin(), std::min(stored.size(), head.hash.size()), head.hash.begin());
  }
  return head;
}

void Journal::append(std::span<core::Event> events,
                     const std::function<void(sqlite::Database&)>& in_same_transaction) {
  if (events.empty() && !in_same_transaction) return;
  sqlite::Transaction transaction{*db_};
  // Read inside the write transaction: another connection (vigilctl, a
  // second daemon by mistake) may have appended since we last looked, and
  // chaining from a stale head would fork the chain.
  const Head head = read_head();
  {
    auto insert = db_->cached(kInsertEvent);
    Hash prev = head.hash;
    std::uint64_t seq = head.seq;
    for (const auto& event : events) {
      ++seq;
      auto row = to_row_text(event);
      auto ts_us = core::to_unix_micros(event.time);
      Hash hash = hasher_->hash_row(seq, ts_us, row, prev);
      bind_row(*insert, seq, ts_us, row, prev, hash);
      insert->step();
      insert->reset();
      prev = hash;
    }
  }
  if (in_same_transaction) in_same_transaction(*db_);
  transaction.commit();
  std::uint64_t seq = head.seq;
  for (auto& event : events) event.seq = ++seq;
}

std::vector<core::Event> Journal::query(const Filter& filter) const {
  std::vector<core::Event> out;
  if (filter.limit && *filter.limit == 0) return out;
  auto select = db_->cached(filter_sql(filter));
  bind_filter(*select, filter);
  while (select->step()) out.push_back(read_event(*select));
  return out;
}

std::uint64_t Journal::last_seq() const {
  return read_head().seq;
}

Hash Journal::head_hash() const {
  return read_head().hash;
}

}  // namespace vigil::journal
