// Durable journal appends per second: one event per commit (each pays the
// fsync) against group commit through JournalWriter (one fsync per batch),
// with and without the outbox rows committed in the same transaction, and a
// bare C loop inserting the same rows into the same schema without hashing
// (bare_sqlite_insert.hpp) as the floor SQLite itself sets. Also verify()
// and indexed queries on a 100k-row journal.
//
// The file lives in $VIGIL_BENCH_DIR, else the system temp dir. Point it at
// the disk the gateway will use: on a tmpfs fsync is free and the figures lie.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "bare_sqlite_insert.hpp"
#include "vigil/app/incident_cursor.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/journal/checkpoint.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/journal_writer.hpp"
#include "vigil/journal/sqlite.hpp"
#include "vigil/mqtt/outbox.hpp"

namespace {

using namespace vigil;

std::filesystem::path bench_root() {
  const char* dir = std::getenv("VIGIL_BENCH_DIR");
  return dir != nullptr ? std::filesystem::path{dir} : std::filesystem::temp_directory_path();
}

// A fresh journal file per benchmark run, removed afterwards.
class ScratchJournal {
 public:
  ScratchJournal() {
    std::string pattern = (bench_root() / "vigil-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
  }
  ScratchJournal(const ScratchJournal&) = delete;
  ScratchJournal& operator=(const ScratchJournal&) = delete;
  ~ScratchJournal() { std::filesystem::remove_all(dir_); }
  std::filesystem::path path() const { return dir_ / "journal.db"; }

 private:
  std::filesystem::path dir_;
};

// The i-th grant of a busy site: every id column set, a card, no detail,
// one per millisecond. 5000 people in turn is a worst case for the person
// index: every batch touches every one of its leaf pages.
core::Event grant(std::int64_t i) {
  core::Event event;
  event.time = core::from_unix_micros(1'772'438'400'000'000 + i * 1000);
  event.kind = core::EventKind::access_granted;
  event.door = core::DoorId{"door-" + std::to_string(i % 40)};
  event.reader = core::ReaderId{"reader-" + std::to_string(i % 80)};
  event.zone = core::ZoneId{"zone-" + std::to_string(i % 8)};
  event.person = core::PersonId{"person-" + std::to_string(i % 5000)};
  event.card =
      core::CardNumber{.facility = 12, .number = 100'000 + static_cast<std::uint64_t>(i % 5000)};
  return event;
}

std::vector<core::Event> grants(std::int64_t n) {
  std::vector<core::Event> events;
  events.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) events.push_back(grant(i));
  return events;
}

// Journal::append with N events per transaction. N = 1 is "commit every
// event": the fsync dominates.
void BM_JournalAppendBatch(benchmark::State& state) {
  ScratchJournal scratch;
  journal::Journal journal{scratch.path()};
  auto batch = grants(state.range(0));
  for (auto _ : state) {
    journal.append(batch);
    // Time moves on, as in a real stream: replaying the same timestamps would
    // make the (zone, ts) and (door, ts) indices insert at random places.
    state.PauseTiming();
    for (auto& event : batch) event.time += std::chrono::seconds{100};
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_JournalAppendBatch)
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// One passage through a door as the core reports it: six events, of which
// the grant, the unlock and the entry name the person. The realistic mix.
core::Event passage_event(std::int64_t i) {
  static constexpr core::EventKind kSteps[] = {
      core::EventKind::access_granted, core::EventKind::door_unlocked,
      core::EventKind::door_opened,    core::EventKind::entry,
      core::EventKind::door_closed,    core::EventKind::door_relocked};
  auto event = grant(i / 6);
  event.time = core::from_unix_micros(1'772'438'400'000'000 + i * 1000);
  event.kind = kSteps[i % 6];
  if (event.kind != core::EventKind::access_granted) event.card.reset();
  if (event.kind == core::EventKind::door_opened || event.kind == core::EventKind::door_closed ||
      event.kind == core::EventKind::door_relocked) {
    event.person.reset();
    event.reader.reset();
  }
  return event;
}

// The daemon's path: submit() from one thread with a per-event callback, the
// writer thread group-commits whatever has queued. Each iteration is a burst
// of kBurst submissions timed until the last one is durable and its callback
// has run, so the figure is end-to-end durable appends per second.
constexpr std::int64_t kBurst = 100'000;

// What the daemon commits with each batch (WriterOptions::in_batch_transaction):
// an outbox row for every passage's grant (one in six events on the passage
// mix, every event when all are grants; real incidents are far rarer) and the
// incident cursor moved to the batch's last seq.
void outbox_rows(std::span<const core::Event> events, journal::sqlite::Database& db) {
  for (const auto& event : events) {
    if (event.kind != core::EventKind::access_granted) continue;
    mqtt::Outbox::insert(db, "vigil/site/gw/incident",
                         R"({"v":1,"kind":"bench","seq":)" + std::to_string(event.seq) + "}");
  }
  app::IncidentCursor::advance(db, events.back().seq);
}

template <core::Event (*make_event)(std::int64_t), bool kWithOutbox>
void BM_JournalWriterGroupCommit(benchmark::State& state) {
  ScratchJournal scratch;
  std::atomic<std::uint64_t> acknowledged{0};
  journal::WriterStats stats;
  {
    journal::WriterOptions options;
    if (kWithOutbox) {
      journal::Journal journal{scratch.path()};
      mqtt::Outbox::create_table(journal.database());
      app::IncidentCursor::create_table(journal.database());
      options.in_batch_transaction = outbox_rows;
    }
    journal::JournalWriter writer{journal::Journal{scratch.path()}, options};
    std::int64_t i = 0;
    for (auto _ : state) {
      for (std::int64_t n = 0; n < kBurst; ++n) {
        // Building the event is part of the cost, as it is in the daemon.
        writer.submit(make_event(i++), [&acknowledged](const core::Event&) {
          acknowledged.fetch_add(1, std::memory_order_relaxed);
        });
      }
      writer.flush();
    }
    stats = writer.stats();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(acknowledged.load()));
  state.counters["mean_batch"] =
      stats.batches ? static_cast<double>(stats.committed) / static_cast<double>(stats.batches) : 0;
}
BENCHMARK(BM_JournalWriterGroupCommit<passage_event, false>)
    ->Name("BM_JournalWriterGroupCommit/passages")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3.0);
BENCHMARK(BM_JournalWriterGroupCommit<passage_event, true>)
    ->Name("BM_JournalWriterGroupCommit/passages+outbox")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3.0);
BENCHMARK(BM_JournalWriterGroupCommit<grant, true>)
    ->Name("BM_JournalWriterGroupCommit/all_grants+outbox")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3.0);

// The bare C loop on the same rows: kBurst events per iteration, built the
// same way, in transactions of kBareBatch (about the writer's mean batch).
constexpr std::int64_t kBareBatch = 50'000;

template <core::Event (*make_event)(std::int64_t)>
void BM_BareSqliteInsert(benchmark::State& state) {
  ScratchJournal scratch;
  { journal::Journal create{scratch.path()}; }
  bench::BareSqliteInsert bare{scratch.path()};
  std::vector<core::Event> batch;
  batch.reserve(kBareBatch);
  std::int64_t i = 0;
  for (auto _ : state) {
    for (std::int64_t n = 0; n < kBurst; ++n) {
      batch.push_back(make_event(i++));
      if (static_cast<std::int64_t>(batch.size()) == kBareBatch) {
        bare.insert(batch);
        batch.clear();
      }
    }
  }
  state.SetItemsProcessed(i);
}
BENCHMARK(BM_BareSqliteInsert<passage_event>)
    ->Name("BM_BareSqliteInsert/passages")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3.0);
BENCHMARK(BM_BareSqliteInsert<grant>)
    ->Name("BM_BareSqliteInsert/all_grants")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3.0);

