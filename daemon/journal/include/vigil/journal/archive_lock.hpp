// The lock that keeps a chain walk from seeing a month half moved
// (docs/journal.md, "The archive lock"). Moving a month writes the archive
// file, then appends its journal_archived record and deletes the rows in one
// transaction; a walk that read the archive records before that commit and
// the live rows after it would report rows that are neither archived nor
// live. So the archiver (vigild's retention pass, `log archive`) holds an
// exclusive flock on `<journal>.archive.lock` while it moves a month, and
// every walk across archives (verify, query, export, report, audit) holds a
// shared one. Both wait a bounded time, then refuse with a message that says
// what holds the lock: never a false break, never an unbounded hang.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>

namespace vigil::journal {

// `<journal>.archive.lock`: beside the journal, wherever its archives live.
std::filesystem::path archive_lock_path(const std::filesystem::path& journal);

class ArchiveLock {
 public:
  enum class Mode { shared, exclusive };
  // Takes the lock, waiting at most `wait` (0: one try). `on_wait` runs once,
  // when the first try finds the lock held (vigilctl says it waits). Throws
  // JournalError when the wait ends with the lock still held. A shared
  // lock whose file cannot be opened or created (an inspector's read-only
  // copy) is not taken: nothing can archive a journal nobody can write.
  ArchiveLock(const std::filesystem::path& journal, Mode mode, std::chrono::milliseconds wait,
              const std::function<void()>& on_wait = {});
  ArchiveLock(const ArchiveLock&) = delete;
  ArchiveLock& operator=(const ArchiveLock&) = delete;
  ~ArchiveLock();

  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace vigil::journal
