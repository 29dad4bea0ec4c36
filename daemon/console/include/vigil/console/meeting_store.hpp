// The meeting's follow-ups (docs/console.md, "Meeting view"): proposals and
// resolutions recorded with an owner and a due date, followed up until done.
// Kept durably in the console's own SQLite file, append-only: a change is a
// new row (the table refuses UPDATE and DELETE), so the file is the history
// of who recorded and who closed what, and when. Times are given by the
// caller, so tests pass them explicitly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace vigil::journal::sqlite {
class Database;
}

namespace vigil::console {

struct FollowUp {
  std::int64_t id = 0;
  std::string kind;  // proposal | resolution
  std::string text;
  std::string owner;            // an operator's user name
  std::string due;              // YYYY-MM-DD
  std::string status = "open";  // open | done
  std::string created_by, created_at;
  std::string done_by, done_at;  // empty while open
};

struct NewFollowUp {
  std::string kind, text, owner, due;
};

// Open and due before `today` (both YYYY-MM-DD, so they compare as text).
bool is_overdue(const FollowUp& f, std::string_view today);
nlohmann::json to_json(const FollowUp& f, std::string_view today);

class MeetingStore {
 public:
  // Opens (creates) the file through Vigil's one SQLite layer (WAL, each
  // commit fsync'd). Throws std::runtime_error (vigil::journal::JournalError)
  // when it cannot.
  explicit MeetingStore(const std::filesystem::path& file);
  ~MeetingStore();
  MeetingStore(const MeetingStore&) = delete;
  MeetingStore& operator=(const MeetingStore&) = delete;

  // A new follow-up, open, numbered after the last one. Throws on an I/O error.
  FollowUp add(const NewFollowUp& f, const std::string& by, const std::string& at);
  // Marks follow-up `id` done by `by`: only its owner may, or someone with
  // `may_close_any` (a meeting chair). An error message when refused (unknown,
  // already done, not the owner).
  std::variant<FollowUp, std::string> mark_done(std::int64_t id, const std::string& by,
                                                bool may_close_any, const std::string& at);
  // Every follow-up as of its newest row, in id order.
  std::vector<FollowUp> list() const;
  std::optional<FollowUp> find(std::int64_t id) const;
  // Rows in the file (each add and each close is one).
  std::int64_t rows() const;

 private:
  std::unique_ptr<journal::sqlite::Database> db_;
};

}  // namespace vigil::console
