#include "people_load.hpp"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bounded_pipe.hpp"
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

// The card's text and its dates as stored: parsed on the filling thread
// (s24-start: the decoding thread was the longer of the two).
struct CardRow {
  Text card;
  Text holder;
  bool active = true;
  bool has_valid_from = false;
  bool has_valid_until = false;
  std::int64_t valid_from_us = 0;
  std::int64_t valid_until_us = 0;
};

// The hash as stored: parsed on the filling thread, like the clearance.
struct PinRow {
  Text person;
  Text hash;
};

// Rows of one table, decoded; text (ids, names, levels) in one buffer, so a
// batch reused for the next rows allocates nothing once it has grown.
struct PeopleBatch {
  enum class Kind { sizes, people, cards, pins };
  Kind kind = Kind::sizes;
  std::string text;
  std::vector<PersonRow> people;
  std::vector<Text> levels;
  std::vector<CardRow> cards;
  std::vector<PinRow> pins;
  // People whose level rows stand out of line: read again by key at the end.
  std::vector<core::PersonId> reread;
  // Kind::sizes: the people table's rows, and the PIN table's largest rowid
  // (no fewer than its rows, read without a scan).
  std::size_t people_count = 0, pin_rowid_bound = 0;

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

// Full batches one way, emptied ones back (two bounded pipes): the decoding
// thread never runs more than kBatchesInFlight batches ahead, and a batch's
// buffers are reused.
struct BatchPipe {
  using Batches = BoundedPipe<std::unique_ptr<PeopleBatch>>;
  Batches full{kBatchesInFlight};
  Batches emptied{kBatchesInFlight};
  BatchPipe() {
    for (std::size_t i = 0; i < kBatchesInFlight; ++i) {
      emptied.push(std::make_unique<PeopleBatch>());
    }
  }
};

// A thread's CPU seconds by table (VIGIL_PHASES): the tables run one after
// the other on both threads, so each table's wall is its busier thread's.
// Beside it, each thread's wall time waiting for the other by table: the
// decoder waiting for an emptied batch (the filler is the slower there),
// the filler for a full one (the decoder is).
struct TableCpu {
  static constexpr const char* kNames[] = {"sizes", "people", "cards", "pins"};
  double cpu[4] = {};  // by kNames
  double waited[4] = {};
  double total() const { return cpu[0] + cpu[1] + cpu[2] + cpu[3]; }
  static int index(PeopleBatch::Kind kind) {
    switch (kind) {
      case PeopleBatch::Kind::people:
        return 1;
      case PeopleBatch::Kind::cards:
        return 2;
      case PeopleBatch::Kind::pins:
        return 3;
      default:
        return 0;  // the sizes, the end
    }
  }
  double& of(PeopleBatch::Kind kind) { return cpu[index(kind)]; }
  double& waited_for(PeopleBatch::Kind kind) { return waited[index(kind)]; }
};

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// This thread's CPU seconds (issue 8's measures want each thread's share:
// the start's critical path is the busier of the two).
double thread_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

struct Cancelled {};

// The decoding thread's side: fills batches of one kind and hands each
// over when full (and the last one when the table ends).
class BatchWriter {
 public:
  BatchWriter(BatchPipe& pipe, TableCpu& cpu) : pipe_(pipe), cpu_(cpu) {}
  PeopleBatch& start(PeopleBatch::Kind kind) {
    flush();
    const double wall0 = wall_seconds();
    auto next = pipe_.emptied.pop();  // nullopt once the filler gave up
    cpu_.waited_for(kind) += wall_seconds() - wall0;
    if (!next) throw Cancelled{};
    batch_ = std::move(*next);
    batch_->clear(kind);
    return *batch_;
  }
  // The batch to add the next row to: a new one of the same kind when full.
  PeopleBatch& next_row() {
    if (batch_->rows() >= kBatchRows) start(batch_->kind);
    return *batch_;
  }
  void flush() {
    if (batch_) pipe_.full.push(std::move(batch_));  // Abandoned once the filler gave up
  }

