// Journal::verify(): walk the chain from row 1 and name the first bad row.
//
// Every value is read with its stored SQLite type and hashed with it, exactly
// as the append path encoded the value it bound, so a retyped value fails
// the hash even where it compares equal as text. Order of checks per row:
//  1. seq must be the next number: a gap is a deleted row, and its number is
//     the one to report (the row after it is itself intact).
//  2. the row's content must hash to its stored hash under its own seq; if
//     not: a value of the wrong type is reported as type_changed; else other
//     seqs nearby are tried: an intact row that hashes correctly as row k
//     sits in the wrong place (reordered), or, when the row it chained from
//     is gone too, rows were deleted and the rest renumbered (missing).
//     Otherwise the content was edited (altered).
//  3. prev_hash must equal the previous row's hash (missing otherwise: the
//     row it chained from is not the row before it).
//  4. a row with a door and a zone needs its pair in door_zones (unindexed).
//
// One walk, two threads: this one runs the scan and copies rows into batches
// (verify_rows.hpp); a second one hashes and checks the links. A split walk
// (two halves at once) checks its own rows instead, one thread a half. Only
// the reading thread touches its connection. The checker stops at
// the first bad row; this thread then names the damage, as one pass would.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "event_row.hpp"
#include "verify_rows.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {
namespace {

using namespace verify_rows;

// How far from its position a moved row is looked for. Each candidate costs
// one SHA-256 (well under a microsecond), and the search runs once, at the
// first bad row only; a row moved further than this is reported as altered,
// which still names the right row.
constexpr std::uint64_t kReorderSearchRows = 10'000;

// Rows per batch handed between the threads: large enough that the hand-over
// (a mutex and a wake-up) is noise, small enough to stay in the L2 cache.
constexpr std::size_t kBatchRows = 1024;
// Batches in flight: the reader fills one while the checker works on another.
constexpr std::size_t kBatches = 3;

bool same(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// The seq under which this row's content hashes to its stored hash.
std::optional<std::uint64_t> chained_seq(RowHasher& hasher, CanonicalBytes& bytes,
                                         std::uint64_t seq, std::span<const std::uint8_t> hash) {
  auto matches = [&](std::uint64_t candidate) {
    auto& buffer = bytes.buffer();
    for (int i = 0; i < 8; ++i) {
      buffer[kSeqValueOffset + static_cast<std::size_t>(i)] =
          static_cast<std::uint8_t>(candidate >> (56 - 8 * i));
    }
    return same(hasher.sha256(buffer), hash);
  };
  for (std::uint64_t distance = 1; distance <= kReorderSearchRows; ++distance) {
    if (matches(seq + distance)) return seq + distance;
    if (distance < seq && matches(seq - distance)) return seq - distance;
  }
  return std::nullopt;
}

bool some_row_has_hash(sqlite::Database& db, std::span<const std::uint8_t> hash) {
  // A full scan (hash has no index), run at most once per verify.
  sqlite::Statement select{db.handle(), "SELECT 1 FROM events WHERE hash = ? LIMIT 1"};
  select.bind_blob(1, hash);
  return select.step();
}

VerifyResult bad(VerifyResult result, Damage damage, std::uint64_t seq, const std::string& why) {
  result.ok = false;
  result.damage = damage;
  result.bad_seq = seq;
  result.message = "row " + std::to_string(seq) + ": " + to_string(damage) + " (" + why + ")";
  return result;
}

// Names the damage of the row the checker stopped at (`expected_seq` is the
// seq it expected there, `expected_prev` the hash it expected it to chain from).
VerifyResult classify(VerifyResult result, sqlite::Database& db, const RowBatch& batch,
                      std::size_t row, const NameTable& names, std::uint64_t expected_seq,
                      const Hash& expected_prev) {
  const auto seq = static_cast<std::uint64_t>(batch.integer(row, 0));
  if (seq != expected_seq) {
    auto why = expected_seq == 1 ? "journal starts at seq " + std::to_string(seq)
                                 : "seq jumps from " + std::to_string(expected_seq - 1) + " to " +
                                       std::to_string(seq);
    return bad(result, Damage::missing, expected_seq, why);
  }
  RowHasher hasher;
  CanonicalBytes bytes;
  encode_stored(bytes, batch, row);
  auto stored_hash = batch.bytes(row, kHashColumn);
  if (!same(hasher.sha256(bytes.bytes()), stored_hash) ||
      batch.value(row, kHashColumn).type != ValueType::blob) {
    if (auto why = wrong_type(batch, row, names)) {
      return bad(result, Damage::type_changed, seq, *why);
    }
    auto home = stored_hash.size() == Hash{}.size() ? chained_seq(hasher, bytes, seq, stored_hash)
                                                    : std::nullopt;
    if (!home) return bad(result, Damage::altered, seq, "hash mismatch");
    if (*home > seq && !some_row_has_hash(db, batch.bytes(row, kPrevHashColumn))) {
      return bad(result, Damage::missing, seq,
                 "holds the entry chained as row " + std::to_string(*home) +
                     "; the rows before it were removed and the rest renumbered");
    }
    return bad(result, Damage::reordered, seq,
               "holds the entry chained as row " + std::to_string(*home));
  }
  if (!same(batch.bytes(row, kPrevHashColumn), expected_prev)) {
    auto why = seq == 1 ? std::string{"prev_hash of row 1 is not this journal's genesis hash"}
                        : "prev_hash does not match row " + std::to_string(seq - 1) + "'s hash";
    return bad(result, Damage::missing, seq, why);
  }
  // The checker stopped here and nothing else is wrong: the door_zones check.
  return bad(result, Damage::unindexed, seq,
             "door_zones lacks its door and zone: zone queries miss this row");
}

// The checking thread and the batches passed to it. Full batches go to the
// checker in order; it hands each back empty, or stops at the first bad row
// (keeping that batch) or on an exception.
class Pipeline {
 public:
  explicit Pipeline(ChainChecker& checker) : checker_(checker) {
    for (auto& batch : storage_) free_.push_back(&batch);
  }
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  ~Pipeline() {  // on an exception on the reading side: stop the checker, drop its error
    {
      std::lock_guard lock{mutex_};
      done_ = true;
    }
    changed_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

  // An empty batch to fill; nullptr once the checker has stopped.
  RowBatch* take_free() {
    std::unique_lock lock{mutex_};
    changed_.wait(lock, [&] { return stopped_ || !free_.empty(); });
    if (stopped_) return nullptr;
    auto* batch = free_.front();
    free_.pop_front();
    batch->clear();
    batch->reserve(kBatchRows);  // once per batch: a short walk takes one
    return batch;
  }
  void submit(RowBatch* batch) {
    {
      std::lock_guard lock{mutex_};
      full_.push_back(batch);
    }
    changed_.notify_all();
    if (!worker_.joinable()) worker_ = std::thread{[this] { run(); }};
  }
  // Waits for the checker to finish every submitted batch; rethrows its error.
  void finish() {
    {
      std::lock_guard lock{mutex_};
      done_ = true;
    }
    changed_.notify_all();
    if (worker_.joinable()) worker_.join();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }
  // Where the checker stopped, once finish() returned.
  const RowBatch* bad_batch() const { return bad_batch_; }
  std::size_t bad_row() const { return bad_row_; }

 private:
  void run() {
    try {
      while (auto* batch = next_full()) {
        if (auto row = checker_.check(*batch)) {
          stop(batch, *row);
          return;
        }
        std::lock_guard lock{mutex_};
        free_.push_back(batch);
        changed_.notify_all();
      }
    } catch (...) {
      error_ = std::current_exception();
      stop(nullptr, 0);
    }
  }
  RowBatch* next_full() {
    std::unique_lock lock{mutex_};
    changed_.wait(lock, [&] { return done_ || !full_.empty(); });
    if (full_.empty()) return nullptr;
    auto* batch = full_.front();
    full_.pop_front();
    return batch;
  }
  void stop(const RowBatch* batch, std::size_t row) {
    {
      std::lock_guard lock{mutex_};
      stopped_ = true;
      bad_batch_ = batch;
      bad_row_ = row;
    }
    changed_.notify_all();
  }

  ChainChecker& checker_;
  RowBatch storage_[kBatches];
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<RowBatch*> free_;
  std::deque<RowBatch*> full_;
  bool done_ = false;
  bool stopped_ = false;
  const RowBatch* bad_batch_ = nullptr;
  std::size_t bad_row_ = 0;
  std::exception_ptr error_;
  std::thread worker_;
};

// One walk over rows [from, to] on one connection: a reading thread (this
// one) and a checking thread. Where it stopped, if it found a bad row.
struct Walk {
  std::unique_ptr<ChainChecker> checker;
  std::optional<RowBatch> bad_batch;  // a copy of the batch holding the bad row
  std::size_t bad_row = 0;
};

// The walk's reader hands batches to its checking thread.
Walk walk_two_threads(EventScan& scan, const NameTable& names, Walk out) {
  Pipeline pipeline{*out.checker};
  // A range shorter than one batch is checked here, without a thread.
  RowBatch* batch = pipeline.take_free();
  if (batch != nullptr) {
    scan.run([&](sqlite3_value** row) {
      batch->capture(row, names);
      if (batch->size() == kBatchRows) {
        pipeline.submit(batch);
        batch = pipeline.take_free();
      }
      return batch != nullptr;
    });
  }
  pipeline.finish();
  if (const RowBatch* bad = pipeline.bad_batch()) {
    out.bad_batch = *bad;
    out.bad_row = pipeline.bad_row();
  } else if (batch != nullptr) {
    if (auto row = out.checker->check(*batch)) {
      out.bad_batch = *batch;
      out.bad_row = *row;
    }
  }
  return out;
}

// Rows per batch when the reading thread checks them itself: the batch is
// hashed while its bytes are still in this core's L1 cache.
constexpr std::size_t kOwnBatchRows = 64;

// The walk checks its own rows: when walks run side by side (one per core),
// handing rows to another thread only moves them between cores' caches.
Walk walk_one_thread(EventScan& scan, const NameTable& names, Walk out) {
  RowBatch batch;
  batch.reserve(kOwnBatchRows);
  auto check = [&] {
    auto row = out.checker->check(batch);
    if (row) {
      out.bad_batch = batch;
      out.bad_row = *row;
    }
    batch.clear();
    return !row;
  };
  scan.run([&](sqlite3_value** row) {
    batch.capture(row, names);
    return batch.size() < kOwnBatchRows || check();
  });
  if (!out.bad_batch && batch.size() > 0) check();
  return out;
}

// One walk over rows [from, to] on one connection, on this thread alone
// (`threads` 1) or with a checking thread (2).
Walk walk(sqlite::Database& db, const NameTable& names, const DoorZones& door_zones,
          const Hash& genesis, std::uint64_t from, std::uint64_t to, const Hash& start_prev,
          unsigned threads) {
  Walk out;
  out.checker = std::make_unique<ChainChecker>(door_zones, genesis);
  out.checker->start_at(from, start_prev);
  EventScan scan{db, from, to};
  return threads > 1 ? walk_two_threads(scan, names, std::move(out))
                     : walk_one_thread(scan, names, std::move(out));
}

// The prev_hash stored in row `seq`; nullopt if the row is gone.
std::optional<Hash> stored_prev(sqlite::Database& db, std::uint64_t seq) {
  sqlite::Statement link{db.handle(), "SELECT prev_hash FROM events WHERE seq = ?"};
  link.bind(1, static_cast<std::int64_t>(seq));
  const auto prev = link.step() ? link.column_blob(0) : std::span<const std::uint8_t>{};
  Hash out{};
  if (prev.size() != out.size()) return std::nullopt;
  std::copy(prev.begin(), prev.end(), out.begin());
  return out;
}

// Below this many rows a second walk costs more than it saves.
constexpr std::uint64_t kSplitMinRows = 4 * kBatchRows;

}  // namespace

VerifyResult Journal::verify() const {
  return verify_from(1, 2);
}

VerifyResult Journal::verify_from(std::uint64_t from, unsigned walkers) const {
  from = std::max<std::uint64_t>(from, 1);
  // One snapshot for the names, the walk and the one-off hash lookup, while
  // a writer keeps appending on another connection.
  sqlite::ReadTransaction snapshot{*db_};
  VerifyResult result;
  result.journal_id = journal_id();
  Hash start_prev = genesis_;
  if (from > 1) {
    auto prev = stored_prev(*db_, from);
    if (!prev) {
      result.rows = from - 1;
      return bad(result, Damage::missing, from, "the row to verify from is gone");
    }
    start_prev = *prev;
  }
  const auto last =
      static_cast<std::uint64_t>(db_->query_int("SELECT coalesce(max(seq), 0) FROM events"));
  const NameTable names = NameTable::load_for_rows(*db_, from, last);
  const DoorZones door_zones = load_door_zones(*db_);

  // Two walks over the two halves, each on its own connection with its own
  // checking thread: the second starts at row `mid` trusting its prev_hash,
  // and the link between the halves is checked once both are done. The
  // first bad row is named exactly as one walk would name it.
  std::optional<Walk> second;
  std::uint64_t mid = last + 1;
  std::optional<Hash> mid_prev;
  if (walkers > 1 && last >= from && last - from + 1 >= kSplitMinRows) {
    mid = from + (last - from + 1) / 2;
    mid_prev = stored_prev(*db_, mid);
    if (!mid_prev) mid = last + 1;  // a gap right there: one walk names it
  }
  // Split, each walk checks its own rows (two threads, one a core); one
  // walk hands its rows to a checking thread (two threads).
  const unsigned threads_per_walk = mid <= last ? 1 : 2;
  std::thread second_thread;
  std::exception_ptr second_error;
  if (mid <= last) {
    second_thread = std::thread{[&] {
      try {
        sqlite::Database db{path_, sqlite::OpenOptions{.durable = false}};
        sqlite::ReadTransaction own_snapshot{db};
        second = walk(db, names, door_zones, genesis_, mid, last, *mid_prev, threads_per_walk);
      } catch (...) {
        second_error = std::current_exception();
      }
    }};
  }
  Walk first;
  try {
    first = walk(*db_, names, door_zones, genesis_, from, mid - 1, start_prev, threads_per_walk);
  } catch (...) {
    if (second_thread.joinable()) second_thread.join();
    throw;
  }
  if (second_thread.joinable()) second_thread.join();
  if (second_error) std::rethrow_exception(second_error);

  // A walk that stopped at its bad row; `head` is the hash the row before it
  // had (the first walk's head when the second stopped at its first row).
  auto fail = [&](const Walk& w, const Hash& head) {
    result.rows = w.checker->rows();
    result.head_hash = head;
    return classify(result, *db_, *w.bad_batch, w.bad_row, names, w.checker->rows() + 1, head);
  };
  if (first.bad_batch) return fail(first, first.checker->head());
  if (second) {
    const bool starts_bad = second->bad_batch && second->checker->rows() + 1 == mid;
    if (starts_bad) return fail(*second, first.checker->head());
    if (first.checker->head() != *mid_prev) {
      result.rows = mid - 1;
      result.head_hash = first.checker->head();
      return bad(result, Damage::missing, mid,
                 "prev_hash does not match row " + std::to_string(mid - 1) + "'s hash");
    }
    if (second->bad_batch) return fail(*second, second->checker->head());
  }
  const Walk& end = second ? *second : first;
  result.rows = end.checker->rows();
  result.head_hash = end.checker->head();
  result.message = from == 1
                       ? "ok: " + std::to_string(result.rows) + " rows"
                       : "ok: rows " + std::to_string(from) + ".." + std::to_string(result.rows);
  result.message += ", head " + to_hex(result.head_hash);
  return result;
}

}  // namespace vigil::journal
