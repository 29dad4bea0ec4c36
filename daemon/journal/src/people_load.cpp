#include "people_load.hpp"

#include <time.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "event_row.hpp"
#include "risk_rows.hpp"
#include "roster_rows.hpp"

namespace vigil::journal {
// A named namespace, not an anonymous one: the library builds as unity
// files, where another file's anonymous names would collide with these.
namespace people_load {

// A stretch of a batch's text buffer.
struct Text {
  std::uint32_t at = 0;
  std::uint32_t size = 0;
};

struct PersonRow {
  Text id;
  Text name;
  std::uint32_t first_level = 0;  // into PeopleBatch::levels
  std::uint32_t level_count = 0;
  bool active = true;
  // The clearance's level and last day as stored (empty for NULL), parsed
  // on the filling thread: the decoding one is the busier (s23-start).
  Text clearance_level;
  Text clearance_expires;
};

struct CardRow {
  core::CardNumber card;
  Text holder;
  bool active = true;
  std::optional<core::TimePoint> valid_from;
  std::optional<core::TimePoint> valid_until;
};

// The hash as stored: parsed on the filling thread, like the clearance.
struct PinRow {
  Text person;
  Text hash;
};

// Rows of one table, decoded; text (ids, names, levels) in one buffer, so a
// batch reused for the next rows allocates nothing once it has grown.
struct PeopleBatch {
  enum class Kind { counts, people, cards, pins, end, error };
  Kind kind = Kind::end;
  std::string text;
  std::vector<PersonRow> people;
  std::vector<Text> levels;
  std::vector<CardRow> cards;
  std::vector<PinRow> pins;
  // People whose level rows stand out of line: read again by key at the end.
  std::vector<core::PersonId> reread;
  std::size_t people_count = 0, card_count = 0, pin_count = 0;  // Kind::counts
  std::exception_ptr error;

  void clear(Kind next) {
    kind = next;
    text.clear();
    people.clear();
    levels.clear();
    cards.clear();
    pins.clear();
    reread.clear();
  }
  std::size_t rows() const { return people.size() + cards.size() + pins.size(); }
  Text keep(std::string_view s) {
    const Text t{static_cast<std::uint32_t>(text.size()), static_cast<std::uint32_t>(s.size())};
    text.append(s);
    return t;
  }
  std::string_view view(Text t) const { return std::string_view{text}.substr(t.at, t.size); }
};

// Rows a batch carries before it is handed over: large enough that the
// hand-over's lock is rare, small enough that the batches in flight cost
// ~1 MB whatever the roster's size (the start's peak memory is issue 8's
// other measure).
constexpr std::size_t kBatchRows = 4096;
constexpr std::size_t kBatchesInFlight = 4;

// Full batches one way, emptied ones back: a bounded queue, so the decoding
// thread never runs more than kBatchesInFlight batches ahead.
class BatchPipe {
 public:
  BatchPipe() {
    for (std::size_t i = 0; i < kBatchesInFlight; ++i) {
      empty_.push_back(std::make_unique<PeopleBatch>());
    }
  }

  // The producer's next batch to fill; nullptr once the consumer gave up.
  std::unique_ptr<PeopleBatch> take_empty() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return cancelled_ || !empty_.empty(); });
    if (cancelled_) return nullptr;
    auto batch = std::move(empty_.front());
    empty_.pop_front();
    return batch;
  }
  void hand_over(std::unique_ptr<PeopleBatch> batch) {
    {
      std::lock_guard lock(mutex_);
      full_.push_back(std::move(batch));
    }
    changed_.notify_all();
  }
  std::unique_ptr<PeopleBatch> take_full() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !full_.empty(); });
    auto batch = std::move(full_.front());
    full_.pop_front();
    return batch;
  }
  void give_back(std::unique_ptr<PeopleBatch> batch) {
    {
      std::lock_guard lock(mutex_);
      empty_.push_back(std::move(batch));
    }
    changed_.notify_all();
  }
  void cancel() {
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
    }
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<PeopleBatch>> empty_;
  std::deque<std::unique_ptr<PeopleBatch>> full_;
  bool cancelled_ = false;
};

struct Cancelled {};

// The decoding thread's side: fills batches of one kind and hands each
// over when full (and the last one when the table ends).
class BatchWriter {
 public:
  explicit BatchWriter(BatchPipe& pipe) : pipe_(pipe) {}
  PeopleBatch& start(PeopleBatch::Kind kind) {
    flush();
    batch_ = pipe_.take_empty();
    if (!batch_) throw Cancelled{};
    batch_->clear(kind);
    return *batch_;
  }
  // The batch to add the next row to: a new one of the same kind when full.
  PeopleBatch& next_row() {
    if (batch_->rows() >= kBatchRows) start(batch_->kind);
    return *batch_;
  }
  void flush() {
    if (batch_) pipe_.hand_over(std::move(batch_));
  }

 private:
  BatchPipe& pipe_;
  std::unique_ptr<PeopleBatch> batch_;
};

