// The entry log: one SQLite file (WAL, synchronous=FULL) holding every event
// of the ordered stream, numbered 1, 2, 3... and chained by SHA-256 so that an
// edited, deleted, moved or retyped row is found by verify(). Each journal has
// a random id, committed to by row 1. append() is durable when it returns. A Journal is one
// connection: use it from one thread at a time, and open a second Journal on the same file to read
// while another appends. For throughput from the event loop, append through JournalWriter.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/event.hpp"
#include "vigil/journal/error.hpp"
#include "vigil/journal/hash_chain.hpp"

namespace vigil::journal {

namespace sqlite {
class Database;
}
class Names;
struct ExportRow;
class ExportRowSink;

struct JournalOptions {
  // How long to wait for another connection's write lock before failing.
  std::chrono::milliseconds busy_timeout{5000};
  // Cap on the file size; past it appends fail with SQLITE_FULL exactly as on
  // a full disk (and JournalWriter retries). Leaves room for the OS on a small
  // gateway disk.
  std::optional<std::uint64_t> max_size_bytes{};
  // SQLite's page cache for this connection. The default 2 MiB is smaller
  // than the person index of a few hundred thousand rows, and every evicted
  // index page is read back on the next batch that touches it.
  std::uint64_t cache_bytes = 16u << 20;
  // Where this journal's archives live (journal.archive_dir); empty: the
  // folder `<path>.archive` beside it. Every reader and writer of archives
  // takes it from here (archive.hpp).
  std::filesystem::path archive_dir{};
  // How long a walk across archives waits for an archiver to finish moving
  // a month, and the archiver for walks to end (archive_lock.hpp).
  std::chrono::milliseconds archive_lock_wait{30000};
  // Runs once when a walk or an archiving finds the archive lock held.
  std::function<void()> on_archive_lock_wait{};
};

// All set fields must match. Write it with designated initializers:
// Filter{.person = core::PersonId{"p-17"}, .from = t0, .limit = 100}.
struct Filter {
  // Every member has an initializer so designated initializers may skip any.
  std::optional<core::PersonId> person{};
  std::optional<core::ZoneId> zone{};
  std::optional<core::DoorId> door{};
  std::optional<core::CardNumber> card{};   // the credential presented
  std::optional<core::TimePoint> from{};    // inclusive
  std::optional<core::TimePoint> to{};      // exclusive
  std::vector<core::EventKind> kinds{};     // empty: every kind
  std::vector<core::DenyReason> reasons{};  // empty: every reason (none = granted)
  std::uint64_t after_seq = 0;              // only seq > after_seq: paging and tailing
  std::optional<std::size_t> limit{};       // the first `limit` matches in seq order
};

enum class Damage : std::uint8_t {
  none,
  altered,    // the row's content does not hash to its stored hash
  missing,    // a gap in seq, or prev_hash does not link to the previous row
  reordered,  // an intact row that the chain places at another seq
  // a stored value's SQLite type differs from the schema's (an id cast to
  // BLOB still compares equal as text, but queries no longer find it)
  type_changed,
  // the row is intact, but the door_zones table zone queries go through does
  // not list its (door, zone): a zone query would silently miss it
  unindexed,
};
const char* to_string(Damage damage);

struct VerifyResult {
  bool ok = true;
  std::uint64_t rows = 0;  // intact rows before the first bad one (all rows when ok)
  Hash head_hash{};        // hash of the last intact row (the genesis hash if none)
  Damage damage = Damage::none;
  std::uint64_t bad_seq = 0;  // the first bad row when !ok
  std::string message{};      // "ok: 120 rows, head 9f..." or "row 17: altered (hash mismatch)"
  std::string journal_id{};   // 32 hex digits
};

class Journal {
 public:
  // Opens or creates the file; throws JournalError if it cannot be opened, is
  // not an SQLite database, or carries a schema newer than this build.
  explicit Journal(const std::filesystem::path& path, JournalOptions options = {});
  Journal(Journal&&) noexcept;
  Journal& operator=(Journal&&) noexcept;
  ~Journal();

  // Work done inside an append's write transaction, after its rows are
  // inserted and each event's seq is set: outbox rows, a cursor, the people
  // tables, committed atomically with the events (one fsync for all).
  using InTransaction = std::function<void(sqlite::Database&)>;