 private:
  BatchPipe& pipe_;
  TableCpu& cpu_;
  std::unique_ptr<PeopleBatch> batch_;
};

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
    CardRow row{.card = batch.keep(credentials.column_text_view(0)),
                .holder = batch.keep(credentials.column_text_view(1)),
                .active = credentials.column_int(2) != 0};
    row.has_valid_from = !credentials.is_null(3);
    if (row.has_valid_from) row.valid_from_us = credentials.column_int(3);
    row.has_valid_until = !credentials.is_null(4);
    if (row.has_valid_until) row.valid_until_us = credentials.column_int(4);
    batch.cards.push_back(row);
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

std::optional<core::TimePoint> optional_time(bool present, std::int64_t unix_us) {
  if (!present) return std::nullopt;
  return core::from_unix_micros(unix_us);
}

// The decoding thread: the people count first (the directory's people
// table and index are sized before the first row), then the tables in the
// order the directory needs them. Cards and PINs are not counted: each
// count(*) walks its whole table on the start's critical path (s24-start);
// the filling thread sizes them from what it knows when they come.
void decode_rows(sqlite::Database& db, BatchPipe& pipe, TableCpu& cpu) {
  BatchWriter out{pipe, cpu};
  double mark = thread_cpu_seconds();
  auto lap = [&](double& into) {
    const double now = thread_cpu_seconds();
    into += now - mark;
    mark = now;
  };
  try {
    PeopleBatch& sizes = out.start(PeopleBatch::Kind::sizes);
    sizes.people_count = static_cast<std::size_t>(db.query_int("SELECT count(*) FROM people"));
    sizes.pin_rowid_bound = pin_rowid_bound(db);
    lap(cpu.of(PeopleBatch::Kind::sizes));
    read_people(db, out);
    lap(cpu.of(PeopleBatch::Kind::people));
    read_cards(db, out);
    lap(cpu.of(PeopleBatch::Kind::cards));
    read_pins(db, out);
    lap(cpu.of(PeopleBatch::Kind::pins));
    out.flush();
    pipe.full.finish();
  } catch (const Cancelled&) {
    // The filler stopped (its own error): nobody reads further batches.
  } catch (const BatchPipe::Batches::Abandoned&) {
  } catch (...) {
    pipe.full.fail(std::current_exception());
  }
}

// Sizes the directory for the table whose rows start coming, from what is
// known by then, without a count of its rows (s24-start):
// - cards: one a person (a badge each, the usual roster); more grow the
//   table (by doubling), fewer leave room that shrink_to_fit gives back;
// - PINs: at most one a person (a PIN naming nobody waits outside the
//   table) and at most the PIN table's largest rowid, so never short:
//   2,000,000 of them grown by doubling held 1.5x their 104 MB while the
//   last copy ran (s22-start).
void size_for(PeopleBatch::Kind kind, core::PeopleDirectory& directory,
              std::size_t pin_rowid_bound) {
  const std::size_t people = directory.person_count();
  if (kind == PeopleBatch::Kind::cards) directory.reserve(people, people);
  if (kind == PeopleBatch::Kind::pins) {
    directory.reserve(people, directory.credential_count(), std::min(people, pin_rowid_bound));
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
    const auto card_text = batch.view(row.card);
    const auto card = parse_card(card_text);
    if (!card) {
      throw JournalError("credentials: unreadable card '" + std::string{card_text} + "'", 0);
    }
    const auto holder_id = batch.view(row.holder);
    const auto holder = holders.find(holder_id);
    if (!holder) throw std::out_of_range("no person '" + std::string{holder_id} + "'");
    // The card is the table's primary key: never in twice, no search.
    directory.append_new_credential_at(
        *holder, core::Credential{
                     .card = *card,
                     .person = {},  // the holder is `holder`
                     .active = row.active,
                     .valid_from = optional_time(row.has_valid_from, row.valid_from_us),
                     .valid_until = optional_time(row.has_valid_until, row.valid_until_us),
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

void print_phases(const TableCpu& decoder, const TableCpu& filler, double filler_cpu0) {
  std::fprintf(stderr,
               "phase people rows: decoding thread cpu %7.3f s, filling thread cpu %7.3f s\n",
               decoder.total(), thread_cpu_seconds() - filler_cpu0);
  for (int i = 0; i < 4; ++i) {
    std::fprintf(stderr,
                 "phase people rows %-6s cpu decoding %6.3f s filling %6.3f s, "
                 "waited decoding %6.3f s filling %6.3f s\n",
                 TableCpu::kNames[i], decoder.cpu[i], filler.cpu[i], decoder.waited[i],
                 filler.waited[i]);
  }
}

}  // namespace people_load

core::PeopleDirectory load_people_rows(sqlite::Database& db) {
  using namespace people_load;
  const double cpu0 = thread_cpu_seconds();
  core::PeopleDirectory directory;
  BatchPipe pipe;
  TableCpu decoder_cpu, filler_cpu;
  std::thread decoder([&] { decode_rows(db, pipe, decoder_cpu); });
  // Joined on every way out: an exception here abandons the full pipe and
  // finishes the emptied one first, so the decoder stops at its next batch
  // instead of waiting for one.
  struct Join {
    BatchPipe& pipe;
    std::thread& thread;
    ~Join() {
      pipe.full.abandon();
      pipe.emptied.finish();
      if (thread.joinable()) thread.join();
    }
  } join{pipe, decoder};

  core::Person person;  // one, reused: its vector and strings keep their room
  std::vector<core::PersonId> reread;
  // Cards come after every person, PINs after every card: a fresh cursor for
  // each table (rows in their holders' order cost no search).
  std::optional<PersonCursor> holders;
  auto table = PeopleBatch::Kind::sizes;
  std::size_t pin_rowid_bound = 0;
  double cpu_mark = thread_cpu_seconds();
  for (;;) {
    const double wall0 = wall_seconds();
    auto next = pipe.full.pop();  // rethrows the decoder's error
    filler_cpu.waited_for(next ? (*next)->kind : PeopleBatch::Kind::sizes) +=
        wall_seconds() - wall0;
    if (!next) break;
    auto& batch = *next;
    if (batch->kind == PeopleBatch::Kind::sizes) {
      directory.reserve(batch->people_count, 0);
      pin_rowid_bound = batch->pin_rowid_bound;
    } else {
      if (batch->kind != table) {
        size_for(batch->kind, directory, pin_rowid_bound);
        holders.emplace(directory);
      }
      table = batch->kind;
      apply(*batch, directory, person, *holders, reread);
    }
    const double cpu_now = thread_cpu_seconds();
    filler_cpu.of(batch->kind) += cpu_now - cpu_mark;
    cpu_mark = cpu_now;
    pipe.emptied.push(std::move(batch));
  }
  decoder.join();  // db is the caller's again from here
  if (std::getenv("VIGIL_PHASES") != nullptr) print_phases(decoder_cpu, filler_cpu, cpu0);

  std::sort(reread.begin(), reread.end());
  reread.erase(std::unique(reread.begin(), reread.end()), reread.end());
  for (const auto& id : reread) {
    if (!directory.find_person(id)) continue;
    if (auto stored = read_person(db, id)) directory.add_person(*stored);
  }
  return directory;
}

}  // namespace vigil::journal