// This thread's CPU seconds (issue 8's measures want each thread's share:
// the start's critical path is the busier of the two).
double thread_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

std::optional<core::TimePoint> column_optional_time(const sqlite::Statement& select, int column) {
  if (select.is_null(column)) return std::nullopt;
  return core::from_unix_micros(select.column_int(column));
}

// Every table in its stored order: a walk of the table's own B-tree (the
// people tables are WITHOUT ROWID, so people come by id and level rows by
// person and position; person_pins by rowid). `ORDER BY` read each row
// through an index and then searched the table for it: 8,000,000 searches
// at 2,000,000 people (s21-startup). A person's level rows are the run that
// stands first when their turn comes; what does not line up (a position out
// of order, rows naming someone already passed) is read again by key at the
// end; nothing relies on the order for correctness.
void read_people(sqlite::Database& db, BatchWriter& out) {
  sqlite::Statement people{db.handle(),
                           "SELECT id, name, active, clearance, clearance_expires FROM people"};
  sqlite::Statement levels{db.handle(), "SELECT person, position, level FROM person_levels"};
  bool level_row = levels.step();
  PeopleBatch* batch = &out.start(PeopleBatch::Kind::people);
  while (people.step()) {
    batch = &out.next_row();
    const std::string_view id = people.column_text_view(0);
    // Level rows before this person's name someone already passed (or
    // nobody, as a row-by-row load found when it read them by key).
    while (level_row && levels.column_text_view(0) < id) {
      batch->reread.emplace_back(std::string{levels.column_text_view(0)});
      level_row = levels.step();
    }
    PersonRow row;
    row.id = batch->keep(id);
    row.name = batch->keep(people.column_text_view(1));
    row.active = people.column_int(2) != 0;
    row.clearance_level = batch->keep(people.column_text_view(3));
    row.clearance_expires = batch->keep(people.column_text_view(4));
    row.first_level = static_cast<std::uint32_t>(batch->levels.size());
    std::int64_t last_position = -1;
    while (level_row && levels.column_text_view(0) == id) {
      const std::int64_t position = levels.column_int(1);
      if (position <= last_position) batch->reread.emplace_back(std::string{id});
      last_position = position;
      batch->levels.push_back(batch->keep(levels.column_text_view(2)));
      ++row.level_count;
      level_row = levels.step();
    }
    batch->people.push_back(row);
  }
  // What is left names people not in the table (ignored) or stands out of
  // line: read again by key if they are there.
  for (; level_row; level_row = levels.step()) {
    batch->reread.emplace_back(std::string{levels.column_text_view(0)});
  }
}

void read_cards(sqlite::Database& db, BatchWriter& out) {
  sqlite::Statement credentials{db.handle(),
                                "SELECT card, person, active, valid_from_us, valid_until_us "
                                "FROM credentials"};
  out.start(PeopleBatch::Kind::cards);
  while (credentials.step()) {
    PeopleBatch& batch = out.next_row();
    const auto card_text = credentials.column_text_view(0);
    auto card = parse_card(card_text);
    if (!card) {
      throw JournalError("credentials: unreadable card '" + std::string{card_text} + "'", 0);
    }
    batch.cards.push_back(CardRow{.card = *card,
                                  .holder = batch.keep(credentials.column_text_view(1)),
                                  .active = credentials.column_int(2) != 0,
                                  .valid_from = column_optional_time(credentials, 3),
                                  .valid_until = column_optional_time(credentials, 4)});
  }
}

void read_pins(sqlite::Database& db, BatchWriter& out) {
  sqlite::Statement select{db.handle(), "SELECT person, hash FROM person_pins"};
  out.start(PeopleBatch::Kind::pins);
  while (select.step()) {
    PeopleBatch& batch = out.next_row();
    batch.pins.push_back(PinRow{.person = batch.keep(select.column_text_view(0)),
                                .hash = batch.keep(select.column_text_view(1))});
  }
}

// As column_clearance reads it: no level or an unknown one is none, a day
// that does not parse no last day.
core::Clearance parse_clearance(std::string_view level, std::string_view expires) {
  core::Clearance clearance;
  if (!level.empty()) {
    clearance.level = core::clearance_level_from_string(level).value_or(core::ClearanceLevel::none);
  }
  if (!expires.empty()) clearance.expires = core::parse_date(expires);
  return clearance;
}