// The same writer fed one event at a time, waiting for each to be durable:
// what a caller that needs its event on disk before doing anything else gets.
void BM_JournalWriterSubmitAndFlushEach(benchmark::State& state) {
  ScratchJournal scratch;
  journal::JournalWriter writer{journal::Journal{scratch.path()}};
  auto event = grant(0);
  for (auto _ : state) {
    writer.submit(event);
    writer.flush();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JournalWriterSubmitAndFlushEach)->Unit(benchmark::kMicrosecond)->UseRealTime();

constexpr std::int64_t kLargeJournalRows = 100'000;

// Arg: walkers. 2 is verify() (two halves at once, four threads); 1 is one
// walk on two threads (what vigild's background check runs), the reference
// measured in the same run.
void BM_JournalVerify(benchmark::State& state) {
  ScratchJournal scratch;
  journal::Journal journal{scratch.path()};
  auto events = grants(kLargeJournalRows);
  journal.append(events);
  const auto walkers = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    auto result = journal.verify_from(1, walkers);
    if (!result.ok) state.SkipWithError(result.message.c_str());
  }
  state.SetItemsProcessed(state.iterations() * kLargeJournalRows);
}
// Rows/s are per wall-clock second, and the CPU column is the whole
// process's (every thread).
BENCHMARK(BM_JournalVerify)
    ->Arg(2)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

