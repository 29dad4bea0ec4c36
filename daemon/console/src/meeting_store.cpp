#include "vigil/console/meeting_store.hpp"

#include <chrono>
#include <memory>
#include <stdexcept>

#include "vigil/journal/error.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::console {
namespace {

using journal::sqlite::Database;
using journal::sqlite::Statement;

// One row per change. `item` numbers the follow-up; its newest row (highest
// `row`) is its current state. The triggers make the table append-only.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS followup_rows (
  row INTEGER PRIMARY KEY AUTOINCREMENT,
  item INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('proposal', 'resolution')),
  text TEXT NOT NULL,
  owner TEXT NOT NULL,
  due TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'done')),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  done_by TEXT NOT NULL,
  done_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS followup_rows_item ON followup_rows (item, row);
CREATE TRIGGER IF NOT EXISTS followup_rows_no_update BEFORE UPDATE ON followup_rows
  BEGIN SELECT RAISE(ABORT, 'follow-ups are append-only'); END;
CREATE TRIGGER IF NOT EXISTS followup_rows_no_delete BEFORE DELETE ON followup_rows
  BEGIN SELECT RAISE(ABORT, 'follow-ups are append-only'); END;
)sql";

constexpr const char* kLatest =
    "SELECT item, kind, text, owner, due, status, created_by, created_at, done_by, done_at "
    "FROM followup_rows r WHERE row = (SELECT MAX(row) FROM followup_rows WHERE item = r.item)";

FollowUp read_row(const Statement& s) {
  FollowUp f;
  f.id = s.column_int(0);
  f.kind = s.column_text(1);
  f.text = s.column_text(2);
  f.owner = s.column_text(3);
  f.due = s.column_text(4);
  f.status = s.column_text(5);
  f.created_by = s.column_text(6);
  f.created_at = s.column_text(7);
  f.done_by = s.column_text(8);
  f.done_at = s.column_text(9);
  return f;
}

void append(Database& db, const FollowUp& f) {
  auto s = db.cached(
      "INSERT INTO followup_rows (item, kind, text, owner, due, status, created_by, "
      "created_at, done_by, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s->bind(1, f.id);
  s->bind(2, std::string_view{f.kind});
  s->bind(3, std::string_view{f.text});
  s->bind(4, std::string_view{f.owner});
  s->bind(5, std::string_view{f.due});
  s->bind(6, std::string_view{f.status});
  s->bind(7, std::string_view{f.created_by});
  s->bind(8, std::string_view{f.created_at});
  s->bind(9, std::string_view{f.done_by});
  s->bind(10, std::string_view{f.done_at});
  s->step();
}

}  // namespace

bool is_overdue(const FollowUp& f, std::string_view today) {
  return f.status == "open" && !f.due.empty() && f.due < today;
}

nlohmann::json to_json(const FollowUp& f, std::string_view today) {
  return nlohmann::json{{"id", f.id},
                        {"kind", f.kind},
                        {"text", f.text},
                        {"owner", f.owner},
                        {"due", f.due},
                        {"status", f.status},
                        {"overdue", is_overdue(f, today)},
                        {"created_by", f.created_by},
                        {"created_at", f.created_at},
                        {"done_by", f.done_by},
                        {"done_at", f.done_at}};
}

MeetingStore::MeetingStore(const std::filesystem::path& file) {
  try {
    db_ = std::make_unique<Database>(
        file, journal::sqlite::OpenOptions{.busy_timeout = std::chrono::milliseconds(2000)});
    db_->exec(kSchema);
  } catch (const journal::JournalError& e) {
    throw journal::JournalError("cannot open the meeting store " + file.string() + ": " + e.what(),
                                e.sqlite_code());
  }
}

MeetingStore::~MeetingStore() = default;

FollowUp MeetingStore::add(const NewFollowUp& n, const std::string& by, const std::string& at) {
  FollowUp f;
  f.id = db_->query_int("SELECT COALESCE(MAX(item), 0) + 1 FROM followup_rows");
  f.kind = n.kind;
  f.text = n.text;
  f.owner = n.owner;
  f.due = n.due;
  f.created_by = by;
  f.created_at = at;
  append(*db_, f);
  return f;
}

std::variant<FollowUp, std::string> MeetingStore::mark_done(std::int64_t id, const std::string& by,
                                                            bool may_close_any,
                                                            const std::string& at) {
  auto f = find(id);
  if (!f) return "no follow-up #" + std::to_string(id);
  if (f->status == "done") {
    return "follow-up #" + std::to_string(id) + " was already done by " + f->done_by;
  }
  if (f->owner != by && !may_close_any) {
    return "only " + f->owner + " (the owner) or a meeting chair may mark #" + std::to_string(id) +
           " done";
  }
  f->status = "done";
  f->done_by = by;
  f->done_at = at;
  append(*db_, *f);
  return *f;
}

std::vector<FollowUp> MeetingStore::list() const {
  auto s = db_->cached(std::string(kLatest) + " ORDER BY item");
  std::vector<FollowUp> out;
  while (s->step()) out.push_back(read_row(*s));
  return out;
}

std::optional<FollowUp> MeetingStore::find(std::int64_t id) const {
  auto s = db_->cached(std::string(kLatest) + " AND item = ?");
  s->bind(1, id);
  if (!s->step()) return std::nullopt;
  return read_row(*s);
}

std::int64_t MeetingStore::rows() const {
  return db_->query_int("SELECT COUNT(*) FROM followup_rows");
}

}  // namespace vigil::console