// The decoding thread: counts first (the directory is sized before the
// first row), then the tables in the order the directory needs them.
void decode_rows(sqlite::Database& db, BatchPipe& pipe, double& cpu_s) {
  BatchWriter out{pipe};
  const double cpu0 = thread_cpu_seconds();
  try {
    PeopleBatch& counts = out.start(PeopleBatch::Kind::counts);
    counts.people_count = static_cast<std::size_t>(db.query_int("SELECT count(*) FROM people"));
    counts.card_count = static_cast<std::size_t>(db.query_int("SELECT count(*) FROM credentials"));
    counts.pin_count = count_pins(db);
    read_people(db, out);
    read_cards(db, out);
    read_pins(db, out);
    cpu_s = thread_cpu_seconds() - cpu0;
    out.start(PeopleBatch::Kind::end);
    out.flush();
  } catch (const Cancelled&) {
    // The consumer stopped (its own error): nobody reads further batches.
  } catch (...) {
    try {
      PeopleBatch& failed = out.start(PeopleBatch::Kind::error);
      failed.error = std::current_exception();
      out.flush();
    } catch (const Cancelled&) {
    }
  }
}

// Fills the directory from one batch (on the calling thread).
void apply(const PeopleBatch& batch, core::PeopleDirectory& directory, core::Person& person,
           PersonCursor& holders, std::vector<core::PersonId>& reread) {
  reread.insert(reread.end(), batch.reread.begin(), batch.reread.end());
  for (const auto& row : batch.people) {
    person.id = core::PersonId{std::string{batch.view(row.id)}};
    person.name.assign(batch.view(row.name));
    person.active = row.active;
    person.clearance =
        parse_clearance(batch.view(row.clearance_level), batch.view(row.clearance_expires));
    person.access_levels.clear();
    for (std::uint32_t i = 0; i < row.level_count; ++i) {
      person.access_levels.emplace_back(std::string{batch.view(batch.levels[row.first_level + i])});
    }
    directory.append_new_person(person);  // the table's primary key: never in twice
  }
  for (const auto& row : batch.cards) {
    const auto holder_id = batch.view(row.holder);
    const auto holder = holders.find(holder_id);
    if (!holder) throw std::out_of_range("no person '" + std::string{holder_id} + "'");
    // The card is the table's primary key: never in twice, no search.
    directory.append_new_credential_at(*holder, core::Credential{
                                                    .card = row.card,
                                                    .person = {},  // the holder is `holder`
                                                    .active = row.active,
                                                    .valid_from = row.valid_from,
                                                    .valid_until = row.valid_until,
                                                });
  }
  for (const auto& row : batch.pins) {
    // A row whose hash does not parse is skipped (that person's card + PIN
    // reads are refused pin_not_enrolled).
    const auto hash = core::parse_pin_hash(batch.view(row.hash));
    if (!hash) continue;
    const std::string_view id = batch.view(row.person);
    if (const auto position = holders.find(id)) {
      directory.set_pin_at(*position, *hash);
    } else {
      directory.set_pin(core::PersonId{std::string{id}}, *hash);  // waits for its person
    }
  }
}

}  // namespace people_load

core::PeopleDirectory load_people_rows(sqlite::Database& db) {
  using namespace people_load;
  const double cpu0 = thread_cpu_seconds();
  core::PeopleDirectory directory;
  BatchPipe pipe;
  double decoder_cpu_s = 0;
  std::thread decoder([&] { decode_rows(db, pipe, decoder_cpu_s); });
  // Joined on every way out: an exception here cancels the pipe first, so
  // the decoder stops at its next batch instead of waiting for room.
  struct Join {
    BatchPipe& pipe;
    std::thread& thread;
    ~Join() {
      pipe.cancel();
      if (thread.joinable()) thread.join();
    }
  } join{pipe, decoder};

  core::Person person;  // one, reused: its vector and strings keep their room
  std::vector<core::PersonId> reread;
  // Cards come after every person, PINs after every card: a fresh cursor for
  // each table (rows in their holders' order cost no search).
  std::optional<PersonCursor> holders;
  auto table = PeopleBatch::Kind::counts;
  for (;;) {
    auto batch = pipe.take_full();
    if (batch->kind == PeopleBatch::Kind::end) break;
    if (batch->kind == PeopleBatch::Kind::error) std::rethrow_exception(batch->error);
    if (batch->kind == PeopleBatch::Kind::counts) {
      // PINs too: 2,000,000 of them grown by doubling held 1.5x their 104
      // MB while the last copy ran (s22-start).
      directory.reserve(batch->people_count, batch->card_count, batch->pin_count);
    } else {
      if (batch->kind != table) holders.emplace(directory);
      table = batch->kind;
      apply(*batch, directory, person, *holders, reread);
    }
    pipe.give_back(std::move(batch));
  }
  decoder.join();  // db is the caller's again from here
  if (std::getenv("VIGIL_PHASES") != nullptr) {
    std::fprintf(stderr,
                 "phase people rows: decoding thread cpu %7.3f s, filling thread cpu %7.3f s\n",
                 decoder_cpu_s, thread_cpu_seconds() - cpu0);
  }

  std::sort(reread.begin(), reread.end());
  reread.erase(std::unique(reread.begin(), reread.end()), reread.end());
  for (const auto& id : reread) {
    if (!directory.find_person(id)) continue;
    if (auto stored = read_person(db, id)) directory.add_person(*stored);
  }
  return directory;
}

}  // namespace vigil::journal
