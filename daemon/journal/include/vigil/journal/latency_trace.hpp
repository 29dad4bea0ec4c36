// A timeline of one input's way from the driver to the MQTT client, for the
// forced-door bench (bench/bench_incident_latency.cpp). Off unless vigild
// starts with VIGIL_LATENCY_TRACE=<file>: then each stage below stamps the
// wall clock into its slot (one relaxed store), SQLite's WAL syncs are timed
// through a thin VFS over the default one, and the journal writer appends one
// line per commit to the file (the batch's seqs, every stage's time in µs
// since the epoch, the writer's page-cache misses and hits in the commit).
// Off, each stage costs one load of a bool that never changes.
//
// The slots hold the newest time of each stage, not a queue: the figures are
// right when one input runs through at a time (the bench's doors are 100 ms
// apart), which is all this is for. Not a profile, not for production.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace vigil::journal {

class LatencyTrace {
 public:
  enum class Stage : int {
    loop_input,       // the event loop takes the input (before the core)
    loop_dispatch,    // the core has decided: its effects are dispatched
    writer_notified,  // the loop's Hold ends and wakes the writer
    writer_woken,     // the writer has taken the batch
    begun,            // BEGIN IMMEDIATE returned (the write lock is held)
    head_read,        // the chain's head (seq, hash) is read
    events_inserted,  // the batch's events are hashed, encoded and inserted
    outbox_stored,    // the outbox rows and the cursor are in
    acked_deleted,    // the acknowledged outbox rows are deleted (COMMIT next)
    sync_start,       // the WAL's fdatasync (inside COMMIT)
    sync_end,         //
    committed,        // COMMIT returned
    publish_start,    // the committed rows reach the sender (callback)
    publish_end,      // Paho's publish() returned (or the rows were queued)
    count
  };

  // Reads VIGIL_LATENCY_TRACE once; when set, installs the timing VFS as
  // SQLite's default (before any database is opened) and opens the file.
  static void start_from_env();
  static bool on() { return on_.load(std::memory_order_relaxed); }
  static void mark(Stage stage) {
    if (on()) stamp(stage);
  }
  // Journal writer, after a batch's callbacks: one line for seqs
  // [first, last], then the slots are cleared. `cache_miss` and `cache_hit`
  // are the writer connection's page-cache counts for the commit.
  static void emit(std::uint64_t first, std::uint64_t last, int cache_miss, int cache_hit);

 private:
  static void stamp(Stage stage);
  static std::atomic<bool> on_;
};

}  // namespace vigil::journal