  // Numbers the events consecutively after the last stored row, chains them
  // and stores them all in one transaction (one fsync: group commit), runs
  // `in_same_transaction` (if set) inside it, then commits. Each event's seq
  // is set in place before the callback runs. On failure (the callback
  // throwing included) throws and leaves both the file and the events' seq
  // unchanged, so the same span can be appended again.
  void append(std::span<core::Event> events, const InTransaction& in_same_transaction = {});

  // One write transaction fed in batches, for a change too large to hold
  // as one span (an import of millions of rows): `work` runs inside it and
  // may call `append` any number of times (each batch chained after the
  // last, seqs set in place) and write other rows through the database in
  // between. Committed once when `work` returns; if it throws, nothing was
  // written and the exception propagates. `encoded_attrs` is empty, or
  // holds for each event i its attrs as encode_attrs_into writes them,
  // made by the caller (an import encodes them on its planning thread,
  // s26-import); those bytes are stored and hashed as the event's attrs.
  using AppendBatch = std::function<void(std::span<core::Event> events,
                                         std::span<const std::vector<std::uint8_t>> encoded_attrs)>;
  void append_in_batches(const std::function<void(sqlite::Database&, const AppendBatch&)>& work);

  std::vector<core::Event> query(const Filter& filter) const;
  // SQLite's EXPLAIN QUERY PLAN for the statement query(filter) would run,
  // one line per step ("SEARCH events USING INDEX events_by_person_time ..."); empty
  // when the filter matches nothing without SQL (a name never stored).
  std::vector<std::string> query_plan(const Filter& filter) const;
  // The rows query(filter) selects, as stored (ids, names, hashes: every
  // hashed field), one at a time in seq order: what an export writes.
  void for_each_row(const Filter& filter, const std::function<void(const ExportRow&)>& visit) const;
  // The same rows, each read into `sink`'s slot (export_row.hpp).
  void for_each_row(const Filter& filter, ExportRowSink& sink) const;

  // 0 and the genesis hash for an empty journal.
  std::uint64_t last_seq() const;
  Hash head_hash() const;
  // The stored hash of row `seq`; nullopt if there is no such row.
  std::optional<Hash> hash_at(std::uint64_t seq) const;

  // 32 lowercase hex digits: 16 random bytes drawn when the journal was
  // created, kept in journal_meta and committed to by row 1's prev_hash.
  std::string journal_id() const;
  // SHA-256("vigil.journal.v2.genesis" || the 16 id bytes): row 1's prev_hash.
  Hash genesis_hash() const { return genesis_; }

  // Rechecks the whole chain from row 1 and names the first bad row. Tail
  // truncation cannot be seen from the file alone: compare head_hash and
  // rows with a copy published earlier (docs/journal.md). Walks the two
  // halves at once on two connections (one thread each, reading and checking its half);
  // verify_from(1, 1) is the same check on two threads, for a daemon that must leave a core free.
  VerifyResult verify() const;
  // Rechecks rows `from`..head only, trusting row `from`'s link to the row
  // before it: what vigild checks at start, from its newest checkpoint (whose
  // signature vouches for row `from` and so for everything before it). The
  // result counts rows as verify() does (`rows` is the last intact seq).
  // `walkers` 2 splits a long range in two walks as verify() does.
  VerifyResult verify_from(std::uint64_t from, unsigned walkers = 1) const;

  const std::filesystem::path& path() const { return path_; }
  // options.archive_dir, or `<path>.archive` when that was empty.
  const std::filesystem::path& archive_dir() const { return archive_dir_; }
  const JournalOptions& options() const { return options_; }
  // The connection, for callers that keep their own tables in the same file
  // (read-only use, or writes inside append's callback).
  sqlite::Database& database() const { return *db_; }

 private:
  struct Head {
    std::uint64_t seq = 0;
    Hash hash{};
  };
  Head read_head() const;

  std::filesystem::path path_;
  JournalOptions options_;
  std::filesystem::path archive_dir_;
  std::unique_ptr<sqlite::Database> db_;
  std::unique_ptr<RowHasher> hasher_;
  std::unique_ptr<Names> names_;
  std::unique_ptr<CanonicalBytes> bytes_;
  JournalIdBytes id_{};
  Hash genesis_{};
};

}  // namespace vigil::journal
