// The whole chain, rechecked in the background once the doors run.
//
// vigild's start check walks the chain only from the newest checkpoint (its
// signature vouches for the rows before it), so a start costs the same after
// a year of entries as after a day. But a row before that checkpoint edited
// in place, without recomputing any hash, leaves every checkpoint matching:
// only a walk from row 1 sees it. FullVerify runs that walk on a thread of its
// own with its own read connection (a snapshot: the writer appends on), and
// hands damage it finds to `found` on the event loop as a journal_integrity
// event (found_by "full_verify") in the current segment: nothing after the
// damage depends on it, so incident ids need no new segment.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "vigil/app/asio.hpp"
#include "vigil/app/checkpointer.hpp"
#include "vigil/core/event.hpp"

struct sqlite3;

namespace vigil::app {

class FullVerify {
 public:
  using Found = std::function<void(core::Event)>;
  // `start` is this run's start check: its segment goes into the event, and
  // damage at or before its reported_through is not raised again.
  // `archive_dir`: journal.archive_dir (empty: `<db>.archive`).
  FullVerify(boost::asio::io_context& io, std::filesystem::path db, const StartCheck& start,
             Found found, std::filesystem::path archive_dir = {});
  FullVerify(const FullVerify&) = delete;
  FullVerify& operator=(const FullVerify&) = delete;
  // Interrupts a walk in progress and joins the thread.
  ~FullVerify();

  void start();
  // For tests: waits for the walk to end. Returns its one-line summary.
  std::string wait();

 private:
  void run();

  boost::asio::io_context& io_;
  std::filesystem::path db_;
  std::filesystem::path archive_dir_;
  std::uint64_t segment_;
  std::string segment_id_;
  std::uint64_t reported_through_;
  Found found_;
  std::mutex mutex_;
  sqlite3* connection_ = nullptr;  // while walking, for sqlite3_interrupt
  bool stopping_ = false;
  std::string summary_;
  std::thread thread_;
};

}  // namespace vigil::app
