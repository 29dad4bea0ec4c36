// flock on <journal>.archive.lock (archive_lock.hpp).
#include "vigil/journal/archive_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

#include "vigil/journal/error.hpp"

namespace vigil::journal {

namespace fs = std::filesystem;

fs::path archive_lock_path(const fs::path& journal) {
  return journal.string() + ".archive.lock";
}

ArchiveLock::ArchiveLock(const fs::path& journal, Mode mode, std::chrono::milliseconds wait,
                         const std::function<void()>& on_wait) {
  const fs::path path = archive_lock_path(journal);
  const bool exclusive = mode == Mode::exclusive;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 && !exclusive) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (!exclusive) return;  // a read-only copy: no archiver can be moving it
    throw JournalError(path.string() + ": cannot open the archive lock: " + std::strerror(errno),
                       0);
  }
  const auto deadline = std::chrono::steady_clock::now() + wait;
  bool told = false;
  for (;;) {
    if (::flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0) break;
    const int error = errno;
    if (error == EINTR) continue;
    if (error != EWOULDBLOCK) {
      ::close(fd);
      throw JournalError(path.string() + ": archive lock: " + std::strerror(error), 0);
    }
    if (!told) {
      told = true;
      if (on_wait) on_wait();
      continue;  // the callback may have ended what held it
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      const std::string waited = std::to_string(wait.count()) + " ms";
      throw JournalError(
          exclusive ? "a walk of the chain (verify, query, export, report) still holds " +
                          path.string() + " after " + waited + ": nothing was archived; try again"
                    : "archived months are being moved (" + path.string() +
                          " held by the archiver) after " + waited +
                          ": try again when the archiving is done",
          0);
    }
    // Polling: flock has no timed wait, and a signal-interrupted blocking
    // wait is not thread-safe inside vigild.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  fd_ = fd;
}

ArchiveLock::~ArchiveLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace vigil::journal
