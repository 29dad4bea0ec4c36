#include "names.hpp"

#include <algorithm>

namespace vigil::journal {

void Names::remember(std::int64_t id, std::string text) {
  if (id < 0) return;
  auto index = static_cast<std::size_t>(id);
  if (texts_.size() <= index) texts_.resize(index + 1);
  texts_[index] = text;
  ids_.emplace(std::move(text), id);
}

void Names::remember_id(std::int64_t id, std::string_view text) {
  // Not in texts_ too: an import interns millions of person ids whose
  // texts_ slots would be value-initialised up to the newest id after each
  // forget(); text() reads a missing id from the table in one query.
  ids_.emplace(std::string{text}, id);
}

std::int64_t Names::intern(sqlite::Database& db, std::string_view text) {
  if (auto it = ids_.find(text); it != ids_.end()) return it->second;
  // Insert first, look up only if the text was there: a new name (every
  // person of an import) costs one descent of the text index, not a failed
  // SELECT and then the INSERT's own. An ignored row takes no id, so the
  // ids are the ones a SELECT-first intern gave.
  {
    static const std::string kInsert = "INSERT OR IGNORE INTO names (text) VALUES (?1)";
    auto insert = db.cached(kInsert);
    insert->bind(1, text);
    insert->step();
  }
  if (db.changes() == 1) {
    auto id = db.last_insert_rowid();
    remember_id(id, text);
    return id;
  }
  if (auto id = find(db, text)) return *id;
  throw JournalError("names: cannot store '" + std::string{text} + "'", 0);
}

std::optional<std::int64_t> Names::find(sqlite::Database& db, std::string_view text) {
  if (auto it = ids_.find(text); it != ids_.end()) return it->second;
  auto select = db.cached("SELECT id FROM names WHERE text = ?1");
  select->bind(1, text);
  if (!select->step()) return std::nullopt;
  auto id = select->column_int(0);
  remember_id(id, text);
  return id;
}

const std::string* Names::text(sqlite::Database& db, std::int64_t id) {
  auto index = static_cast<std::size_t>(id);
  if (id >= 0 && index < texts_.size() && texts_[index]) return &*texts_[index];
  // One query brings in every name added since: a reader tailing a busy
  // journal meets new ids in runs. An id below the highest known one (a
  // hole left by find(), which query() calls for a filter's names) brings
  // in a window from it instead: reading log verify's checkpoint rows after
  // finding the `checkpoint` kind loaded every person's name from the
  // `none` reason's id on (~1.5 % of log verify's CPU time, 5,000 people).
  constexpr std::int64_t kHoleWindow = 256;
  const auto known = static_cast<std::int64_t>(texts_.size());
  auto select = db.cached("SELECT id, text FROM names WHERE id >= ?1 AND id < ?2");
  select->bind(1, std::min(id, known));
  select->bind(2, id >= known || id < 0 ? INT64_MAX : id + kHoleWindow);
  while (select->step()) remember(select->column_int(0), select->column_text(1));
  if (id >= 0 && index < texts_.size() && texts_[index]) return &*texts_[index];
  return nullptr;
}

void Names::note_door_zone(sqlite::Database& db, std::int64_t door_id, std::int64_t zone_id) {
  auto key = static_cast<std::uint64_t>(door_id) << 32 ^ static_cast<std::uint64_t>(zone_id);
  if (door_zones_.contains(key)) return;
  auto insert = db.cached("INSERT OR IGNORE INTO door_zones (zone_id, door_id) VALUES (?1, ?2)");
  insert->bind(1, zone_id);
  insert->bind(2, door_id);
  insert->step();
  door_zones_.insert(key);
}

void Names::forget() {
  ids_.clear();
  texts_.clear();
  door_zones_.clear();
}

}  // namespace vigil::journal
