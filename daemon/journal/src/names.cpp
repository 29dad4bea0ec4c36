#include "names.hpp"

#include <algorithm>

namespace vigil::journal {

void Names::remember(std::int64_t id, std::string text) {
  if (id < 0) return;
  auto index = static_cast<std::size_t>(id);
  if (index < texts_.size() + kDenseStep) {
    if (texts_.size() <= index) texts_.resize(index + 1);
    texts_[index] = text;
  } else {
    // Far past the known ids (the `checkpoint` kind first used after an
    // import of 2,000,000 people): a slot for every id below it would be
    // 80 MB of empty strings (s22-start).
    far_texts_.insert_or_assign(id, text);
  }
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
    insert->bind_static(1, text);  // stepped right here, while `text` lives
    insert->step();
  }
  if (db.changes() == 1) {
    auto id = db.last_insert_rowid();
    if (remember_new_) remember_id(id, text);
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
  if (auto far = far_texts_.find(id); far != far_texts_.end()) return &far->second;
  // One query brings in a window of names: from the highest known id when
  // `id` is just past it (a reader tailing a busy journal meets new ids in
  // runs), else from `id` itself (a hole left by find(), which query()
  // calls for a filter's names, or an id far past the known ones). Never
  // every name from the highest known on: a fresh cache's first lookup (a
  // checkpoint row's kind, at vigild's start check) read every person's
  // name into this cache, 2,000,000 of them after a large import
  // (s22-start); before that, log verify's checkpoint rows read every
  // person's name from the `none` reason's id on (~1.5 % of its CPU time).
  constexpr std::int64_t kWindow = 256;
  const auto known = static_cast<std::int64_t>(texts_.size());
  const std::int64_t from = id >= known && id - known < kWindow ? known : id;
  auto select = db.cached("SELECT id, text FROM names WHERE id >= ?1 AND id < ?2");
  select->bind(1, from);
  select->bind(2, id > INT64_MAX - kWindow ? INT64_MAX : id + kWindow);
  while (select->step()) remember(select->column_int(0), select->column_text(1));
  if (id >= 0 && index < texts_.size() && texts_[index]) return &*texts_[index];
  auto far = far_texts_.find(id);
  return far == far_texts_.end() ? nullptr : &far->second;
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
  far_texts_.clear();
  door_zones_.clear();
}

}  // namespace vigil::journal
