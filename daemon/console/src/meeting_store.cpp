#include "vigil/console/meeting_store.hpp"

#include <sqlite3.h>

#include <stdexcept>

namespace vigil::console {
namespace {

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

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("meeting store: ") + sqlite3_errmsg(db));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(std::string("meeting store: ") +
                             sqlite3_errmsg(sqlite3_db_handle(stmt_)));
  }
  std::string text(int i) const {
    const auto* p = sqlite3_column_text(stmt_, i);
    return p == nullptr ? std::string{}
                        : std::string(reinterpret_cast<const char*>(p),
                                      static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
  }
  std::int64_t integer(int i) const { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

FollowUp read_row(const Statement& s) {
  FollowUp f;
  f.id = s.integer(0);
  f.kind = s.text(1);
  f.text = s.text(2);
  f.owner = s.text(3);
  f.due = s.text(4);
  f.status = s.text(5);
  f.created_by = s.text(6);
  f.created_at = s.text(7);
  f.done_by = s.text(8);
  f.done_at = s.text(9);
  return f;
}

void append(sqlite3* db, const FollowUp& f) {
  Statement s(db,
              "INSERT INTO followup_rows (item, kind, text, owner, due, status, created_by, "
              "created_at, done_by, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, f.id);
  s.bind(2, f.kind);
  s.bind(3, f.text);
  s.bind(4, f.owner);
  s.bind(5, f.due);
  s.bind(6, f.status);
  s.bind(7, f.created_by);
  s.bind(8, f.created_at);
  s.bind(9, f.done_by);
  s.bind(10, f.done_at);
  s.step();
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
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open the meeting store " + file.string() + ": " + why);
  }
  sqlite3_busy_timeout(db_, 2000);
  try {
    exec(kSchema);
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

MeetingStore::~MeetingStore() {
  sqlite3_close(db_);
}

void MeetingStore::exec(const char* sql) const {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string why = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error("meeting store: " + why);
  }
}

FollowUp MeetingStore::add(const NewFollowUp& n, const std::string& by, const std::string& at) {
  Statement next(db_, "SELECT COALESCE(MAX(item), 0) + 1 FROM followup_rows");
  next.step();
  FollowUp f;
  f.id = next.integer(0);
  f.kind = n.kind;
  f.text = n.text;
  f.owner = n.owner;
  f.due = n.due;
  f.created_by = by;
  f.created_at = at;
  append(db_, f);
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
  append(db_, *f);
  return *f;
}

std::vector<FollowUp> MeetingStore::list() const {
  Statement s(db_, std::string(kLatest) + " ORDER BY item");
  std::vector<FollowUp> out;
  while (s.step()) out.push_back(read_row(s));
  return out;
}

std::optional<FollowUp> MeetingStore::find(std::int64_t id) const {
  Statement s(db_, std::string(kLatest) + " AND item = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_row(s);
}

std::int64_t MeetingStore::rows() const {
  Statement s(db_, "SELECT COUNT(*) FROM followup_rows");
  s.step();
  return s.integer(0);
}

}  // namespace vigil::console