// What the aim counts: `vigilctl log verify --checkpoint FILE`
// (ctl::log_verify, output kept in memory) on a 100k-row journal laid out as
// vigild writes one: a signed checkpoint row after every 999 events (the
// default is one per 1,000 events), the newest in <db>.checkpoint. It walks
// the chain, checks the checkpoint rows (since s19 by one signature, the
// newest row's, which vouches for the older rows through the intact chain:
// docs/journal.md, "Checking the rows by the newest"), and the given
// checkpoint. Opening the journal is included, as for the command.
void BM_LogVerify(benchmark::State& state) {
  ScratchJournal scratch;
  const auto db = scratch.path();
  {
    journal::Journal journal{db};
    const auto key = journal::GatewayKey::load_or_create(journal::private_key_path(db),
                                                         journal::public_key_path(db));
    auto events = grants(kLargeJournalRows);
    constexpr std::int64_t kBlock = 999;
    std::optional<journal::Checkpoint> newest;
    for (std::int64_t at = 0; at + kBlock < kLargeJournalRows; at += kBlock) {
      journal.append(std::span{events}.subspan(static_cast<std::size_t>(at), kBlock));
      newest = journal::sign_checkpoint(key, journal.journal_id(), journal.last_seq(),
                                        journal.head_hash(), 1'772'438'400'000'000 + at);
      std::vector<core::Event> row{journal::checkpoint_event(*newest)};
      journal.append(row);
    }
    journal::write_checkpoint_file(journal::checkpoint_path(db), *newest);
  }
  const ctl::VerifyArgs args{.journal_path = db.string(),
                             .checkpoint_path = journal::checkpoint_path(db).string()};
  for (auto _ : state) {
    std::ostringstream out;
    std::ostringstream err;
    if (ctl::log_verify(args, out, err) != 0 ||
        out.str().find("100 checkpoint rows ok") == std::string::npos) {
      state.SkipWithError((out.str() + err.str()).c_str());
    }
  }
  state.SetItemsProcessed(state.iterations() * kLargeJournalRows);
}
BENCHMARK(BM_LogVerify)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

// One person's day out of 100k rows (20 rows match): the partial index.
void BM_JournalQueryPersonDay(benchmark::State& state) {
  ScratchJournal scratch;
  journal::Journal journal{scratch.path()};
  auto events = grants(kLargeJournalRows);
  journal.append(events);
  journal::Filter filter{.person = core::PersonId{"person-42"},
                         .from = core::from_unix_micros(1'772'438'400'000'000),
                         .to = core::from_unix_micros(1'772'438'400'000'000 + 86'400'000'000)};
  std::size_t rows = 0;
  for (auto _ : state) {
    auto found = journal.query(filter);
    rows = found.size();
    benchmark::DoNotOptimize(found);
  }
  state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK(BM_JournalQueryPersonDay)->Unit(benchmark::kMicrosecond);

// A page of 100 rows at one door, and in one zone (5 doors, 12,500 of the
// 100k rows): the zone goes through door_zones and the door index, so it
// collects and sorts the zone's rows after `after_seq` before the limit.
template <bool kZone>
void BM_JournalQueryPage(benchmark::State& state) {
  ScratchJournal scratch;
  journal::Journal journal{scratch.path()};
  auto events = grants(kLargeJournalRows);
  journal.append(events);
  journal::Filter filter{.after_seq = 50'000, .limit = 100};
  if (kZone) {
    filter.zone = core::ZoneId{"zone-3"};
  } else {
    filter.door = core::DoorId{"door-3"};
  }
  std::size_t rows = 0;
  for (auto _ : state) {
    auto found = journal.query(filter);
    rows = found.size();
    benchmark::DoNotOptimize(found);
  }
  state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK(BM_JournalQueryPage<false>)
    ->Name("BM_JournalQueryPage/door")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_JournalQueryPage<true>)
    ->Name("BM_JournalQueryPage/zone")
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
